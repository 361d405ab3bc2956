"""What other parts of the site ask about dossiers and contributions."""

from __future__ import annotations

from django.db.models import QuerySet

from cms.access import visible_pages
from cms.dossiers.pages import ContributionPage
from members.models import Member

# « Mon espace » lists a person's latest publications, not their whole record.
PUBLISHED_CONTRIBUTIONS_SHOWN = 20


def published_contributions_of(user, member: Member) -> QuerySet:
    """Live contributions naming the member as an author, as far as ``user`` may see them."""
    contributions = ContributionPage.objects.live().filter(authors=member)
    return visible_pages(user, contributions).order_by("-date", "-pk")[
        :PUBLISHED_CONTRIBUTIONS_SHOWN
    ]
