"""Tracked items' actions in Wagtail's audit log."""

from django.urls import path
from wagtail import hooks

import cms.converters  # noqa: F401  (registers <id:…>)
from cms.followup import audit, restitution_views
from cms.followup.restitution_views import RestitutionStatusView, RestitutionView
from members.admin_menu import restricted_menu_item
from members.permissions import is_coordination


@hooks.register("register_log_actions")
def register_followup_log_actions(actions) -> None:
    audit.register(actions)


# « Restitution annuelle » (issue 15, item 6): coordination only; no follow-up menu exists,
# so the item sits in the main menu.


@hooks.register("register_log_actions")
def register_restitution_log_action(actions) -> None:
    actions.register_action(*restitution_views.RESTITUTION_ACTION)


@hooks.register("register_admin_urls")
def register_restitution_urls() -> list:
    return [
        path("restitution/", RestitutionView.as_view(), name="followup_restitution"),
        path("restitution/apercu/", restitution_views.preview, name="followup_restitution_preview"),
        path(
            "restitution/<id:report_id>/",
            RestitutionStatusView.as_view(),
            name="followup_restitution_status",
        ),
        path(
            "restitution/<id:report_id>/<str:kind>/",
            restitution_views.download,
            name="followup_restitution_file",
        ),
    ]


restricted_menu_item(
    "Restitution annuelle",
    "followup_restitution",
    icon="doc-full",
    order=10100,
    shown_to=is_coordination,
)
