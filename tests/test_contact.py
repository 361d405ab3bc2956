"""The contact page: a message reaches the coordination, who reads and answers it in the admin."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import RequestFactory, override_settings
from django.utils import timezone
from wagtail.models import GroupPagePermission, ModelLogEntry, Page, Site

from cms.contact.models import ContactMessage, ContactSettings
from tests.conftest import COLLEGES, PEOPLE, load, rolled_back, users_by_name

FORM_URL = "/contact/"
SENT_URL = "/contact/envoye/"
INDEX_URL = "/admin/messages_coordination/"
OUTBOX = "cms.notifications.outbox.OutboxBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
COORDINATION_ADDRESS = "contact@convention.example.org"

pytestmark = pytest.mark.django_db

STAFF = {
    "users": [
        {
            "username": "ref-pa",
            "password": "x-secret-1",
            "colleges": ["personnes-accompagnees"],
            "roles": ["member", "referent"],
        },
        {
            "username": "camille",
            "first_name": "Camille",
            "last_name": "Martin",
            "email": "camille.martin@example.org",
            "colleges": ["personnes-accompagnees"],
            "roles": ["member"],
        },
    ]
}


@pytest.fixture(scope="module")
def contact_staff(django_db_setup, django_db_blocker):
    """The people, the referent and the sender, loaded once for the module."""
    with rolled_back(django_db_blocker):
        load({"colleges": COLLEGES})
        load(PEOPLE)
        load(STAFF)
        coord = get_user_model().objects.get(username="coord")
        coord.email, coord.first_name, coord.last_name = "coord@example.org", "Claire", "Dumas"
        coord.save()
        yield


@pytest.fixture
def staff(contact_staff, db):
    return users_by_name()


@pytest.fixture
def coordination_address(db) -> str:
    settings = ContactSettings.for_site(Site.objects.get(is_default_site=True))
    settings.coordination_email = COORDINATION_ADDRESS
    settings.save()
    return COORDINATION_ADDRESS


@pytest.fixture
def editor(staff):
    """An account that edits pages in the admin without being coordination."""
    group = Group.objects.create(name="Rédaction")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    root = Page.get_first_root_node()
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.create(
            group=group, page=root, permission=Permission.objects.get(codename=codename)
        )
    user = get_user_model().objects.create_user("redac", "redac@example.org", "x-secret-1")
    user.groups.add(group)
    return user


def form_data(**overrides) -> dict:
    data = {
        "subject": "Accès au dossier logement",
        "message": "Bonjour,\nje ne vois plus le dossier logement depuis hier.",
        "reply_email": "",
    }
    data.update(overrides)
    return data


def with_reply(**overrides) -> dict:
    return form_data(reply_email="lea@example.org", consent="on", **overrides)


def a_message(**fields) -> ContactMessage:
    values = {"subject": "Une question", "message": "Le texte.", "reply_email": "lea@example.org"}
    values.update(fields)
    return ContactMessage.objects.create(**values)


def answer_url(message: ContactMessage) -> str:
    return f"{INDEX_URL}answer/{message.pk}/"


def inspect_url(message: ContactMessage) -> str:
    return f"{INDEX_URL}inspect/{message.pk}/"


# -- The form -----------------------------------------------------------------------------


def test_a_message_without_reply_address_is_kept_without_consent(client):
    client.post(FORM_URL, form_data())

    message = ContactMessage.objects.get()
    assert message.subject == "Accès au dossier logement"
    assert message.message.startswith("Bonjour,\nje ne vois plus")
    assert (message.reply_email, message.consent_at, message.sender) == ("", None, None)
    assert message.status == ContactMessage.Status.UNREAD


def test_a_reply_address_is_kept_with_the_time_of_consent(client):
    client.post(FORM_URL, with_reply())

    message = ContactMessage.objects.get()
    assert message.reply_email == "lea@example.org"
    assert message.consent_at is not None


def test_sending_redirects_to_an_acknowledgement_in_french(client):
    response = client.post(FORM_URL, with_reply())

    assert response.status_code == 302
    assert response.url == SENT_URL
    page = client.get(SENT_URL).content.decode()
    assert "Merci, votre message est envoyé" in page
    assert "Elle vous répondra par courriel à l’adresse <strong>lea@example.org</strong>" in page


def test_the_acknowledgement_without_address_says_no_answer_can_come(client):
    client.post(FORM_URL, form_data())

    page = client.get(SENT_URL).content.decode()
    assert "ne pourra pas vous répondre" in page


def test_the_acknowledgement_reloaded_sends_nothing_again(client):
    client.post(FORM_URL, form_data())
    client.get(SENT_URL)
    client.get(SENT_URL)

    assert ContactMessage.objects.count() == 1


def test_the_acknowledgement_opened_without_sending_leads_to_the_form(client):
    response = client.get(SENT_URL)

    assert response.status_code == 302
    assert response.url == FORM_URL


@override_settings(EMAIL_BACKEND=OUTBOX, EMAIL_DELIVERY_BACKEND=LOCMEM)
def test_the_message_reaches_the_address_set_in_the_admin_after_the_commit(
    client, coordination_address, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(FORM_URL, form_data())
    assert mail.outbox == []

    for callback in callbacks:
        callback()
    assert [email.to for email in mail.outbox] == [[COORDINATION_ADDRESS]]
    assert mail.outbox[0].subject == "Message sur l'intranet\u00a0: Accès au dossier logement"


def test_without_an_address_set_each_coordination_account_gets_the_message(client, staff):
    client.post(FORM_URL, form_data())

    assert [email.to for email in mail.outbox] == [["coord@example.org"]]


def test_the_coordination_email_holds_the_message_and_its_admin_link_only(
    client, staff, coordination_address
):
    client.force_login(staff["camille"])
    client.post(FORM_URL, form_data(reply_email="camille.martin@example.org", consent="on"))

    message = ContactMessage.objects.get()
    body = mail.outbox[0].body
    assert "je ne vois plus le dossier logement depuis hier." in body
    assert f"/admin/messages_coordination/inspect/{message.pk}/" in body
    assert "camille" not in body.lower()
    assert "Martin" not in body
    assert mail.outbox[0].reply_to == []


def test_subject_and_message_are_required_with_french_messages(client):
    response = client.post(FORM_URL, form_data(subject="  ", message=""))

    page = response.content.decode()
    assert response.status_code == 200
    assert "objet de votre message." in page
    assert "Écrivez votre message." in page
    assert not ContactMessage.objects.exists()


def test_a_message_too_long_is_refused_with_its_limit(client):
    response = client.post(FORM_URL, form_data(message="a" * 5001))

    page = response.content.decode()
    limit = "Le message est trop long\u00a0: 5\u202f000 caractères au plus (actuellement 5001)."
    assert limit in page
    assert not ContactMessage.objects.exists()


def test_a_reply_address_without_consent_is_refused_and_nothing_is_kept(client):
    response = client.post(FORM_URL, form_data(reply_email="lea@example.org"))

    page = response.content.decode()
    assert "cochez cette case pour que nous puissions la garder" in page
    assert not ContactMessage.objects.exists()


def test_an_invalid_reply_address_is_explained(client):
    response = client.post(FORM_URL, form_data(reply_email="lea.example.org", consent="on"))

    assert "Elle doit ressembler à prenom.nom@exemple.org." in response.content.decode()
    assert not ContactMessage.objects.exists()


@pytest.mark.parametrize(
    "odd",
    [
        {"subject": "Objet\x00nul"},
        {"message": "Texte\x00nul"},
        {"reply_email": "a\x00@example.org", "consent": "on"},
        {"subject": "x" * 100_000},
        {"reply_email": "@" * 300, "consent": "on"},
        {"consent": "peut-être"},
        {"subject": ["un", "deux"]},
    ],
)
def test_odd_input_is_answered_without_a_server_error(client, odd):
    response = client.post(FORM_URL, form_data(**odd))

    assert response.status_code in (200, 302)


def test_a_robot_filling_the_hidden_field_is_acknowledged_and_nothing_is_kept(client):
    response = client.post(FORM_URL, form_data(homepage="https://spam.example"))

    assert response.url == SENT_URL
    assert not ContactMessage.objects.exists()
    assert mail.outbox == []


@override_settings(CONTACT_LIMIT_PER_IP=2)
def test_anonymous_senders_are_limited_by_address_with_a_french_message(client):
    for _ in range(2):
        client.post(FORM_URL, form_data())
    response = client.post(FORM_URL, form_data(subject="Troisième"))

    assert response.status_code == 429
    assert "Trop de messages ont été envoyés depuis cette connexion" in response.content.decode()
    assert "Troisième" in response.content.decode()  # the text is kept in the form
    assert ContactMessage.objects.count() == 2


@override_settings(CONTACT_LIMIT_PER_IP=1)
def test_members_are_limited_by_account_not_by_the_shared_connection(client, staff):
    client.post(FORM_URL, form_data())
    client.force_login(staff["camille"])

    response = client.post(FORM_URL, form_data())

    assert response.status_code == 302
    assert ContactMessage.objects.count() == 2


def test_a_members_message_is_linked_to_their_account(client, staff):
    client.force_login(staff["camille"])
    client.post(FORM_URL, form_data())

    assert ContactMessage.objects.get().sender == staff["camille"]


def test_a_members_reply_address_is_prefilled_from_their_account(client, staff):
    client.force_login(staff["camille"])

    page = client.get(FORM_URL).content.decode()

    assert 'value="camille.martin@example.org"' in page


def test_a_member_may_give_another_reply_address(client, staff):
    client.force_login(staff["camille"])
    client.post(FORM_URL, form_data(reply_email="c.martin@asso.example.org", consent="on"))

    assert ContactMessage.objects.get().reply_email == "c.martin@asso.example.org"


def test_an_anonymous_visitor_is_offered_to_sign_in_first(client):
    page = client.get(FORM_URL).content.decode()

    assert "connectez-vous</a> avant d’écrire" in page
    assert "autocomplete" in page


# -- Pages that send people to the coordination --------------------------------------------
# The footer and the help pages of the demo: test_contact_links_demo.py (the demo is a database
# of its own, which cannot be copied inside this module's transaction).


def test_the_403_page_links_to_the_contact_page(staff):
    request = RequestFactory().get("/")
    request.user = staff["camille"]

    page = render_to_string("403.html", request=request)

    assert '<a href="/contact/">Écrivez à la coordination de la convention</a>' in page


@pytest.mark.parametrize(
    "template",
    [
        "members/profile/no_profile.html",
        "members/profile/email_confirm_refused.html",
        "members/space/no_member.html",
        "registration/lockout.html",
        "registration/password_reset_form.html",
        "cms/restricted_page.html",
    ],
)
def test_pages_that_sent_people_to_the_coordination_link_to_the_contact_page(template, staff):
    request = RequestFactory().get("/")
    request.user = staff["camille"]

    page = render_to_string(template, {"form": None}, request=request)

    assert 'href="/contact/"' in page


# -- The admin ----------------------------------------------------------------------------


def test_coordination_lists_the_messages(client, staff):
    a_message(subject="Question sur le règlement")
    client.force_login(staff["coord"])

    response = client.get(INDEX_URL)

    assert response.status_code == 200
    assert "Question sur le règlement" in response.content.decode()


def test_coordination_filters_the_unread_messages(client, staff):
    a_message(subject="Pas encore lu")
    a_message(subject="Déjà répondu", status=ContactMessage.Status.ANSWERED)
    client.force_login(staff["coord"])

    page = client.get(INDEX_URL, {"status": "unread"}).content.decode()

    assert "Pas encore lu" in page
    assert "Déjà répondu" not in page


def test_an_odd_filter_value_is_not_a_server_error(client, staff):
    client.force_login(staff["coord"])

    assert client.get(INDEX_URL, {"status": "\x00", "p": "x"}).status_code < 500


@pytest.mark.parametrize("username", ["ref-pa", "redac", "camille"])
def test_only_coordination_reads_the_messages(client, staff, editor, username):
    message = a_message()
    client.force_login(staff.get(username) or editor)

    for url in (INDEX_URL, inspect_url(message), answer_url(message)):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert "Une question" not in response.content.decode()
    assert "messages_coordination" not in client.get("/admin/").content.decode()


def test_a_referent_cannot_send_an_answer(client, staff):
    message = a_message()
    client.force_login(staff["ref-pa"])

    response = client.post(answer_url(message), {"answer": "Réponse"})

    assert response.status_code in (302, 403)  # Wagtail sends a refusal back to the dashboard
    assert mail.outbox == []
    message.refresh_from_db()
    assert message.status == ContactMessage.Status.UNREAD


def test_opening_a_message_marks_it_read(client, staff):
    message = a_message()
    client.force_login(staff["coord"])

    page = client.get(inspect_url(message)).content.decode()

    message.refresh_from_db()
    assert message.status == ContactMessage.Status.READ
    assert message.read_at is not None
    assert "Le texte." in page
    assert answer_url(message) in page


def test_a_message_shows_who_sent_it(client, staff):
    message = a_message(sender=staff["camille"])
    client.force_login(staff["coord"])

    page = client.get(inspect_url(message)).content.decode()

    assert "Camille Martin (camille)" in page


def test_the_answer_goes_to_the_reply_address_and_is_recorded(client, staff, coordination_address):
    message = a_message()
    client.force_login(staff["coord"])

    response = client.post(answer_url(message), {"answer": "Voici la réponse."})

    assert response.status_code == 302
    [email] = mail.outbox
    assert email.to == ["lea@example.org"]
    assert email.reply_to == [COORDINATION_ADDRESS]
    assert "Voici la réponse." in email.body
    assert "Le texte." in email.body
    message.refresh_from_db()
    assert message.status == ContactMessage.Status.ANSWERED
    assert message.answered_by == staff["coord"]
    assert message.answered_at is not None
    assert message.answer == "Voici la réponse."
    entry = ModelLogEntry.objects.for_instance(message).get(action="contact.answered")
    assert entry.user == staff["coord"]


def test_a_message_is_answered_only_once(client, staff):
    message = a_message()
    client.force_login(staff["coord"])
    client.post(answer_url(message), {"answer": "Première réponse."})

    response = client.post(answer_url(message), {"answer": "Seconde réponse."}, follow=True)

    assert len(mail.outbox) == 1
    assert "Ce message a déjà reçu une réponse" in response.content.decode()


def test_a_message_without_reply_address_cannot_be_answered(client, staff):
    message = a_message(reply_email="")
    client.force_login(staff["coord"])

    page = client.get(inspect_url(message)).content.decode()
    response = client.post(answer_url(message), {"answer": "Réponse."}, follow=True)

    assert answer_url(message) not in page
    assert "n’a pas d’adresse de réponse" in response.content.decode() or (
        "n&#x27;a pas d&#x27;adresse de réponse" in response.content.decode()
    )
    assert mail.outbox == []


def test_an_empty_answer_is_refused_in_french(client, staff):
    message = a_message()
    client.force_login(staff["coord"])

    response = client.post(answer_url(message), {"answer": " "})

    assert "Écrivez votre réponse." in response.content.decode()
    assert mail.outbox == []


def test_an_answer_to_an_unknown_message_is_not_found(client, staff):
    client.force_login(staff["coord"])

    assert client.get(f"{INDEX_URL}answer/999999/").status_code == 404


def test_coordination_sets_its_address_in_the_settings(client, staff):
    client.force_login(staff["coord"])

    response = client.get("/admin/settings/contact/contactsettings/", follow=True)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Adresse de la coordination" in page
    assert "Laissée vide" in page  # the help text says what happens without it


def test_a_referent_cannot_change_the_coordinations_address(client, staff):
    client.force_login(staff["ref-pa"])

    response = client.get("/admin/settings/contact/contactsettings/", follow=True)

    assert "Adresse de la coordination" not in response.content.decode()


def test_an_answered_message_shows_who_answered_it(client, staff):
    message = a_message()
    client.force_login(staff["coord"])
    client.post(answer_url(message), {"answer": "Voici la réponse."})

    page = client.get(inspect_url(message)).content.decode()

    assert "Voici la réponse." in page
    assert "Claire Dumas (coord)" in page
    assert not re.search(r"<dd>\s*None\s*</dd>", page)  # empty fields show a dash


def test_the_history_of_a_message_offers_no_edit_button(client, staff):
    message = a_message()
    client.force_login(staff["coord"])

    page = client.get(f"{INDEX_URL}history/{message.pk}/").content.decode()

    assert f"{INDEX_URL}edit/{message.pk}/" not in page


# -- Retention ----------------------------------------------------------------------------


def test_the_daily_cleanup_deletes_messages_older_than_the_retention(db):
    old = a_message(subject="Ancien")
    ContactMessage.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=366)
    )
    recent = a_message(subject="Récent")

    call_command("anonymise_former_members", stdout=open("/dev/null", "w"))

    assert list(ContactMessage.objects.all()) == [recent]


def test_the_dry_run_counts_old_messages_without_deleting(db, capsys):
    old = a_message()
    ContactMessage.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=400)
    )

    call_command("anonymise_former_members", "--dry-run")

    assert "1 message(s) à la coordination" in capsys.readouterr().out
    assert ContactMessage.objects.count() == 1
