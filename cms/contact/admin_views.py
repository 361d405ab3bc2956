"""The coordination's screens for messages: listing, detail (which marks it read), answer."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html, linebreaks
from django.utils.safestring import SafeString, mark_safe
from wagtail.admin.views.generic import HistoryView, InspectView
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry

from cms.contact import services
from cms.contact.forms import AnswerForm
from cms.contact.models import ContactMessage
from members.admin_querystring import BoundedFiltersIndexView
from members.admin_screens import RestrictedAdminScreen
from members.permissions import is_coordination

ANSWER_URL_NAME = "messages_coordination:answer"
INSPECT_URL_NAME = "messages_coordination:inspect"


class CoordinationMessagesPolicy(ModelPermissionPolicy):
    """Only coordination reads, answers and deletes messages; nobody adds or edits one."""

    def user_has_permission(self, user, action: str) -> bool:
        if action not in ("view", "delete", "answer"):
            return False
        return user.is_authenticated and is_coordination(user)

    def user_has_any_permission(self, user, actions) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)


def can_answer(user) -> bool:
    return policy_registry.get_by_type(ContactMessage).user_has_permission(user, "answer")


def user_text(user) -> str:
    """A person as coordination knows them: their name and username."""
    name = user.get_full_name()
    return f"{name} ({user.get_username()})" if name else user.get_username()


def sender_text(message: ContactMessage) -> str:
    """The sender's name and username, or that nobody was signed in."""
    return user_text(message.sender) if message.sender else message.sender_label()


def text_html(text: str) -> SafeString:
    """A visitor's plain text, escaped, with its paragraphs and line breaks kept."""
    # linebreaks escaped the text (autoescape=True) before adding its own tags.
    return mark_safe(linebreaks(text, autoescape=True))


class MessageIndexView(BoundedFiltersIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("sender")


class MessageInspectView(InspectView):
    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        services.mark_read(self.object)
        return super().get(request, *args, **kwargs)

    def get_page_title(self) -> str:
        return "Message à la coordination"

    @property
    def header_buttons(self) -> list[HeaderButton]:
        if not (self.object.can_be_answered and can_answer(self.request.user)):
            return []
        url = reverse(ANSWER_URL_NAME, args=[self.object.pk])
        return [HeaderButton("Répondre", url=url, icon_name="mail")]

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if value is None or value == "":
            return "—"
        if isinstance(value, datetime.datetime):
            # Wagtail's inspect view would show the time in UTC.
            return date_format(timezone.localtime(value), "j F Y à H:i")
        return value

    def get_sender_display_value(self) -> str:
        return sender_text(self.object)

    def get_answered_by_display_value(self) -> str:
        answered_by = self.object.answered_by
        return user_text(answered_by) if answered_by else "—"

    def get_message_display_value(self) -> SafeString:
        return text_html(self.object.message)

    def get_answer_display_value(self) -> SafeString | str:
        return text_html(self.object.answer) if self.object.answer else "—"

    def get_reply_email_display_value(self) -> str:
        return self.object.reply_email or "Aucune : la personne ne peut pas recevoir de réponse"


class MessageHistoryView(HistoryView):
    """The message's audit log, without the « Modifier » button: nobody edits a message."""

    header_buttons: list[HeaderButton] = []

    def get_edit_url(self, instance) -> None:
        return None


class AnswerView(RestrictedAdminScreen):
    """GET shows the message and the answer form; POST sends the answer and records it.

    Who may not answer gets the 403 before the message is looked for.
    """

    template_name = "contact/admin_answer.html"
    page_title = "Répondre au message"
    header_icon = "mail"

    def may_open(self, user) -> bool:
        return can_answer(user)

    @cached_property
    def object(self) -> ContactMessage:
        return get_object_or_404(
            ContactMessage.objects.select_related("sender"), pk=self.kwargs["pk"]
        )

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        if self.may_open(request.user) and not self.object.can_be_answered:
            return self._cannot_answer(request)
        return super().dispatch(request, *args, **kwargs)

    def _cannot_answer(self, request: HttpRequest) -> HttpResponse:
        if self.object.status == ContactMessage.Status.ANSWERED:
            text = "Ce message a déjà reçu une réponse : rien n'a été envoyé."
        else:
            text = "Ce message n'a pas d'adresse de réponse : aucune réponse ne peut être envoyée."
        messages.error(request, text)
        return redirect(INSPECT_URL_NAME, self.object.pk)

    def get_page_subtitle(self) -> str:
        return self.object.subject

    def get_breadcrumbs_items(self) -> list[dict]:
        return [
            *self.breadcrumbs_items,
            {"url": reverse("messages_coordination:index"), "label": "Messages à la coordination"},
            {"url": reverse(INSPECT_URL_NAME, args=[self.object.pk]), "label": self.object.subject},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs) -> dict:
        kwargs.setdefault("form", AnswerForm())
        context = super().get_context_data(**kwargs)
        context.update(
            contact=self.object,
            sender=sender_text(self.object),
            message_html=text_html(self.object.message),
        )
        return context

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        form = AnswerForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            message = services.answer(self.object, form.cleaned_data["answer"], request)
        except (services.AlreadyAnswered, services.NoReplyAddress):
            self.object.refresh_from_db()
            return self._cannot_answer(request)
        messages.success(
            request,
            format_html("Réponse envoyée à {}.", message.reply_email),
        )
        return redirect(INSPECT_URL_NAME, message.pk)
