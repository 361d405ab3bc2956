"""Page visibility: public, members and colleges, nested, for every kind of reader."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import BaseViewRestriction, Page, PageViewRestriction

from cms.access import can_view_page, visible_pages
from members.models import College
from members.roles import COORDINATION_GROUP
from tests.conftest import COLLEGES, PEOPLE, loaded_once, users_of
from tests.pages import shown

TREE = {
    "pages": [
        {
            "type": "convention",
            "slug": "c",
            "title": "Convention",
            "children": [
                {
                    "type": "dossier_index",
                    "slug": "d",
                    "title": "Dossiers",
                    "children": [
                        {
                            "type": "dossier",
                            "slug": "public-dossier",
                            "title": "Dossier public",
                            "theme": "Éthique",
                            "children": [
                                {
                                    "type": "contribution",
                                    "slug": "pub",
                                    "title": "Contribution publique",
                                    "date": "2021-01-01",
                                    "preconisations": [{"title": "Préconisation ouverte"}],
                                },
                                {
                                    "type": "contribution",
                                    "slug": "membres",
                                    "title": "Contribution des membres",
                                    "date": "2021-01-02",
                                    "visibility": "members",
                                },
                                {
                                    "type": "contribution",
                                    "slug": "pa-only",
                                    "title": "Contribution réservée PA",
                                    "date": "2021-01-03",
                                    "visibility": {"colleges": ["personnes-accompagnees"]},
                                    "preconisations": [{"title": "Préconisation réservée"}],
                                },
                            ],
                        },
                        {
                            "type": "dossier",
                            "slug": "college-dossier",
                            "title": "Dossier de deux collèges",
                            "theme": "Jeunesse",
                            "visibility": {
                                "colleges": ["personnes-accompagnees", "acteurs-formation"]
                            },
                            "children": [
                                {
                                    "type": "contribution",
                                    "slug": "inner-public",
                                    "title": "Contribution héritée",
                                    "date": "2021-02-01",
                                },
                                {
                                    "type": "contribution",
                                    "slug": "inner-formation",
                                    "title": "Contribution formation",
                                    "date": "2021-02-02",
                                    "visibility": {"colleges": ["acteurs-formation"]},
                                },
                            ],
                        },
                    ],
                },
            ],
        },
    ]
}

URLS = {
    "pub": "/c/d/public-dossier/pub/",
    "membres": "/c/d/public-dossier/membres/",
    "pa-only": "/c/d/public-dossier/pa-only/",
    "college-dossier": "/c/d/college-dossier/",
    "inner-public": "/c/d/college-dossier/inner-public/",
    "inner-formation": "/c/d/college-dossier/inner-formation/",
}
ALL = {"anonymous", "pa", "formation", "deux", "coord", "sans-college"}
MEMBERS = {"pa", "formation", "deux", "coord"}
# Who may see each page: nested restrictions must all let the reader in.
ALLOWED = {
    "pub": ALL,
    "membres": MEMBERS,
    "pa-only": {"pa", "deux", "coord"},
    "college-dossier": MEMBERS,
    "inner-public": MEMBERS,
    "inner-formation": {"formation", "coord"},
}
CASES = [(page, reader) for page in URLS for reader in sorted(ALL)]


tree_site = loaded_once("tree_site", {"colleges": COLLEGES}, PEOPLE, TREE)


tree = users_of("tree_site", "tree")


def reader_client(client, people, reader):
    if reader != "anonymous":
        client.force_login(people[reader])
    return client


def page_at(url):
    return Page.objects.get(url_path=f"/accueil{url}").specific


@pytest.mark.parametrize(("page", "reader"), CASES)
def test_serving_follows_nested_restrictions(client, tree, page, reader):
    response = reader_client(client, tree, reader).get(URLS[page])
    if reader in ALLOWED[page]:
        assert response.status_code == 200
    elif reader == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/connexion/?next=")
    else:
        assert response.status_code == 403


@pytest.mark.parametrize(("page", "reader"), CASES)
def test_access_rule_agrees_with_serving(rf, tree, page, reader):
    from django.contrib.auth.models import AnonymousUser

    user = AnonymousUser() if reader == "anonymous" else tree[reader]
    assert can_view_page(user, page_at(URLS[page])) is (reader in ALLOWED[page])


def test_refusal_names_who_may_see_the_page(client, tree):
    client.force_login(tree["formation"])
    response = client.get(URLS["pa-only"])
    assert response.status_code == 403
    content = response.content.decode()
    assert "Accès réservé" in content
    assert "les membres du collège « Personnes accompagnées »" in content
    assert "Contribution réservée PA</" not in content.split("<main", 1)[1].split("</h1>", 1)[1]


def test_refusal_is_not_a_login_loop(client, tree):
    client.force_login(tree["sans-college"])
    response = client.get(URLS["membres"])
    assert response.status_code == 403
    assert "les membres de la convention" in response.content.decode()


# The contributions of « Dossier public », for each kind of reader.
DOSSIER_LISTING = ("Contribution publique", "Contribution des membres", "Contribution réservée PA")


def test_dossier_lists_only_contributions_the_reader_may_see(client, tree):
    client.force_login(tree["formation"])
    content = client.get("/c/d/public-dossier/").content.decode()
    assert shown(content, *DOSSIER_LISTING) == {"Contribution publique", "Contribution des membres"}


def test_anonymous_dossier_listing_shows_public_contributions_only(client, tree):
    content = client.get("/c/d/public-dossier/").content.decode()
    assert shown(content, *DOSSIER_LISTING) == {"Contribution publique"}


def test_preconisations_table_hides_those_of_hidden_contributions(client, tree):
    client.force_login(tree["formation"])
    content = client.get("/c/d/public-dossier/").content.decode()
    assert "Préconisation ouverte" in content
    assert "Préconisation réservée" not in content


def test_preconisations_table_shows_those_the_reader_may_see(client, tree):
    client.force_login(tree["deux"])
    content = client.get("/c/d/public-dossier/").content.decode()
    assert "Préconisation réservée" in content


def test_dossier_index_hides_dossiers_of_other_colleges(client, tree):
    content = client.get("/c/d/").content.decode()
    assert "Dossier public" in content
    assert "Dossier de deux collèges" not in content


def test_two_college_member_sees_dossier_but_not_nested_college_page(client, tree):
    client.force_login(tree["deux"])
    content = client.get(URLS["college-dossier"]).content.decode()
    assert "Contribution héritée" in content
    assert "Contribution formation" not in content


def test_home_page_latest_contributions_respect_visibility(client, tree):
    content = client.get("/").content.decode()
    latest = ("Contribution publique", "Contribution réservée PA", "Contribution formation")
    assert shown(content, *latest) == {"Contribution publique"}


def test_coordination_sees_every_contribution_in_listings(tree):
    from cms.models import ContributionPage

    titles = set(
        visible_pages(tree["coord"], ContributionPage.objects.live()).values_list("slug", flat=True)
    )
    assert titles == set(URLS) - {"college-dossier"}


def test_coordination_is_added_to_any_group_restriction(tree):
    page = page_at(URLS["pub"])
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=BaseViewRestriction.GROUPS
    )
    restriction.groups.set([College.objects.get(slug="acteurs-formation").group])
    assert restriction.groups.filter(name=COORDINATION_GROUP).exists()


def test_coordination_cannot_be_removed_from_a_group_restriction(tree):
    restriction = PageViewRestriction.objects.get(page=page_at(URLS["pa-only"]))
    restriction.groups.remove(Group.objects.get(name=COORDINATION_GROUP))
    assert restriction.groups.filter(name=COORDINATION_GROUP).exists()
