"""The règlement's approval steps in Wagtail's audit log, and a link to them in the admin."""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter

from members.permissions import is_coordination


class _ProposalFormatter(LogFormatter):
    template = ""

    def format_message(self, log_entry) -> str:
        return self.template.format(**{"label": "", "college": "", **(log_entry.data or {})})


@hooks.register("register_log_actions")
def register_reglement_log_actions(actions) -> None:
    @actions.register_action("reglement.propose")
    class Propose(_ProposalFormatter):
        label = "Proposer une version du règlement"
        template = "Version {label} proposée aux collèges"

    @actions.register_action("reglement.approve")
    class Approve(_ProposalFormatter):
        label = "Approuver une version du règlement"
        template = "Version {label} approuvée par le collège « {college} »"

    @actions.register_action("reglement.adopt")
    class Adopt(_ProposalFormatter):
        label = "Adopter une version du règlement"
        template = "Version {label} adoptée après l'approbation de tous les collèges"

    @actions.register_action("reglement.withdraw")
    class Withdraw(_ProposalFormatter):
        label = "Retirer une proposition de règlement"
        template = "Proposition de la version {label} retirée"


class _CoordinationMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return is_coordination(request.user)


@hooks.register("register_admin_menu_item")
def register_proposals_menu_item() -> MenuItem:
    return _CoordinationMenuItem(
        "Règlement : approbations",
        reverse("reglement:proposals"),
        icon_name="list-ol",
        order=10000,
    )
