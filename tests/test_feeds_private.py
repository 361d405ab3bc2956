"""Atom feeds: the public, shareable feed of a dossier and each member's private feed."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from cms.models import ContributionPage, DossierPage
from cms.notifications.models import NotificationPreference
from cms.notifications.tokens import regenerate_feed_token
from cms.visibility import Visibility, set_visibility
from tests.conftest import COLLEGES, PEOPLE, loaded_once, users_of
from tests.pages import (
    PA_ONLY,
    PUBLIC,
    contribution,
    dossier_tree,
    formation_dossier,
    open_dossier,
)

ATOM = "{http://www.w3.org/2005/Atom}"

TREE = dossier_tree(
    open_dossier(
        {**PUBLIC, "summary": "Pour tout le monde."},
        contribution("membres", "Contribution membres", "2021-01-02", visibility="members"),
        PA_ONLY,
    ),
    formation_dossier(contribution("form", "Contribution formation", "2021-01-04")),
)


feeds_site = loaded_once("feeds_site", {"colleges": COLLEGES}, PEOPLE, TREE)


site = users_of("feeds_site", "site")


def dossier(slug: str) -> DossierPage:
    return DossierPage.objects.get(slug=slug)


def entry_titles(response) -> list[str]:
    """Parse the Atom document back; a malformed feed fails here."""
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{tag}") is not None
    titles = []
    for entry in root.findall(f"{ATOM}entry"):
        for tag in ("id", "title", "updated", "link"):
            assert entry.find(f"{ATOM}{tag}") is not None, tag
        titles.append(entry.find(f"{ATOM}title").text)
    return titles


def private_feed_url(user) -> str:
    return f"/flux/prive/{regenerate_feed_token(user)}/"


# --- the public feed of a dossier -------------------------------------------


def test_dossier_feed_is_valid_atom_with_public_contributions(client, site):
    response = client.get(f"/flux/dossiers/{dossier('ouvert').pk}/")
    assert response.status_code == 200
    assert entry_titles(response) == ["Contribution publique"]


def test_dossier_feed_shows_no_members_only_contribution_even_to_members(client, site):
    client.force_login(site["pa"])
    titles = entry_titles(client.get(f"/flux/dossiers/{dossier('ouvert').pk}/"))
    assert "Contribution membres" not in titles
    assert "Contribution réservée PA" not in titles


def test_dossier_feed_does_not_depend_on_cookies(client, site):
    url = f"/flux/dossiers/{dossier('ouvert').pk}/"
    anonymous = client.get(url)
    client.force_login(site["coord"])
    member = client.get(url)
    assert anonymous.content == member.content
    assert "public" in member["Cache-Control"]
    assert not member.cookies


def test_dossier_feed_for_a_reader_without_cookies_does_not_vary_on_cookies(client, site):
    response = client.get(f"/flux/dossiers/{dossier('ouvert').pk}/")

    assert "Cookie" not in response.get("Vary", "")


def test_dossier_feed_of_a_non_public_dossier_is_not_found(client, site):
    url = f"/flux/dossiers/{dossier('ferme').pk}/"
    assert client.get(url).status_code == 404
    client.force_login(site["formation"])
    assert client.get(url).status_code == 404


def test_feed_of_something_that_is_not_a_dossier_is_not_found(client, site):
    page = ContributionPage.objects.get(slug="pub")
    assert client.get(f"/flux/dossiers/{page.pk}/").status_code == 404


def test_dossier_page_links_to_its_public_feed(client, site):
    page = client.get(dossier("ouvert").url).content.decode()
    assert f'href="/flux/dossiers/{dossier("ouvert").pk}/"' in page


# --- the private feed of a member -------------------------------------------


def test_private_feed_lists_what_its_owner_may_see(client, site):
    titles = entry_titles(client.get(private_feed_url(site["pa"])))
    assert set(titles) == {
        "Contribution publique",
        "Contribution membres",
        "Contribution réservée PA",
    }


def test_private_feed_hides_what_its_owner_may_not_see(client, site):
    titles = entry_titles(client.get(private_feed_url(site["formation"])))
    assert "Contribution réservée PA" not in titles
    assert "Contribution formation" in titles


def test_private_feed_follows_its_owner_not_the_requester(client, site):
    url = private_feed_url(site["formation"])
    client.force_login(site["pa"])
    titles = entry_titles(client.get(url))
    assert "Contribution réservée PA" not in titles
    assert "Contribution formation" in titles


def test_private_feed_follows_a_later_restriction(client, site):
    url = private_feed_url(site["formation"])
    set_visibility(
        ContributionPage.objects.get(slug="pub"), Visibility.colleges(["personnes-accompagnees"])
    )
    assert "Contribution publique" not in entry_titles(client.get(url))


def test_private_feed_is_kept_out_of_shared_caches(client, site):
    response = client.get(private_feed_url(site["pa"]))
    assert "private" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"


def test_new_address_revokes_the_old_one(client, site):
    old = private_feed_url(site["pa"])
    new = private_feed_url(site["pa"])
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_unknown_private_feed_address_is_not_found(client, site):
    private_feed_url(site["pa"])
    assert client.get("/flux/prive/pas-un-jeton/").status_code == 404


def test_private_feed_of_a_deactivated_account_is_not_found(client, site):
    url = private_feed_url(site["pa"])
    get_user_model().objects.filter(pk=site["pa"].pk).update(is_active=False)
    assert client.get(url).status_code == 404


def test_token_is_looked_up_by_its_digest(site):
    token = regenerate_feed_token(site["pa"])
    preference = NotificationPreference.objects.get(user=site["pa"])
    assert preference.feed_token_digest != token
    assert len(preference.feed_token_digest) == 64


def test_following_page_creates_and_shows_the_private_feed_address(client, site):
    client.force_login(site["pa"])
    assert "Créer mon flux privé" in client.get("/suivi/").content.decode()
    response = client.post("/suivi/flux/nouvelle-adresse/", follow=True)
    token = NotificationPreference.objects.get(user=site["pa"]).feed_token
    page = response.content.decode()
    # From the site's one base (BASE_URL), not from the Host header of the request.
    assert f"{settings.WAGTAILADMIN_BASE_URL}/flux/prive/{token}/" in page
    assert "Créer une nouvelle adresse" in page


def test_regenerating_from_the_following_page_warns_about_the_old_address(client, site):
    old = private_feed_url(site["pa"])
    client.force_login(site["pa"])
    page = client.post("/suivi/flux/nouvelle-adresse/", follow=True).content.decode()
    assert "L’ancienne adresse ne fonctionne plus" in page
    client.logout()
    assert client.get(old).status_code == 404


# --- dates of the entries (issue 12, item 8) ----------------------------------


def entry_dates(response) -> dict[str, tuple[str, str]]:
    """(published, updated) of each entry, by title."""
    root = ET.fromstring(response.content)
    return {
        entry.findtext(f"{ATOM}title"): (
            entry.findtext(f"{ATOM}published"),
            entry.findtext(f"{ATOM}updated"),
        )
        for entry in root.findall(f"{ATOM}entry")
    }


@pytest.mark.parametrize("feed", ["dossier", "site", "private"])
def test_a_contribution_is_published_on_its_own_date_not_its_upload(client, site, feed):
    url = {
        "dossier": f"/flux/dossiers/{dossier('ouvert').pk}/",
        "site": "/flux/contributions/",
        "private": private_feed_url(site["pa"]),
    }[feed]
    published, updated = entry_dates(client.get(url))["Contribution publique"]
    assert published.startswith("2021-01-01T00:00:00")
    page = ContributionPage.objects.get(slug="pub")
    assert updated.startswith(page.last_published_at.strftime("%Y-%m-%d"))


def test_entries_follow_the_contributions_dates_newest_first(client, site):
    dates = [published for published, _ in entry_dates(client.get("/flux/contributions/")).values()]
    assert dates == sorted(dates, reverse=True)


def test_updated_is_never_before_published(client, site):
    ContributionPage.objects.filter(slug="pub").update(date="2099-05-01")
    published, updated = entry_dates(client.get("/flux/contributions/"))["Contribution publique"]
    assert published.startswith("2099-05-01")
    assert updated == published


def test_the_feeds_updated_is_its_latest_change(client, site):
    root = ET.fromstring(client.get("/flux/contributions/").content)
    latest = max(entry.findtext(f"{ATOM}updated") for entry in root.findall(f"{ATOM}entry"))
    assert root.findtext(f"{ATOM}updated") == latest
