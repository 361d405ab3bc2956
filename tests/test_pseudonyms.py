"""A hidden surname shows nowhere: not through an address, nor through a stale search index.

Finding 7 of issue 10: "Nadia H." was listed with nadia.haddad@… in the directory and in
her vCard, and after Mireille chose to hide her surname, an anonymous search for « Roux »
still found her contribution.
"""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import TestCase, override_settings

from members.models import College, CollegeMembership, Member
from members.visibility import Viewer, card_for, display_name, may_see_field
from tests.conftest import COLLEGES, load, rolled_back, users_by_name
from tests.profile_helpers import profile_post

DIRECTORY = "/c/annuaire/"
PROFILE_URL = "/mon-profil/"
SEARCH_API = "/api/search/"

CONTENT = {
    "colleges": COLLEGES,
    "users": [
        {"username": "nadia", "password": "x-secret-1", "first_name": "Nadia",
         "last_name": "Haddad", "email": "nadia.haddad@exemple.org",
         "colleges": ["personnes-accompagnees"], "roles": ["member"],
         "profile": {"phone": "06 00 00 00 21"},
         "visibility": {"email": "public", "phone": "public"}},
        {"username": "mireille", "password": "x-secret-1", "first_name": "Mireille",
         "last_name": "Roux", "email": "mireille.roux@exemple.org",
         "colleges": ["personnes-accompagnees"], "roles": ["member"],
         "profile": {"show_full_name": True}, "visibility": {"email": "public"}},
        {"username": "julien", "password": "x-secret-1", "first_name": "Julien",
         "last_name": "Marchetti", "email": "julien@exemple.org",
         "colleges": ["acteurs-formation"], "roles": ["member"]},
        {"username": "membre", "password": "x-secret-1", "first_name": "Paul",
         "last_name": "Membre", "colleges": ["acteurs-formation"], "roles": ["member"]},
        {"username": "coord", "password": "x-secret-1", "first_name": "Claire",
         "last_name": "Coord", "colleges": ["acteurs-formation"],
         "roles": ["member", "coordination"]},
    ],
    "pages": [
        {"type": "convention", "slug": "c", "title": "Convention", "children": [
            {"type": "directory", "slug": "annuaire", "title": "Annuaire"},
            {"type": "dossier_index", "slug": "d", "title": "Dossiers", "children": [
                {"type": "dossier", "slug": "habitat", "title": "Habitat", "theme": "Logement",
                 "children": [
                     {"type": "contribution", "slug": "sainte-musse",
                      "title": "Le comité de Sainte-Musse", "date": "2025-01-01",
                      "authors": ["mireille"]},
                     {"type": "contribution", "slug": "formations",
                      "title": "Former les équipes", "date": "2025-01-02",
                      "authors": ["julien"]},
                 ]},
            ]},
        ]},
    ],
}  # fmt: skip


@pytest.fixture(scope="module")
def pseudonyms_site(django_db_setup, django_db_blocker):
    """The members and pages, loaded (and indexed) once for the module, rolled back after it."""
    # The database store only, so the index is rolled back with the rest: no service needed.
    with override_settings(ELASTICSEARCH_URL=""), rolled_back(django_db_blocker):
        # Loading indexes through on_commit callbacks: run them as a commit would.
        with TestCase.captureOnCommitCallbacks(execute=True):
            load(CONTENT)
        yield


@pytest.fixture
def site(pseudonyms_site, db, settings):
    settings.ELASTICSEARCH_URL = ""  # the database store: no service needed
    return users_by_name()


def member(username: str) -> Member:
    return Member.objects.get(user__username=username)


def detail_url(username: str) -> str:
    return f"{DIRECTORY}membres/{member(username).pk}/"


def found_titles(client, query: str) -> list[str]:
    response = client.get(SEARCH_API, {"q": query})
    assert response.status_code == 200
    return [hit["title"] for hit in response.json()["results"]]


# -- addresses that spell a hidden surname ------------------------------------------------


@pytest.mark.parametrize("viewer", [None, "membre"])
def test_directory_withholds_an_address_that_spells_a_hidden_surname(client, site, viewer):
    if viewer:
        client.force_login(site[viewer])
    listing = client.get(DIRECTORY).content.decode()
    detail = client.get(detail_url("nadia")).content.decode()

    assert "Nadia H." in listing
    for html in (listing, detail):
        assert "haddad" not in html.casefold()
    assert "06 00 00 00 21" in detail


def test_vcard_withholds_an_address_that_spells_a_hidden_surname(client, site):
    text = client.get(detail_url("nadia") + "vcard/").content.decode()

    assert "FN:Nadia H.\r\n" in text
    assert "EMAIL" not in text
    assert "haddad" not in text.casefold()


def test_attendee_lists_withhold_an_address_that_spells_a_hidden_surname(site):
    nadia = member("nadia")
    viewer = Viewer.of(site["membre"])

    assert not may_see_field(viewer, nadia, "email", set())


def test_the_member_herself_and_coordination_still_see_her_address(client, site):
    nadia = member("nadia")
    for username in ("nadia", "coord"):
        assert card_for(Viewer.of(site[username]), nadia).fields["email"] == (
            "nadia.haddad@exemple.org"
        )


def test_an_address_that_does_not_spell_the_surname_is_shown(client, site):
    user = site["nadia"]
    user.email = "nadia.h@exemple.org"
    user.save()

    assert "nadia.h@exemple.org" in client.get(DIRECTORY).content.decode()


def test_a_shown_full_name_lets_the_address_show(client, site):
    assert "mireille.roux@exemple.org" in client.get(DIRECTORY).content.decode()


def test_accents_and_compound_surnames_are_recognised_in_addresses(site):
    from members.visibility import address_contains_surname

    assert address_contains_surname("helene.lefevre@exemple.org", "Lefèvre")
    assert address_contains_surname("j-le-roux@exemple.org", "Le Roux")
    assert address_contains_surname("jleroux@exemple.org", "Le Roux")
    assert not address_contains_surname("nadia.h@exemple.org", "Haddad")


def test_profile_warns_when_the_address_spells_the_hidden_surname(client, site):
    client.force_login(site["nadia"])
    html = client.get(PROFILE_URL).content.decode()

    assert "votre adresse électronique contient votre nom de famille" in html
    assert 'name="show_email_with_surname"' in html


def test_profile_does_not_warn_when_the_full_name_is_shown(client, site):
    client.force_login(site["mireille"])
    html = client.get(PROFILE_URL).content.decode()

    assert "contient votre nom de famille" not in html
    assert 'name="show_email_with_surname"' not in html


def test_an_address_agreed_to_after_the_warning_is_shown_until_it_changes(client, site):
    client.force_login(site["nadia"])
    client.post(PROFILE_URL, profile_post(show_email_with_surname="on"))
    client.logout()

    assert member("nadia").email_shown_with_surname == "nadia.haddad@exemple.org"
    assert "nadia.haddad@exemple.org" in client.get(DIRECTORY).content.decode()

    # As members.email_change.confirm does it: the account, then the member.
    user = site["nadia"]
    user.email = "n.haddad@exemple.org"
    user.save(update_fields=["email"])
    member("nadia").save()
    assert "haddad" not in client.get(DIRECTORY).content.decode().casefold()


def test_unticking_the_box_withholds_the_address_again(client, site):
    nadia = member("nadia")
    nadia.email_shown_with_surname = "nadia.haddad@exemple.org"
    nadia.save()
    client.force_login(site["nadia"])
    client.post(PROFILE_URL, profile_post())

    assert member("nadia").email_shown_with_surname == ""


def test_a_pseudonym_never_falls_back_to_a_username(site):
    nadia = member("nadia")
    user = nadia.user
    user.username, user.first_name, user.last_name = "nadia.haddad", "", ""
    user.save()

    assert display_name(nadia, {"personnes-accompagnees"}) == "Personne accompagnée"


def test_review_email_names_a_pseudonymised_submitter_by_her_pseudonym(site):
    text = render_to_string(
        "editorial/emails/college_review_submitted.txt",
        {"user": site["coord"], "requested_by": site["nadia"], "page": None, "colleges": []},
    )

    assert "envoyée par Nadia H." in text
    assert "Haddad" not in text


# -- the search index follows member changes at once ------------------------------------


def test_hiding_ones_surname_reaches_the_search_index_before_the_request_returns(client, site):
    assert found_titles(client, "Roux") == ["Le comité de Sainte-Musse"]

    client.force_login(site["mireille"])
    # No on_commit capture here: only a synchronous re-index can pass.
    response = client.post(PROFILE_URL, profile_post())
    assert response.status_code == 302
    assert member("mireille").show_full_name is False
    client.logout()

    assert found_titles(client, "Roux") == []
    assert found_titles(client, "Sainte-Musse") == ["Le comité de Sainte-Musse"]


def test_joining_the_accompanied_college_reaches_the_search_index_at_once(client, site):
    assert found_titles(client, "Marchetti") == ["Former les équipes"]

    CollegeMembership.objects.create(
        member=member("julien"), college=College.objects.get(slug="personnes-accompagnees")
    )

    assert found_titles(client, "Marchetti") == []


def test_a_changed_surname_reaches_the_search_index_at_once(client, site):
    user = site["julien"]
    user.last_name = "Delorme"
    user.save()

    assert found_titles(client, "Marchetti") == []
    assert found_titles(client, "Delorme") == ["Former les équipes"]


def test_a_sign_in_does_not_reindex(client, site, monkeypatch):
    from search import signals

    calls = []
    monkeypatch.setattr(signals, "sync_contributions_of", calls.append)
    client.force_login(site["mireille"])

    assert calls == []
