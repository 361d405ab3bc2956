"""The règlement's approval steps in Wagtail's audit log, and who approved which version in
the admin (« Règlement : approbations »)."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter

from cms.reglement.admin_views import ApprovalsView
from members.admin_coordination import RestrictedMenuItem
from members.permissions import is_coordination


class _ProposalFormatter(LogFormatter):
    """An audit log line of a proposal: ``message`` filled with the entry's label and college."""

    def format_message(self, log_entry) -> str:
        return self.message.format(**{"label": "", "college": "", **(log_entry.data or {})})


# Each step of a proposal: its action, its label and its message in the audit log.
_PROPOSAL_STEPS = {
    "reglement.propose": (
        "Proposer une version du règlement",
        "Version {label} proposée aux collèges",
    ),
    "reglement.approve": (
        "Approuver une version du règlement",
        "Version {label} approuvée par le collège « {college} »",
    ),
    "reglement.adopt": (
        "Adopter une version du règlement",
        "Version {label} adoptée après l'approbation de tous les collèges",
    ),
    "reglement.withdraw": (
        "Retirer une proposition de règlement",
        "Proposition de la version {label} retirée",
    ),
}


@hooks.register("register_log_actions")
def register_reglement_log_actions(actions) -> None:
    for action, (label, message) in _PROPOSAL_STEPS.items():
        formatter = type(
            "ProposalStep", (_ProposalFormatter,), {"label": label, "message": message}
        )
        actions.register_action(action)(formatter)


@hooks.register("register_admin_urls")
def register_approvals_url() -> list:
    return [path("reglement/approbations/", ApprovalsView.as_view(), name="reglement_approvals")]


@hooks.register("register_admin_menu_item")
def register_proposals_menu_item() -> MenuItem:
    url = reverse("reglement_approvals")
    return RestrictedMenuItem(
        "Règlement : approbations", url, icon_name="list-ol", order=10000, shown_to=is_coordination
    )
