"""What other parts of the site ask about a person's follows ("Mon espace")."""

from __future__ import annotations

from django.db.models import QuerySet

from cms.access import visible_pages
from cms.dossiers.pages import DossierPage
from cms.notifications.delivery import frequency_of
from cms.notifications.models import Frequency


def followed_dossiers(user) -> QuerySet:
    """Live dossiers this person follows and may still see, by title."""
    if not user.is_authenticated:
        return DossierPage.objects.none()
    followed = DossierPage.objects.live().filter(follows__user=user)
    return visible_pages(user, followed).order_by("title")


def notification_frequency(user) -> str:
    """How this person hears about followed dossiers, in words."""
    if not user.is_authenticated:
        return str(Frequency.NONE.label)
    return str(Frequency(frequency_of(user)).label)
