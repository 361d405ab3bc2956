"""The page types of the ``cms`` app.

The site's own pages live here (``base``, ``home``, ``convention``, ``standard``,
``directory``); each feature's page types live in the feature's folder and keep the
``cms`` app label. They are named here too, so that ``from cms.models import EventPage``
keeps working; code inside ``cms`` imports a page type from its own module instead.
"""

from cms.branding import SiteBranding
from cms.dossiers.pages import (
    ContributionAttachment,
    ContributionPage,
    ContributionTag,
    DossierIndexPage,
    DossierPage,
)
from cms.meetings.pages import EventIndexPage, EventPage
from cms.models.convention import ConventionPage
from cms.models.directory import MemberDirectoryPage
from cms.models.home import HomePage
from cms.models.standard import StandardPage
from cms.reglement.pages import ReglementPage

__all__ = [
    "ContributionAttachment",
    "ContributionPage",
    "ContributionTag",
    "ConventionPage",
    "DossierIndexPage",
    "DossierPage",
    "EventIndexPage",
    "EventPage",
    "HomePage",
    "MemberDirectoryPage",
    "ReglementPage",
    "SiteBranding",
    "StandardPage",
]
