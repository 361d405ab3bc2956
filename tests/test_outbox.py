"""E-mail leaves after the commit and is retried: a mail server that is down breaks nothing."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from cms.meetings import services
from cms.meetings.models import Registration
from cms.models import EventPage
from cms.notifications.models import OutgoingEmail
from cms.notifications.outbox import MAX_ATTEMPTS, from_data, to_data
from members.models import AdhesionRequest
from tests.conftest import COLLEGES, load
from tests.test_adhesion import FORM_URL, person_data

OUTBOX = "cms.notifications.outbox.OutboxBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
DOWN = "tests.mail_backends.UnreachableServer"

pytestmark = pytest.mark.django_db


@override_settings(EMAIL_BACKEND=OUTBOX, EMAIL_DELIVERY_BACKEND=LOCMEM)
def test_mail_leaves_only_once_the_work_is_committed(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        mail.send_mail("Objet", "Texte", None, ["ana@example.org"])
        assert mail.outbox == []
    assert callbacks
    assert [message.subject for message in mail.outbox] == ["Objet"]
    assert OutgoingEmail.objects.get().sent_at is not None


@override_settings(EMAIL_BACKEND=OUTBOX, EMAIL_DELIVERY_BACKEND=LOCMEM)
def test_mail_of_work_rolled_back_is_never_sent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            mail.send_mail("Objet", "Texte", None, ["ana@example.org"])
            transaction.set_rollback(True)
    assert mail.outbox == []
    assert not OutgoingEmail.objects.exists()


@override_settings(EMAIL_BACKEND=OUTBOX, EMAIL_DELIVERY_BACKEND=DOWN)
def test_adhesion_form_answers_and_keeps_one_request_while_the_mail_server_is_down(
    client, colleges, django_capture_on_commit_callbacks
):
    for _ in range(2):  # a visitor who sees no error has no reason to retry; some do
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(FORM_URL, person_data())
        assert response.status_code < 500

    assert AdhesionRequest.objects.count() == 1
    waiting = OutgoingEmail.objects.filter(sent_at__isnull=True)
    assert waiting.exists()
    assert {row.attempts for row in waiting} == {1}
    assert all(row.next_attempt_at > timezone.now() for row in waiting)


@override_settings(EMAIL_BACKEND=OUTBOX, EMAIL_DELIVERY_BACKEND=DOWN)
def test_cancelling_with_the_mail_server_down_still_promotes_the_waiting_list(
    django_capture_on_commit_callbacks,
):
    start = (timezone.localtime() + datetime.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    load({
        "colleges": COLLEGES,
        "users": [{"username": name, "email": f"{name}@example.org",
                   "colleges": ["acteurs-formation"], "roles": ["member"]}
                  for name in ("ana", "ben")],
        "pages": [{"type": "convention", "slug": "c", "title": "C", "children": [
            {"type": "event_index", "slug": "r", "title": "R", "children": [
                {"type": "event", "slug": "atelier", "title": "Atelier", "start": start,
                 "capacity": 1}]}]}],
    })  # fmt: skip
    event = EventPage.objects.get(slug="atelier")
    ana, ben = (get_user_model().objects.get(username=name) for name in ("ana", "ben"))
    services.register(event, ana)
    services.register(event, ben)

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(event, ana)

    assert Registration.objects.get(event=event, user=ben).status == Registration.Status.CONFIRMED
    assert OutgoingEmail.objects.filter(sent_at__isnull=True, recipients__contains="ben").exists()


def test_queued_mail_leaves_with_the_command_once_the_server_answers(
    django_capture_on_commit_callbacks,
):
    with override_settings(EMAIL_BACKEND=OUTBOX, EMAIL_DELIVERY_BACKEND=DOWN):
        with django_capture_on_commit_callbacks(execute=True):
            mail.send_mail("Objet", "Texte", None, ["ana@example.org"])
    row = OutgoingEmail.objects.get()
    assert row.sent_at is None and row.attempts == 1

    OutgoingEmail.objects.update(next_attempt_at=timezone.now())
    with override_settings(EMAIL_DELIVERY_BACKEND=LOCMEM):
        call_command("send_queued_emails", stdout=open("/dev/null", "w"))

    assert [message.to for message in mail.outbox] == [["ana@example.org"]]
    row.refresh_from_db()
    assert row.sent_at is not None


@override_settings(EMAIL_DELIVERY_BACKEND=DOWN)
def test_a_message_refused_again_and_again_is_given_up():
    from cms.notifications.outbox import deliver

    row = OutgoingEmail.objects.create(
        message=to_data(mail.EmailMessage("Objet", "Texte", None, ["ana@example.org"])),
        recipients="ana@example.org",
        subject="Objet",
    )
    for _ in range(MAX_ATTEMPTS):
        OutgoingEmail.objects.update(next_attempt_at=None)
        deliver()
    row.refresh_from_db()
    assert row.gave_up_at is not None and row.sent_at is None
    assert "Connection refused" in row.last_error


def test_a_message_keeps_its_html_and_attachments_through_the_queue():
    message = mail.EmailMultiAlternatives(
        "Objet", "Texte", "convention@example.org", ["ana@example.org"], cc=["ben@example.org"],
        reply_to=["coordination@example.org"], headers={"List-Unsubscribe": "<https://x/>"},
    )  # fmt: skip
    message.attach_alternative("<p>Texte</p>", "text/html")
    message.attach("agenda.ics", b"BEGIN:VCALENDAR", "text/calendar")

    again = from_data(to_data(message))

    assert (again.subject, again.body, again.to, again.cc, again.reply_to) == (
        "Objet", "Texte", ["ana@example.org"], ["ben@example.org"], ["coordination@example.org"]
    )  # fmt: skip
    assert again.alternatives == [("<p>Texte</p>", "text/html")]
    assert again.attachments == message.attachments
    assert again.extra_headers == {"List-Unsubscribe": "<https://x/>"}
