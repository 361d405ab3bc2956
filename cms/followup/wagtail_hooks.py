"""Tracked items' actions in Wagtail's audit log."""

from wagtail import hooks

from cms.followup import audit


@hooks.register("register_log_actions")
def register_followup_log_actions(actions) -> None:
    audit.register(actions)
