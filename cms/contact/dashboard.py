"""« Messages reçus » on the admin's dashboard (``members.admin_dashboard``): coordination only,
the messages not answered yet, oldest first."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from cms.contact.admin_views import INSPECT_URL_NAME, can_answer, sender_text
from cms.contact.models import ContactMessage
from members.admin_dashboard import PANEL_LENGTH, PanelContent, PanelLine, count_text


def waiting_messages_panel(request: HttpRequest) -> PanelContent | None:
    """Messages to the coordination still waiting (unread or read, not answered)."""
    if not can_answer(request.user):
        return None  # referents and editors never see the messages
    waiting = ContactMessage.objects.exclude(status=ContactMessage.Status.ANSWERED)
    rows = list(waiting.select_related("sender").order_by("created_at")[:PANEL_LENGTH])
    count = len(rows) if len(rows) < PANEL_LENGTH else waiting.count()
    return PanelContent(
        count=count,
        count_text=count_text(count, "message sans réponse", "messages sans réponse"),
        lines=[
            PanelLine(
                message.subject,
                reverse(INSPECT_URL_NAME, args=[message.pk]),
                meta=f"{sender_text(message)} — {message.get_status_display()}",
                when=timezone.localtime(message.created_at),
            )
            for message in rows
        ],
        more_url=reverse("messages_coordination:index"),
        more_label="Tous les messages reçus",
        empty="Aucun message n'attend de réponse.",
    )
