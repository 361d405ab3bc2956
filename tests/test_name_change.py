"""Name change requests (issue 12, item 11): a member asks on « Mon profil », coordination
confirms or refuses in the admin (« Changements de nom »).

The account keeps its name until coordination confirms; the member is told of the decision
and coordination of the request, by e-mail once the transaction is committed; the audit log
records each step without the names (a pseudonymised member's surname is in them).
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import ModelLogEntry

from members import name_change
from members.models import CollegeMembership, Member, NameChangeRequest
from members.personal_data.anonymise import anonymise_member
from members.personal_data.export import personal_data
from members.roles import apply_roles

ASK_URL = "/mon-profil/nom/"
CANCEL_URL = "/mon-profil/nom/annuler/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(people):
    """``pa`` asks; ``coord`` decides; ``formation`` is a referent of her college."""
    for username, user in people.items():
        user.email = f"{username}@example.org"
        user.save(update_fields=["email"])
    pa = people["pa"]
    pa.first_name, pa.last_name = "Nadia", "Haddad"
    pa.save(update_fields=["first_name", "last_name"])
    CollegeMembership.objects.filter(member__user=people["formation"]).update(is_referent=True)
    apply_roles(people["formation"].member, ["member", "referent"])
    return people


def ask(client, user, first_name="Nadia", last_name="Benali", reason="Mariage"):
    client.force_login(user)
    return client.post(
        ASK_URL, {"first_name": first_name, "last_name": last_name, "reason": reason}
    )


def admin_url(action: str, request_obj: NameChangeRequest) -> str:
    return reverse(f"members_namechangerequest_modeladmin_{action}", args=[request_obj.pk])


def pending_of(user) -> NameChangeRequest:
    return NameChangeRequest.objects.get(member__user=user, status="pending")


def names_of(user) -> tuple[str, str]:
    user.refresh_from_db()
    return user.first_name, user.last_name


def log_messages(member: Member) -> list[str]:
    entries = ModelLogEntry.objects.for_instance(member)
    return [entry.message for entry in entries]


# -- the member asks -------------------------------------------------------------------------


def test_asking_keeps_the_name_until_coordination_confirms(client, site):
    response = ask(client, site["pa"])
    assert response.status_code == 302
    assert names_of(site["pa"]) == ("Nadia", "Haddad")
    request_obj = pending_of(site["pa"])
    assert (request_obj.previous_name, request_obj.new_name) == ("Nadia Haddad", "Nadia Benali")


def test_asking_tells_each_coordinator_after_the_commit(
    client, site, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ask(client, site["pa"])
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert [message.to for message in mail.outbox] == [["coord@example.org"]]
    assert "Nadia Benali" in mail.outbox[0].body


def test_asking_is_in_the_audit_log_without_the_names(client, site):
    ask(client, site["pa"])
    messages = log_messages(site["pa"].member)
    assert messages == ["Changement de nom demandé"]


def test_a_missing_name_gets_a_french_message_and_changes_nothing(client, site):
    response = ask(client, site["pa"], last_name="   ")
    assert response.status_code == 200
    assert "Indiquez le nom de famille souhaité." in response.content.decode()
    assert not NameChangeRequest.objects.exists()


def test_asking_for_ones_own_name_gets_a_french_message_and_changes_nothing(client, site):
    response = ask(client, site["pa"], first_name=" Nadia ", last_name="Haddad")
    assert response.status_code == 200
    assert "C'est déjà votre nom" in response.content.decode().replace("&#x27;", "'")
    assert not NameChangeRequest.objects.exists()


def test_a_name_too_long_gets_a_french_message_and_changes_nothing(client, site):
    response = ask(client, site["pa"], last_name="x" * 151)
    assert response.status_code == 200
    assert "150 caractères" in response.content.decode()
    assert not NameChangeRequest.objects.exists()


def test_a_second_request_replaces_the_pending_one(client, site):
    ask(client, site["pa"], last_name="Benali")
    first = pending_of(site["pa"])
    ask(client, site["pa"], last_name="Benali-Haddad")
    first.refresh_from_db()
    assert first.status == NameChangeRequest.Status.CANCELLED
    assert pending_of(site["pa"]).new_name == "Nadia Benali-Haddad"


def test_the_member_may_withdraw_a_pending_request(client, site):
    ask(client, site["pa"])
    client.post(CANCEL_URL)
    assert not NameChangeRequest.objects.filter(status="pending").exists()
    assert names_of(site["pa"]) == ("Nadia", "Haddad")


# -- coordination decides ----------------------------------------------------------------------


def decide(client, user, action: str, request_obj: NameChangeRequest, note: str = ""):
    client.force_login(user)
    return client.post(admin_url(action, request_obj), {"note": note})


def test_coordination_confirms_and_the_name_changes(client, site):
    ask(client, site["pa"])
    request_obj = pending_of(site["pa"])
    response = decide(client, site["coord"], "accept", request_obj)
    assert response.status_code == 302
    assert names_of(site["pa"]) == ("Nadia", "Benali")
    request_obj.refresh_from_db()
    assert request_obj.status == NameChangeRequest.Status.ACCEPTED
    assert request_obj.decided_by == site["coord"]


def test_coordination_refuses_and_the_name_stays(client, site):
    ask(client, site["pa"])
    request_obj = pending_of(site["pa"])
    decide(client, site["coord"], "decline", request_obj, note="Pièce justificative manquante")
    assert names_of(site["pa"]) == ("Nadia", "Haddad")
    request_obj.refresh_from_db()
    assert request_obj.status == NameChangeRequest.Status.DECLINED
    assert request_obj.decision_note == "Pièce justificative manquante"


@pytest.mark.parametrize(
    ("action", "subject", "said"),
    [
        ("accept", "Votre nouveau nom est enregistré", "vous vous appelez désormais"),
        ("decline", "Votre demande de changement de nom", "Votre nom sur l'intranet reste"),
    ],
)
def test_the_member_is_told_of_the_decision_after_the_commit(
    client, site, django_capture_on_commit_callbacks, action, subject, said
):
    ask(client, site["pa"])
    request_obj = pending_of(site["pa"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        decide(client, site["coord"], action, request_obj, note="Bien reçu")
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert [(message.to, message.subject) for message in mail.outbox] == [
        (["pa@example.org"], subject)
    ]
    assert said in mail.outbox[0].body and "Bien reçu" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("action", "logged"),
    [
        ("accept", "Nouveau nom confirmé par la coordination"),
        ("decline", "Changement de nom refusé par la coordination"),
    ],
)
def test_the_decision_is_in_the_audit_log_without_the_names(client, site, action, logged):
    ask(client, site["pa"])
    decide(client, site["coord"], action, pending_of(site["pa"]))
    messages = log_messages(site["pa"].member)
    assert logged in messages
    assert not any("Haddad" in text or "Benali" in text for text in messages)


def test_a_decided_request_cannot_be_decided_again(client, site):
    ask(client, site["pa"])
    request_obj = pending_of(site["pa"])
    decide(client, site["coord"], "decline", request_obj)
    response = decide(client, site["coord"], "accept", request_obj)
    assert response.status_code == 302
    assert names_of(site["pa"]) == ("Nadia", "Haddad")
    response = client.get(response.url)
    assert "Cette demande a déjà été traitée (refusée)" in response.content.decode().replace(
        "&#x27;", "'"
    )


def test_a_decision_note_too_long_gets_a_french_message_and_changes_nothing(client, site):
    ask(client, site["pa"])
    request_obj = pending_of(site["pa"])
    response = decide(client, site["coord"], "accept", request_obj, note="x" * 1001)
    assert response.status_code == 200
    assert "1000 caractères" in response.content.decode()
    assert names_of(site["pa"]) == ("Nadia", "Haddad")
    assert pending_of(site["pa"]) == request_obj


@pytest.mark.parametrize("who", ["formation", "deux"])
def test_a_referent_or_another_member_cannot_decide(client, site, who):
    ask(client, site["pa"])
    request_obj = pending_of(site["pa"])
    for action in ("accept", "decline"):
        response = decide(client, site[who], action, request_obj)
        assert response.status_code in {302, 403}
        assert "modeladmin" not in response.get("Location", "")
    assert names_of(site["pa"]) == ("Nadia", "Haddad")
    assert pending_of(site["pa"]) == request_obj


def test_the_service_refuses_a_decision_by_anyone_but_coordination(client, site):
    ask(client, site["pa"])
    with pytest.raises(PermissionError):
        name_change.accept(pending_of(site["pa"]), site["formation"])
    assert names_of(site["pa"]) == ("Nadia", "Haddad")


def test_referents_do_not_see_the_requests_in_the_admin(client, site):
    ask(client, site["pa"])
    client.force_login(site["formation"])
    response = client.get(reverse("members_namechangerequest_modeladmin_index"))
    assert response.status_code in {302, 403}
    assert "Benali" not in response.content.decode()


# -- personal data ---------------------------------------------------------------------------------


def test_the_export_of_my_data_lists_my_name_change_requests(client, site):
    ask(client, site["pa"])
    rows = personal_data(site["pa"])["demandes_changement_nom"]
    assert [(row["nom_actuel"], row["nom"], row["statut"]) for row in rows] == [
        ("Haddad", "Benali", "À examiner")
    ]


def test_anonymisation_deletes_the_names_asked_for(client, site):
    ask(client, site["pa"])
    member = site["pa"].member
    member.status = Member.Status.FORMER
    member.save(update_fields=["status"])
    anonymise_member(member)
    assert not NameChangeRequest.objects.filter(member=member).exists()
