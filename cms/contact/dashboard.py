"""« Messages reçus » on the admin's dashboard (``members.admin_dashboard``): coordination only,
the messages not answered yet, oldest first."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from cms.contact.admin_views import INSPECT_URL_NAME, can_answer, sender_text
from cms.contact.models import ContactMessage
from members.admin_dashboard import PanelContent, listed_panel
from members.space.home_sections import HomeItem


def waiting_messages_panel(request: HttpRequest) -> PanelContent | None:
    """Messages to the coordination still waiting (unread or read, not answered)."""
    if not can_answer(request.user):
        return None  # referents and editors never see the messages
    return listed_panel(
        ContactMessage.objects.exclude(status=ContactMessage.Status.ANSWERED)
        .select_related("sender")
        .order_by("created_at"),
        lambda message: HomeItem(
            message.subject,
            reverse(INSPECT_URL_NAME, args=[message.pk]),
            meta=f"{sender_text(message)} — {message.get_status_display()}",
            when=timezone.localtime(message.created_at),
        ),
        ("message sans réponse", "messages sans réponse"),
        more_url=reverse("messages_coordination:index"),
        more_label="Tous les messages reçus",
        empty="Aucun message n'attend de réponse.",
    )
