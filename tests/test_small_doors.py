"""Issue 10, "small doors": follows, the adhesion form, suggestions, default groups, feeds.

Each test is named for the behaviour that closes one door; each failed before the fix.
"""

from __future__ import annotations

import re

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import AnonymousUser, Group
from django.core import mail
from wagtail.models import GroupPagePermission, Page, WorkflowPage

from cms.models import DossierPage
from cms.notifications.models import DossierFollow
from cms.visibility import Visibility, set_visibility
from members.models import AdhesionRequest, College
from search.acl import reader_tokens
from search.contract import SearchQuery
from search.service import run_search
from tests.conftest import load
from tests.pages import PA_ONLY, PUBLIC, dossier_tree, formation_dossier, open_dossier

TREE = dossier_tree(
    open_dossier(
        {**PUBLIC, "summary": "Le signalement d'une situation préoccupante."},
        {**PA_ONLY, "summary": "Signalements confidentiels et xénophobie ordinaire."},
    ),
    formation_dossier(title="Dossier réservé formation"),
)


@pytest.fixture
def site(people, django_capture_on_commit_callbacks):
    # Tests never commit: run what a commit would run (search indexing).
    with django_capture_on_commit_callbacks(execute=True):
        load(TREE)
    return people


def dossier(slug: str) -> DossierPage:
    return DossierPage.objects.get(slug=slug)


def missing_dossier_id() -> int:
    return (Page.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000


def _page_without_noise(response, pk: int) -> str:
    """The page, with the id of its address and the (masked, ever-changing) CSRF token
    set aside. Only the id as a segment of an address is set aside: a short id also stands
    in numbers of the page's drawings."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    return html.replace(f"/{pk}/", "/<id>/")


def same_answer(first, second, first_id: int, second_id: int) -> bool:
    return first.status_code == second.status_code and _page_without_noise(
        first, first_id
    ) == _page_without_noise(second, second_id)


# --- follow / unfollow --------------------------------------------------------------------


@pytest.mark.parametrize("action", ["suivre", "ne-plus-suivre"])
def test_follow_and_unfollow_of_a_hidden_dossier_answer_like_a_missing_one(client, site, action):
    client.force_login(site["pa"])
    hidden, missing = dossier("ferme").pk, missing_dossier_id()

    on_hidden = client.post(f"/suivi/dossiers/{hidden}/{action}/")
    on_missing = client.post(f"/suivi/dossiers/{missing}/{action}/")

    assert on_hidden.status_code == 404
    assert same_answer(on_hidden, on_missing, hidden, missing)
    assert "Dossier réservé formation" not in client.get("/suivi/").content.decode()


def test_unfollowing_a_dossier_hidden_since_still_stops_the_follow_silently(client, site):
    DossierFollow.objects.create(user=site["pa"], dossier=dossier("ouvert"))
    set_visibility(dossier("ouvert"), Visibility.colleges(["acteurs-formation"]))
    client.force_login(site["pa"])

    response = client.post(f"/suivi/dossiers/{dossier('ouvert').pk}/ne-plus-suivre/")

    assert response.status_code == 404
    assert not DossierFollow.objects.filter(user=site["pa"]).exists()


# --- adhesion form ------------------------------------------------------------------------


def adhesion_data(email: str) -> dict:
    return {
        "kind": "person",
        "college": str(College.objects.get(slug="personnes-accompagnees").pk),
        "first_name": "Nadia",
        "last_name": "Martin",
        "email": email,
        "message": "Bonjour.",
        "consent": "on",
        "homepage": "",
    }


def test_adhesion_form_answers_the_same_whether_or_not_an_address_has_a_pending_request(
    client, colleges
):
    client.post("/rejoindre/", adhesion_data("deja@example.org"))

    fresh = client.post("/rejoindre/", adhesion_data("nouvelle@example.org"), follow=True)
    pending = client.post("/rejoindre/", adhesion_data("DEJA@example.org"), follow=True)

    assert fresh.redirect_chain == pending.redirect_chain == [("/rejoindre/merci/", 302)]
    assert fresh.content == pending.content
    assert "déjà" not in pending.content.decode()
    assert AdhesionRequest.objects.filter(email__iexact="deja@example.org").count() == 1


def test_owner_of_an_address_with_a_pending_request_is_told_by_email_only(client, colleges):
    client.post("/rejoindre/", adhesion_data("deja@example.org"))
    mail.outbox.clear()

    client.post("/rejoindre/", adhesion_data("deja@example.org"))

    assert [message.to for message in mail.outbox] == [["deja@example.org"]]
    assert "déjà en cours d'examen" in mail.outbox[0].subject


# --- "did you mean" -------------------------------------------------------------------------


def suggestion_for(user, text: str) -> str | None:
    query = SearchQuery(text=text, reader_tokens=reader_tokens(user or AnonymousUser()))
    return run_search(query).result.suggestion


def test_suggestions_never_offer_a_word_only_a_restricted_page_holds(site):
    # "Signalements" is written only on the page restricted to Personnes accompagnées;
    # its stem is public ("signalement"), which used to let the restricted spelling through.
    for outsider in (None, site["formation"]):
        assert "signalements" not in (suggestion_for(outsider, "signalementss") or "").lower()
        assert suggestion_for(outsider, "xenofobie") is None


def test_readers_of_a_restricted_page_get_suggestions_from_its_words(site):
    assert suggestion_for(site["pa"], "signalementss").lower() == "signalements"
    assert suggestion_for(site["pa"], "xenofobie").lower() == "xénophobie"


def test_a_page_that_becomes_restricted_takes_its_words_out_of_public_suggestions(
    site, django_capture_on_commit_callbacks
):
    assert suggestion_for(None, "signalemant").lower() == "signalement"
    with django_capture_on_commit_callbacks(execute=True):
        set_visibility(dossier("ouvert"), Visibility.colleges(["acteurs-formation"]))

    assert suggestion_for(None, "signalemant") is None
    assert suggestion_for(site["formation"], "signalemant").lower() == "signalement"


# --- Wagtail's default groups ----------------------------------------------------------------

DEFAULT_GROUPS = ("Moderators", "Editors")


def test_wagtail_default_groups_with_site_wide_rights_do_not_exist(db):
    assert not Group.objects.filter(name__in=DEFAULT_GROUPS).exists()
    assert not WorkflowPage.objects.filter(workflow__name="Moderators approval").exists()


def test_migration_removes_default_groups_and_their_rights_where_they_were_recreated(db):
    from importlib import import_module

    migration = import_module("cms.migrations.0006_remove_wagtail_default_groups")
    root = Page.objects.get(depth=1)
    for name in DEFAULT_GROUPS:
        group = Group.objects.create(name=name)
        GroupPagePermission.objects.create(group=group, page=root, permission_type="change")

    migration.remove_default_groups(django_apps, None)

    assert not Group.objects.filter(name__in=DEFAULT_GROUPS).exists()
    assert not GroupPagePermission.objects.filter(group__name__in=DEFAULT_GROUPS).exists()


# --- dossier feeds ---------------------------------------------------------------------------


def feed_url() -> str:
    return f"/flux/dossiers/{dossier('ouvert').pk}/"


def test_public_dossier_feed_is_revalidated_before_each_reuse(client, site):
    cache_control = client.get(feed_url())["Cache-Control"]

    assert "no-cache" in cache_control
    assert "max-age=300" not in cache_control


def test_unchanged_dossier_feed_answers_not_modified(client, site):
    first = client.get(feed_url())

    again = client.get(feed_url(), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304


def test_feed_of_a_dossier_that_becomes_restricted_stops_being_served_at_once(client, site):
    first = client.get(feed_url())
    assert first.status_code == 200

    set_visibility(dossier("ouvert"), Visibility.colleges(["acteurs-formation"]))

    assert client.get(feed_url()).status_code == 404
    assert client.get(feed_url(), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 404
