"""Adhesion: the public "Rejoindre la convention" form and its decision by coordination."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from cms.models import ConventionPage
from members.models import (
    AdhesionRequest,
    College,
    CollegeMembership,
    Member,
    Organisation,
    Territory,
)
from tests.conftest import load

FORM_URL = "/rejoindre/"
DONE_URL = "/rejoindre/merci/"
ADMIN_INDEX = "/admin/members/adhesionrequest/"
NEW_PASSWORD = "Une-phrase-de-passe-solide-2024"


def accept_url(request_obj: AdhesionRequest) -> str:
    return f"/admin/members/adhesionrequest/accept/{request_obj.pk}/"


def decline_url(request_obj: AdhesionRequest) -> str:
    return f"/admin/members/adhesionrequest/decline/{request_obj.pk}/"


@pytest.fixture
def coordination(colleges):
    load(
        {
            "users": [
                {
                    "username": "coord",
                    "password": "x",
                    "email": "coord@example.org",
                    "colleges": ["acteurs-formation"],
                    "roles": ["member", "coordination"],
                }
            ]
        }
    )
    return get_user_model().objects.get(username="coord")


@pytest.fixture
def plain_member(colleges):
    load({"users": [{"username": "simple", "password": "x", "colleges": ["acteurs-formation"]}]})
    return get_user_model().objects.get(username="simple")


def college_id(slug: str) -> str:
    return str(College.objects.get(slug=slug).pk)


# A person's request, then what an organisation's request changes in it.
PERSON = {
    "kind": "person",
    "territory": "",
    "first_name": "Nadia",
    "last_name": "Martin",
    "email": "nadia.martin@example.org",
    "phone": "",
    "fonction": "",
    "message": "Je voudrais participer aux ateliers.",
    "consent": "on",
    "homepage": "",
}
ORGANISATION = {
    "kind": "organisation",
    "organisation_name": "Institut Régional du Travail Social",
    "organisation_type": "organisme_formation",
    "website": "https://irts.example.org",
    "first_name": "Paul",
    "last_name": "Durand",
    "email": "paul.durand@example.org",
}


def person_data(**overrides: str) -> dict:
    return {**PERSON, "college": college_id("personnes-accompagnees"), **overrides}


def organisation_data(**overrides: str) -> dict:
    return person_data(**{**ORGANISATION, "college": college_id("acteurs-formation"), **overrides})


def submit(client, data: dict):
    return client.post(FORM_URL, data)


# -- the public form ----------------------------------------------------------


def test_form_shows_to_anonymous_visitors(client, colleges):
    response = client.get(FORM_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Rejoindre la convention" in html
    assert 'name="consent"' in html
    assert "Personnes accompagnées" in html  # the college select


def test_footer_links_to_the_form(client, colleges):
    html = client.get(DONE_URL).content.decode()
    assert f'href="{reverse("members:adhesion")}"' in html


def test_valid_person_request_is_saved_and_both_emails_are_sent(client, coordination):
    response = submit(client, person_data())

    assert response.status_code == 302
    assert response["Location"] == DONE_URL
    request_obj = AdhesionRequest.objects.get()
    assert request_obj.status == AdhesionRequest.Status.PENDING
    assert request_obj.kind == AdhesionRequest.Kind.PERSON
    assert request_obj.consent_at is not None
    assert request_obj.organisation_name == ""
    by_recipient = {tuple(message.to): message for message in mail.outbox}
    assert set(by_recipient) == {("nadia.martin@example.org",), ("coord@example.org",)}
    assert "bien été reçue" in by_recipient[("nadia.martin@example.org",)].subject
    notification = by_recipient[("coord@example.org",)]
    assert notification.subject == "Nouvelle demande d'adhésion : Nadia Martin"
    assert f"http://127.0.0.1:8000/admin/members/adhesionrequest/inspect/{request_obj.pk}/" in (
        notification.body
    )


def test_organisation_request_without_organisation_name_is_refused(client, colleges):
    response = submit(client, organisation_data(organisation_name=""))

    assert response.status_code == 200
    html = response.content.decode()
    assert "indiquez le nom de la structure" in html
    assert 'role="alert"' in html
    assert 'aria-describedby="id_organisation_name_helptext id_organisation_name_error"' in html
    assert not AdhesionRequest.objects.exists()
    assert mail.outbox == []


def test_missing_consent_is_refused(client, colleges):
    data = person_data()
    del data["consent"]
    response = submit(client, data)

    assert response.status_code == 200
    assert "Cochez cette case" in response.content.decode()
    assert not AdhesionRequest.objects.exists()


def test_bad_email_is_refused(client, colleges):
    response = submit(client, person_data(email="nadia.example.org"))

    assert response.status_code == 200
    assert "adresse électronique n&#x27;est pas valide" in response.content.decode()
    assert not AdhesionRequest.objects.exists()


def test_honeypot_drops_the_request_but_shows_the_usual_confirmation(client, coordination):
    response = submit(client, person_data(homepage="http://spam.example"))

    assert response.status_code == 302
    assert response["Location"] == DONE_URL
    assert not AdhesionRequest.objects.exists()
    assert mail.outbox == []


def test_second_request_for_a_pending_email_is_not_kept_but_answered_as_usual(client, colleges):
    # The form must not tell whether an address has a request in progress (issue 10).
    submit(client, person_data())
    response = submit(client, person_data(email="Nadia.Martin@example.org"))

    assert response.status_code == 302
    assert response["Location"] == DONE_URL
    assert AdhesionRequest.objects.count() == 1


# -- the decision by coordination -----------------------------------------------


@pytest.fixture
def person_request(client, coordination) -> AdhesionRequest:
    """Nadia Martin's request, sent through the form and waiting for coordination."""
    submit(client, person_data())
    return AdhesionRequest.objects.get()


def decide(client, url: str, request_obj: AdhesionRequest, data: dict | None = None) -> str:
    """Post a decision with an empty outbox: the page it leads to; the request refreshed."""
    mail.outbox.clear()
    response = client.post(url, data or {}, follow=True)
    request_obj.refresh_from_db()
    return response.content.decode()


def accept(client, request_obj: AdhesionRequest) -> str:
    return decide(client, accept_url(request_obj), request_obj)


def decline(client, request_obj: AdhesionRequest, reason: str) -> str:
    return decide(client, decline_url(request_obj), request_obj, {"reason": reason})


def set_password_link(message) -> str:
    match = re.search(
        r"http://127\.0\.0\.1:8000(/rejoindre/mot-de-passe/[^/\s]+/[^/\s]+/)", message.body
    )
    assert match, message.body
    return match.group(1)


def test_end_to_end_organisation_request_becomes_a_signatory(client, coordination):
    load(
        {
            "territories": [
                {"slug": "paca", "name": "Provence-Alpes-Côte d'Azur"},
                {"slug": "var", "name": "Var", "parent": "paca"},
            ],
            "pages": [{"type": "convention", "slug": "c", "title": "C", "territory": "paca"}],
        }
    )
    var = Territory.objects.get(slug="var")
    submit(client, organisation_data(territory=str(var.pk)))
    request_obj = AdhesionRequest.objects.get()

    client.force_login(coordination)
    listing = client.get(ADMIN_INDEX)
    assert listing.status_code == 200
    assert "Institut Régional du Travail Social" in listing.content.decode()
    assert accept_url(request_obj) in listing.content.decode()

    confirmation = client.get(accept_url(request_obj))
    assert confirmation.status_code == 200
    assert AdhesionRequest.objects.get().status == AdhesionRequest.Status.PENDING

    assert "Demande acceptée" in accept(client, request_obj)

    assert request_obj.status == AdhesionRequest.Status.ACCEPTED
    assert request_obj.decided_by == coordination
    user = get_user_model().objects.get(email="paul.durand@example.org")
    assert user.username == "paul-durand"
    assert not user.has_usable_password()
    member = Member.objects.get(user=user)
    assert request_obj.member == member
    assert member.status == Member.Status.ACTIVE
    assert member.territory == var
    organisation = Organisation.objects.get(slug="institut-regional-du-travail-social")
    assert request_obj.organisation == organisation
    assert member.organisation == organisation
    assert organisation.adhesion_date is not None
    college = College.objects.get(slug="acteurs-formation")
    assert organisation.college == college
    assert CollegeMembership.objects.filter(member=member, college=college).exists()
    assert user.groups.filter(pk=college.group_id).exists()

    assert [message.to for message in mail.outbox] == [["paul.durand@example.org"]]
    link = set_password_link(mail.outbox[0])

    client.logout()
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert 'name="new_password1"' in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert done.redirect_chain[-1][0] == reverse("members:adhesion_password_done")
    assert reverse("login") in done.content.decode()
    assert client.login(username="paul-durand", password=NEW_PASSWORD)

    convention = ConventionPage.objects.get(slug="c")
    assert organisation in convention.signatories()


def test_admin_list_searches_and_filters_requests(client, coordination):
    submit(client, person_data())
    submit(client, organisation_data())
    client.force_login(coordination)

    found = client.get(ADMIN_INDEX, {"q": "paul.durand"}).content.decode()
    assert "Institut Régional du Travail Social" in found
    assert "Nadia Martin" not in found
    people = client.get(ADMIN_INDEX, {"kind__exact": "person"}).content.decode()
    assert "Nadia Martin" in people
    assert "Institut Régional du Travail Social" not in people


def test_decline_sends_an_email_and_creates_no_account(client, coordination, person_request):
    users_before = get_user_model().objects.count()
    client.force_login(coordination)

    assert client.get(decline_url(person_request)).status_code == 200
    assert "Demande refusée" in decline(client, person_request, "Hors du territoire.")

    assert person_request.status == AdhesionRequest.Status.DECLINED
    assert person_request.decision_note == "Hors du territoire."
    assert person_request.decided_by == coordination
    assert get_user_model().objects.count() == users_before
    assert [message.to for message in mail.outbox] == [["nadia.martin@example.org"]]
    assert "Hors du territoire." in mail.outbox[0].body


def test_plain_member_cannot_accept(client, person_request, plain_member):
    users_before = get_user_model().objects.count()
    client.force_login(plain_member)

    url = accept_url(person_request)
    for response in (client.get(url), client.post(url)):
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert not response["Location"].startswith(url)

    person_request.refresh_from_db()
    assert person_request.status == AdhesionRequest.Status.PENDING
    assert get_user_model().objects.count() == users_before


def test_accepting_twice_changes_nothing_the_second_time(client, coordination, person_request):
    client.force_login(coordination)
    accept(client, person_request)
    decided_at = person_request.decided_at
    users = get_user_model().objects.count()

    assert "déjà été traitée" in accept(client, person_request)

    assert person_request.status == AdhesionRequest.Status.ACCEPTED
    assert person_request.decided_at == decided_at
    assert get_user_model().objects.count() == users
    assert Member.objects.filter(user__email="nadia.martin@example.org").count() == 1
    assert mail.outbox == []


def test_accepting_a_request_whose_email_has_an_account_creates_nothing(
    client, coordination, person_request
):
    get_user_model().objects.create_user("nadia-deja", email="Nadia.Martin@example.org")
    users = get_user_model().objects.count()
    client.force_login(coordination)

    assert "« nadia-deja » utilise déjà" in accept(client, person_request)

    assert person_request.status == AdhesionRequest.Status.PENDING
    assert get_user_model().objects.count() == users
    assert mail.outbox == []
