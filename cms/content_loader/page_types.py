"""The page types a content file may name, and the keys each type takes."""

from __future__ import annotations

from wagtail.models import Page

from cms.followup.models import FollowupBoardPage
from cms.models import (
    ContributionPage,
    ConventionPage,
    DossierIndexPage,
    DossierPage,
    EventIndexPage,
    EventPage,
    MemberDirectoryPage,
    ReglementPage,
    StandardPage,
)

PAGE_TYPES: dict[str, type[Page]] = {
    "convention": ConventionPage,
    "reglement": ReglementPage,
    "dossier_index": DossierIndexPage,
    "dossier": DossierPage,
    "contribution": ContributionPage,
    "event_index": EventIndexPage,
    "event": EventPage,
    "directory": MemberDirectoryPage,
    "standard": StandardPage,
    "followup_board": FollowupBoardPage,
}
COMMON_PAGE_KEYS = {"type", "slug", "title", "visibility", "live", "children"}
PAGE_KEYS = {
    "convention": {"territory", "preamble", "objectives", "perimeter"},
    "reglement": {"version", "adopted_on", "approved_by", "intro", "articles", "versions"},
    "dossier_index": {"intro"},
    "dossier": {"theme", "status", "coordinators", "intro"},
    "contribution": {
        "contribution_type",
        "date",
        "colleges",
        "authors",
        "summary",
        "body",
        "preconisations",
        "testimonies",
        "tags",
        "meeting",
    },  # fmt: skip
    "event_index": {"intro"},
    "event": {
        "start",
        "end",
        "location",
        "video_url",
        "programme",
        "speakers",
        "capacity",
        "registration_deadline",
    },  # fmt: skip
    "directory": {"intro"},
    "standard": {"intro", "body", "footer_role"},
    "followup_board": {"intro"},
}
