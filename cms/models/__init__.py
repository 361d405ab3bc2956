from cms.branding import SiteBranding
from cms.models.convention import ConventionPage
from cms.models.directory import MemberDirectoryPage
from cms.models.dossiers import (
    ContributionAttachment,
    ContributionPage,
    ContributionTag,
    DossierIndexPage,
    DossierPage,
)
from cms.models.events import EventIndexPage, EventPage
from cms.models.home import HomePage
from cms.models.reglement import ReglementPage
from cms.models.standard import StandardPage

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
