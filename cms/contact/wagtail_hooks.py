"""Messages to the coordination in the admin: coordination only (referents and editors
never see them), with their answer recorded in Wagtail's audit log."""

from __future__ import annotations

from django.conf import settings
from django.urls import path
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import LogFormatter
from wagtail.permissions import register_permission_policy

from cms.contact import services
from cms.contact.admin_views import (
    AnswerView,
    CoordinationMessagesPolicy,
    MessageHistoryView,
    MessageIndexView,
    MessageInspectView,
)
from cms.contact.dashboard import waiting_messages_panel
from cms.contact.models import ContactMessage, delete_old_messages, messages_to_delete
from members.admin_dashboard import dashboard_panel
from members.personal_data.cleanup import PERSONAL_DATA_CLEANUP_HOOK, Cleanup

register_permission_policy(ContactMessage, CoordinationMessagesPolicy(ContactMessage))


class ContactMessageViewSet(ModelViewSet):
    model = ContactMessage
    icon = "mail"
    menu_label = "Messages reçus"
    menu_order = 305
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = MessageIndexView
    inspect_view_class = MessageInspectView
    history_view_class = MessageHistoryView
    list_display = ["subject", "sender_label", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["subject", "message", "reply_email"]
    ordering = ["-created_at"]
    inspect_view_fields = [
        "created_at",
        "status",
        "sender",
        "reply_email",
        "consent_at",
        "subject",
        "message",
        "read_at",
        "answered_at",
        "answered_by",
        "answer",
    ]
    # Never shown (nobody may edit a message), but a ModelViewSet wants its fields.
    form_fields = ["status"]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("answer/<int:pk>/", AnswerView.as_view(), name="answer"),
        ]


@hooks.register("register_admin_viewset")
def register_contact_message_viewset() -> ContactMessageViewSet:
    return ContactMessageViewSet("messages_coordination")


class _AnsweredFormatter(LogFormatter):
    label = "Réponse à un message"
    message = "Réponse envoyée à l'adresse de la personne"


@hooks.register("register_log_actions")
def register_contact_log_actions(actions) -> None:
    actions.register_action(services.ANSWERED)(_AnsweredFormatter)


@hooks.register(PERSONAL_DATA_CLEANUP_HOOK)
def old_contact_messages() -> Cleanup:
    return Cleanup(
        label=(
            "message(s) à la coordination reçu(s) il y a plus de "
            f"{settings.CONTACT_MESSAGES_KEPT_FOR.days} jours"
        ),
        count=lambda: messages_to_delete().count(),
        delete=delete_old_messages,
    )


# The admin's dashboard: coordination sees the messages still waiting for an answer.
dashboard_panel("messages-recus", "Messages reçus", 130)(waiting_messages_panel)
