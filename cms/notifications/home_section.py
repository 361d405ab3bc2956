"""« Nouveau dans mes dossiers suivis » on a member's home page
(``members.space.home_sections``): the contributions published lately in the dossiers the
person follows, newest first."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from cms.access import visible_pages
from cms.dossiers.pages import ContributionPage, DossierIndexPage
from cms.member_home import first_visible_url, parent_path
from cms.notifications.queries import followed_dossiers
from members.space.home_sections import SECTION_LENGTH, EmptyState, HomeItem, SectionContent

# A contribution is new for this long after it is published.
NEW_FOR = timedelta(days=30)
NO_FOLLOW = "Vous ne suivez aucun dossier. Suivez un dossier pour voir ici ses nouveautés."
NOTHING_NEW = "Rien de nouveau depuis un mois dans les dossiers que vous suivez."


def news_line(contribution: ContributionPage, dossier_title: str) -> str:
    """The kind of work and where it was put, and when: the date shown above is the work's own
    (a synthesis of 2024 stays dated 2024), this line says it is new on the intranet."""
    published = date_format(timezone.localdate(contribution.first_published_at), "j F Y")
    kind = contribution.get_contribution_type_display()
    return f"{kind}, dossier « {dossier_title} », en ligne depuis le {published}"


def news_in_followed_dossiers(request: HttpRequest) -> SectionContent:
    manage_url = reverse("notifications:index")
    dossiers = {dossier.path: dossier for dossier in followed_dossiers(request.user)}
    if not dossiers:
        empty = EmptyState(
            NO_FOLLOW, "Choisir un dossier à suivre", first_visible_url(request, DossierIndexPage)
        )
        return SectionContent([], manage_url, empty)
    in_a_followed_dossier = Q()
    for dossier in dossiers.values():
        in_a_followed_dossier |= Q(path__startswith=dossier.path, depth=dossier.depth + 1)
    since = timezone.now() - NEW_FOR
    new_ones = ContributionPage.objects.live().filter(
        in_a_followed_dossier, first_published_at__gte=since
    )
    newest = visible_pages(request.user, new_ones).order_by("-first_published_at", "-pk")
    items = [
        HomeItem(
            title=contribution.title,
            url=contribution.get_url(request) or "",
            meta=news_line(contribution, dossiers[parent_path(contribution)].title),
            when=contribution.date,
        )
        for contribution in newest[:SECTION_LENGTH]
    ]
    empty = EmptyState(NOTHING_NEW, "Voir mes dossiers suivis", manage_url)
    return SectionContent(items, manage_url, empty, more_label="Voir mes dossiers suivis")
