"""The members' directory: field visibility, pseudonyms, filters, profiles, vCards, own profile."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.models import Member
from members.vcard import fold, vcard_for
from members.visibility import Viewer, card_for, may_see_field, shown_name, with_visible_field
from tests.conftest import COLLEGES, load, loaded_once, users_of
from tests.profile_helpers import profile_post

PUBLIC_DIRECTORY = "/c/annuaire/"
MEMBERS_DIRECTORY = "/m/annuaire/"
PROFILE_URL = "/mon-profil/"

DATA = {
    "colleges": COLLEGES,
    "territories": [
        {"slug": "paca", "name": "Provence-Alpes-Côte d'Azur", "kind": "region"},
        {"slug": "var", "name": "Var", "parent": "paca", "kind": "departement"},
        {"slug": "toulon", "name": "Toulon", "parent": "var", "kind": "bassin"},
        {"slug": "bdr", "name": "Bouches-du-Rhône", "parent": "paca", "kind": "departement"},
    ],
    "organisations": [
        {
            "slug": "institut-formation",
            "name": "Institut Bellevue",
            "college": "acteurs-formation",
            "territory": "bdr",
            "type": "organisme_formation",
        },
        {
            "slug": "ccas-toulon",
            "name": "CCAS de Toulon",
            "college": "collectivites-territoriales",
            "territory": "toulon",
            "type": "collectivite",
        },
        {
            "slug": "ancienne",
            "name": "Ancienne structure",
            "college": "collectivites-territoriales",
            "status": "former",
        },
    ],
    "users": [
        {
            # The member whose fields the visibility tests look at.
            "username": "sujet",
            "password": "x-secret-1",
            "first_name": "Sophie",
            "last_name": "Vasseur",
            "email": "sophie.vasseur@exemple.org",
            "colleges": ["acteurs-formation"],
            "organisation": "institut-formation",
            "roles": ["member"],
            "profile": {
                "fonction": "Formatrice",
                "phone": "04 91 11 22 33",
                "address": "12 rue des Tilleuls, Marseille",
                "bio": "Anime des ateliers sur les jardins partagés.",
                "expertise": ["médiation familiale"],
            },
        },
        {
            "username": "collegue",
            "password": "x-secret-1",
            "first_name": "Claire",
            "last_name": "Collin",
            "colleges": ["acteurs-formation"],
            "roles": ["member"],
        },
        {
            "username": "autre",
            "password": "x-secret-1",
            "first_name": "Ahmed",
            "last_name": "Benali",
            "email": "ahmed.benali@exemple.org",
            "colleges": ["collectivites-territoriales"],
            "organisation": "ccas-toulon",
            "roles": ["member"],
            "profile": {"fonction": "Travailleur social", "expertise": ["accueil"]},
            "visibility": {"email": "members", "expertise": "members"},
        },
        {
            "username": "coord",
            "password": "x-secret-1",
            "first_name": "Isabelle",
            "last_name": "Moreau",
            "colleges": ["collectivites-territoriales"],
            "roles": ["member", "coordination"],
        },
        {
            "username": "nadia",
            "password": "x-secret-1",
            "first_name": "Nadia",
            "last_name": "Haddad",
            "email": "nadia.h@exemple.org",
            "colleges": ["personnes-accompagnees"],
            "territory": "var",
            "roles": ["member"],
            "profile": {"phone": "06 00 00 00 21", "expertise": ["hébergement"]},
            "visibility": {"email": "public", "phone": "public", "expertise": "public"},
        },
        {
            "username": "karim",
            "password": "x-secret-1",
            "first_name": "Karim",
            "last_name": "Zeroual",
            "colleges": ["personnes-accompagnees"],
            "territory": "bdr",
            "roles": ["member"],
            "profile": {"expertise": ["accueil"]},
            "visibility": {"expertise": "hidden"},
        },
        {
            "username": "ancien",
            "password": "x-secret-1",
            "first_name": "Gérard",
            "last_name": "Ancelin",
            "colleges": ["collectivites-territoriales"],
            "status": "former",
        },
        {
            "username": "attente",
            "password": "x-secret-1",
            "first_name": "Paula",
            "last_name": "Attendue",
            "colleges": ["collectivites-territoriales"],
            "status": "pending",
        },
    ],
    "pages": [
        {
            "type": "convention",
            "slug": "c",
            "title": "Convention",
            "children": [
                {"type": "directory", "slug": "annuaire", "title": "Annuaire public"},
            ],
        },
        {
            "type": "convention",
            "slug": "m",
            "title": "Convention réservée",
            "children": [
                {
                    "type": "directory",
                    "slug": "annuaire",
                    "title": "Annuaire des membres",
                    "visibility": "members",
                },
            ],
        },
    ],
}
ACTIVE_NAMES = {
    "Sophie Vasseur",
    "Claire Collin",
    "Ahmed Benali",
    "Isabelle Moreau",
    "Nadia H.",
    "Karim Z.",
}

# Each field of the subject and a text that only that field puts on their profile page.
FIELD_TEXT = {
    "email": "sophie.vasseur@exemple.org",
    "phone": "04 91 11 22 33",
    "address": "12 rue des Tilleuls",
    "bio": "jardins partagés",
    "expertise": "médiation familiale",
}
LEVELS = ["public", "members", "college", "hidden"]
VIEWERS = ["anonymous", "same-college", "other-college", "self"]
SEES = {
    "public": {"anonymous", "same-college", "other-college", "self"},
    "members": {"same-college", "other-college", "self"},
    "college": {"same-college", "self"},
    "hidden": {"self"},
}
VIEWER_USERNAMES = {"same-college": "collegue", "other-college": "autre", "self": "sujet"}


directory_site = loaded_once("directory_site", DATA)


site = users_of("directory_site", "site")


def member(username: str) -> Member:
    return Member.objects.get(user__username=username)


def profile_url(username: str, directory: str = PUBLIC_DIRECTORY) -> str:
    return f"{directory}membres/{member(username).pk}/"


def set_visibility(username: str, **levels: str) -> None:
    subject = member(username)
    subject.visibility = {**subject.visibility, **levels}
    subject.save()


def listed_names(response) -> set[str]:
    return {card.name for card in response.context["cards"]}


def as_viewer(client, users, viewer: str):
    if viewer != "anonymous":
        client.force_login(users[VIEWER_USERNAMES[viewer]])
    return client


# -- field visibility ---------------------------------------------------------------------


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("field", list(FIELD_TEXT))
def test_profile_field_shows_only_at_the_chosen_level(client, site, field, level, viewer):
    set_visibility("sujet", **{field: level})
    html = as_viewer(client, site, viewer).get(profile_url("sujet")).content.decode()
    assert (FIELD_TEXT[field] in html) == (viewer in SEES[level])


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("level", LEVELS)
def test_listing_shows_email_only_at_the_chosen_level(client, site, level, viewer):
    set_visibility("sujet", email=level)
    html = as_viewer(client, site, viewer).get(PUBLIC_DIRECTORY).content.decode()
    assert "Sophie Vasseur" in html
    assert (FIELD_TEXT["email"] in html) == (viewer in SEES[level])


def test_coordination_sees_college_level_fields_of_any_college(client, site):
    set_visibility("sujet", phone="college")
    client.force_login(site["coord"])
    assert FIELD_TEXT["phone"] in client.get(profile_url("sujet")).content.decode()


def test_a_field_without_a_chosen_level_takes_the_default(client, site):
    subject = member("sujet")
    subject.visibility = {}
    subject.save()
    # The default for the address is "hidden", for the bio "members".
    client.force_login(site["autre"])
    html = client.get(profile_url("sujet")).content.decode()
    assert FIELD_TEXT["address"] not in html
    assert FIELD_TEXT["bio"] in html


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("level", [*LEVELS, "inconnu", None])
def test_queryset_rule_agrees_with_the_field_rule(site, level, viewer):
    # The expertise filter selects members in SQL: it must decide as may_see_field does.
    subject = member("sujet")
    subject.visibility = {} if level is None else {"expertise": level}
    subject.save()
    user = site.get(VIEWER_USERNAMES.get(viewer, ""))
    who = Viewer.of(user) if user else Viewer(None, False, False, frozenset())
    college_ids = set(subject.memberships.values_list("college_id", flat=True))
    in_sql = with_visible_field(Member.objects.filter(pk=subject.pk), who, "expertise").exists()
    assert in_sql == may_see_field(who, subject, "expertise", college_ids)


# -- pseudonymised people -----------------------------------------------------------------


def test_listing_shows_accompanied_person_by_first_name_and_initial(client, site):
    html = client.get(PUBLIC_DIRECTORY).content.decode()
    assert "Nadia H." in html
    assert "Haddad" not in html


def test_profile_page_shows_accompanied_person_by_first_name_and_initial(client, site):
    html = client.get(profile_url("nadia")).content.decode()
    assert "<title>Nadia H. — " in html
    assert "<h1>Nadia H.</h1>" in html
    assert "Haddad" not in html


def test_vcard_shows_accompanied_person_by_first_name_and_initial(client, site):
    text = client.get(profile_url("nadia") + "vcard/").content.decode()
    assert "FN:Nadia H.\r\n" in text
    assert "N:H.;Nadia;;;\r\n" in text
    assert "Haddad" not in text


def test_accompanied_person_who_opts_in_is_shown_with_full_name(client, site):
    nadia = member("nadia")
    nadia.show_full_name = True
    nadia.save()
    assert "Nadia Haddad" in listed_names(client.get(PUBLIC_DIRECTORY))
    assert "<h1>Nadia Haddad</h1>" in client.get(profile_url("nadia")).content.decode()
    assert "N:Haddad;Nadia;;;" in client.get(profile_url("nadia") + "vcard/").content.decode()


def test_shown_name_pseudonymises_outside_the_directory(site):
    assert shown_name(member("nadia")) == "Nadia H."
    assert shown_name(member("sujet")) == "Sophie Vasseur"


def test_search_never_matches_a_hidden_last_name(client, site):
    response = client.get(PUBLIC_DIRECTORY, {"q": "Haddad"})
    assert response.context["members_page"].paginator.count == 0


def test_search_matches_a_shown_last_name_once_the_person_opts_in(client, site):
    nadia = member("nadia")
    nadia.show_full_name = True
    nadia.save()
    assert listed_names(client.get(PUBLIC_DIRECTORY, {"q": "Haddad"})) == {"Nadia Haddad"}


def test_hidden_last_names_sort_by_their_initial_only(client, site):
    # "Nadia H." sorts with H, not between "Collin"... and "Moreau" by her full last name.
    names = [card.name for card in client.get(PUBLIC_DIRECTORY).context["cards"]]
    assert names.index("Nadia H.") < names.index("Isabelle Moreau")
    assert names.index("Karim Z.") == len(names) - 1


# -- filters and search -------------------------------------------------------------------


def test_only_active_members_are_listed(client, site):
    assert listed_names(client.get(PUBLIC_DIRECTORY)) == ACTIVE_NAMES


def test_filter_by_college(client, site):
    response = client.get(PUBLIC_DIRECTORY, {"college": "personnes-accompagnees"})
    assert listed_names(response) == {"Nadia H.", "Karim Z."}


def test_filter_by_territory_includes_sub_territories(client, site):
    # Nadia is in the Var; Ahmed's organisation is in Toulon, below the Var.
    response = client.get(PUBLIC_DIRECTORY, {"territory": "var"})
    assert listed_names(response) == {"Nadia H.", "Ahmed Benali"}


def test_filter_by_organisation_type(client, site):
    response = client.get(PUBLIC_DIRECTORY, {"type": "organisme_formation"})
    assert listed_names(response) == {"Sophie Vasseur"}


def test_filter_by_expertise_matches_only_visible_expertise(client, site):
    # Ahmed shows "accueil" to members; Karim hides it: he must not match.
    client.force_login(site["collegue"])
    response = client.get(PUBLIC_DIRECTORY, {"expertise": "accueil"})
    assert listed_names(response) == {"Ahmed Benali"}


def test_filter_by_expertise_matches_hidden_expertise_for_the_member_themself(client, site):
    client.force_login(site["karim"])
    response = client.get(PUBLIC_DIRECTORY, {"expertise": "accueil"})
    assert listed_names(response) == {"Ahmed Benali", "Karim Z."}


def test_expertise_choices_leave_out_expertise_the_viewer_may_not_see(client, site):
    tags = {tag.name for tag in client.get(PUBLIC_DIRECTORY).context["tags"]}
    # Anonymous: Nadia's public "hébergement" only; Sophie's and Ahmed's need a login.
    assert tags == {"hébergement"}


def test_search_by_first_and_last_name(client, site):
    assert listed_names(client.get(PUBLIC_DIRECTORY, {"q": "sophie vasseur"})) == {"Sophie Vasseur"}


def test_search_by_organisation_name(client, site):
    assert listed_names(client.get(PUBLIC_DIRECTORY, {"q": "bellevue"})) == {"Sophie Vasseur"}


def test_filters_combine(client, site):
    response = client.get(PUBLIC_DIRECTORY, {"college": "personnes-accompagnees", "q": "karim"})
    assert listed_names(response) == {"Karim Z."}


def test_filters_are_kept_in_the_form(client, site):
    html = client.get(PUBLIC_DIRECTORY, {"college": "acteurs-formation"}).content.decode()
    assert '<option value="acteurs-formation" selected>' in html


@pytest.mark.parametrize(
    "params",
    [
        {"college": "inconnu"},
        {"territory": "<script>"},
        {"type": "fusee"},
        {"expertise": "n-existe-pas"},
        {"page": "abc", "college": "x"},
    ],
    ids=["college", "territory", "type", "expertise", "page"],
)
def test_unknown_filter_is_ignored_with_a_notice(client, site, params):
    response = client.get(PUBLIC_DIRECTORY, params)
    assert response.status_code == 200
    assert "Un filtre inconnu a été ignoré" in response.content.decode()
    assert listed_names(response) == ACTIVE_NAMES


def test_pagination_keeps_filters_in_links(client, site):
    load(
        {
            "users": [
                {
                    "username": f"p{index:02}",
                    "last_name": f"Pagine{index:02}",
                    "colleges": ["acteurs-formation"],
                }
                for index in range(30)
            ]
        }
    )
    first = client.get(PUBLIC_DIRECTORY, {"college": "acteurs-formation"})
    assert first.context["members_page"].paginator.num_pages == 2
    assert "college=acteurs-formation&amp;page=2" in first.content.decode()
    second = client.get(PUBLIC_DIRECTORY, {"college": "acteurs-formation", "page": 2})
    assert len(second.context["cards"]) == 32 - 24


# -- profile pages --------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["ancien", "attente"])
def test_profile_of_a_non_active_member_is_not_found(client, site, username):
    assert client.get(profile_url(username)).status_code == 404


def test_profile_of_an_unknown_member_is_not_found(client, site):
    assert client.get(f"{PUBLIC_DIRECTORY}membres/999999/").status_code == 404


def test_profile_links_to_its_organisation(client, site):
    html = client.get(profile_url("sujet")).content.decode()
    assert f'href="{PUBLIC_DIRECTORY}structures/institut-formation/"' in html


def test_own_profile_page_links_to_the_profile_form(client, site):
    client.force_login(site["sujet"])
    assert f'href="{PROFILE_URL}"' in client.get(profile_url("sujet")).content.decode()


def test_someone_elses_profile_page_has_no_edit_link(client, site):
    client.force_login(site["autre"])
    assert "Modifier mon profil" not in client.get(profile_url("sujet")).content.decode()


@pytest.mark.parametrize("suffix", ["", "vcard/"])
def test_anonymous_is_sent_to_login_from_a_restricted_directory(client, site, suffix):
    url = profile_url("sujet", MEMBERS_DIRECTORY) + suffix
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=")


def test_member_reaches_a_profile_in_a_restricted_directory(client, site):
    client.force_login(site["autre"])
    assert client.get(profile_url("sujet", MEMBERS_DIRECTORY)).status_code == 200


# -- organisations ----------------------------------------------------------------------------


def test_organisation_listing_shows_active_organisations_with_member_counts(client, site):
    response = client.get(PUBLIC_DIRECTORY + "structures/")
    counts = {o.slug: o.active_member_count for o in response.context["organisations_page"]}
    assert counts == {"institut-formation": 1, "ccas-toulon": 1}


def test_organisation_listing_filters_by_territory_with_sub_territories(client, site):
    response = client.get(PUBLIC_DIRECTORY + "structures/", {"territory": "var"})
    assert [o.slug for o in response.context["organisations_page"]] == ["ccas-toulon"]


def test_organisation_page_lists_its_active_members(client, site):
    load(
        {
            "users": [
                {
                    "username": "parti",
                    "last_name": "Partie",
                    "organisation": "ccas-toulon",
                    "status": "former",
                }
            ]
        }
    )
    response = client.get(PUBLIC_DIRECTORY + "structures/ccas-toulon/")
    assert listed_names(response) == {"Ahmed Benali"}


def test_former_organisation_page_is_not_found(client, site):
    assert client.get(PUBLIC_DIRECTORY + "structures/ancienne/").status_code == 404


# -- vCard ----------------------------------------------------------------------------------------


def vcard(client, username: str) -> str:
    response = client.get(profile_url(username) + "vcard/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    return response.content.decode()


def test_vcard_is_version_3_with_crlf_line_endings(client, site):
    text = vcard(client, "nadia")
    assert text.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n")
    assert text.endswith("END:VCARD\r\n")
    assert "\n" not in text.replace("\r\n", "")


def test_vcard_holds_the_visible_fields_escaped(client, site):
    set_visibility("sujet", email="public", phone="public", address="public", bio="public")
    text = vcard(client, "sujet")
    assert "EMAIL;TYPE=INTERNET:sophie.vasseur@exemple.org\r\n" in text
    assert "TEL;TYPE=WORK,VOICE:04 91 11 22 33\r\n" in text
    assert "ADR;TYPE=WORK:;;12 rue des Tilleuls\\, Marseille;;;;\r\n" in text
    assert "ORG:Institut Bellevue\r\n" in text


def test_vcard_leaves_out_hidden_fields(client, site):
    set_visibility("sujet", email="public", phone="hidden", address="college", bio="members")
    text = vcard(client, "sujet")
    assert "EMAIL" in text
    for absent in ("TEL", "ADR", "NOTE", FIELD_TEXT["phone"], "Tilleuls", "jardins"):
        assert absent not in text


def test_vcard_is_not_offered_without_a_visible_contact_field(client, site):
    set_visibility("sujet", email="hidden", phone="hidden", address="hidden")
    assert "vcard/" not in client.get(profile_url("sujet")).content.decode()
    assert client.get(profile_url("sujet") + "vcard/").status_code == 404


def test_vcard_is_offered_with_a_visible_contact_field(client, site):
    set_visibility("sujet", email="public")
    assert 'vcard/" download' in client.get(profile_url("sujet")).content.decode()


def test_vcard_escapes_special_characters(site):
    subject = member("sujet")
    subject.fonction = "Formatrice; cheffe de projet, jeunesse\\pro"
    subject.address = "1 place du Marché\nBâtiment B"
    subject.visibility = {"address": "public"}
    text = vcard_for(card_for(Viewer(None, False, False, frozenset()), subject))
    assert "TITLE:Formatrice\\; cheffe de projet\\, jeunesse\\\\pro\r\n" in text
    assert "ADR;TYPE=WORK:;;1 place du Marché\\nBâtiment B;;;;\r\n" in text


def test_vcard_folds_long_lines_at_75_octets():
    line = "NOTE:" + "é" * 100
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(part.encode()) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert "".join(part[1:] if i else part for i, part in enumerate(parts)) == line


# -- own profile ------------------------------------------------------------------------------


# The subject's profile as the tests fill it in.
FILLED_IN = {
    "fonction": "Formatrice",
    "phone": "04 91 11 22 33",
    "address": "12 rue des Tilleuls, Marseille",
    "bio": "Anime des ateliers.",
    "expertise_text": "médiation familiale, accueil",
}


def valid_post(**changes: str) -> dict:
    return profile_post({"email": "members", "phone": "college"}, **{**FILLED_IN, **changes})


def test_anonymous_is_sent_to_login_from_own_profile(client, site):
    response = client.get(PROFILE_URL)
    assert response.status_code == 302
    assert response["Location"] == f"/connexion/?next={PROFILE_URL}"


def test_own_profile_form_offers_the_four_levels_in_plain_french(client, site):
    client.force_login(site["sujet"])
    html = client.get(PROFILE_URL).content.decode()
    for label in (
        "Tout le monde",
        "Les membres de la convention",
        "Les membres de mes collèges",
        "Personne",
    ):
        assert label in html
    assert html.count('type="radio" name="visibility_phone"') == 4


def test_own_profile_saves_visibility_choices_and_fields(client, site):
    client.force_login(site["sujet"])
    response = client.post(
        PROFILE_URL, valid_post(visibility_phone="public", phone="06 12 34 56 78"), follow=True
    )
    assert "Votre profil a été enregistré." in response.content.decode()
    subject = member("sujet")
    assert subject.visibility_of("phone") == "public"
    assert subject.phone == "06 12 34 56 78"
    assert sorted(tag.name for tag in subject.expertise.all()) == ["accueil", "médiation familiale"]


def test_invalid_visibility_choice_is_refused_without_change(client, site):
    client.force_login(site["sujet"])
    before = member("sujet").visibility
    response = client.post(PROFILE_URL, valid_post(visibility_email="everyone", phone="01"))
    assert response.status_code == 200
    assert "Ce choix n&#x27;existe pas" in response.content.decode()
    subject = member("sujet")
    assert subject.visibility == before
    assert subject.phone == "04 91 11 22 33"


def test_overly_long_field_is_refused_without_change(client, site):
    client.force_login(site["sujet"])
    response = client.post(PROFILE_URL, valid_post(bio="x" * 2001, visibility_bio="hidden"))
    html = response.content.decode()
    assert 'id="id_bio_error"' in html
    assert "au plus 2000 caractères" in html
    assert member("sujet").visibility_of("bio") != "hidden"


def test_show_full_name_is_offered_only_to_the_accompanied_college(client, site):
    client.force_login(site["sujet"])
    assert 'name="show_full_name"' not in client.get(PROFILE_URL).content.decode()
    client.force_login(site["nadia"])
    assert 'name="show_full_name"' in client.get(PROFILE_URL).content.decode()


def test_accompanied_person_opts_in_to_full_name(client, site):
    client.force_login(site["nadia"])
    client.post(PROFILE_URL, valid_post(show_full_name="on"))
    assert member("nadia").show_full_name is True


def test_account_without_a_member_profile_gets_an_explanation(client, site):
    client.force_login(get_user_model().objects.create_user("technique", password="x-1"))
    response = client.get(PROFILE_URL)
    assert response.status_code == 404
    assert "n’a pas de fiche dans l’annuaire" in response.content.decode()


def test_member_without_the_change_permission_is_refused(client, site):
    from guardian.shortcuts import remove_perm

    remove_perm("members.change_member", site["sujet"], member("sujet"))
    client.force_login(site["sujet"])
    assert client.get(PROFILE_URL).status_code == 403


# -- query counts ---------------------------------------------------------------------------


def add_members(count: int) -> None:
    """Members in several colleges and organisations, with tags and pseudonyms."""
    colleges = ["personnes-accompagnees", "acteurs-formation", "collectivites-territoriales"]
    load(
        {
            "users": [
                {
                    "username": f"n{index:03}",
                    "first_name": f"Prénom{index}",
                    "last_name": f"Nom{index:03}",
                    "email": f"n{index}@exemple.org",
                    "colleges": [colleges[index % 3]],
                    "organisation": ["institut-formation", "ccas-toulon"][index % 2],
                    "profile": {"phone": "04 00 00 00 00", "expertise": [f"sujet {index % 4}"]},
                    "visibility": {"email": "public", "phone": "college"},
                }
                for index in range(count)
            ]
        }
    )


LISTINGS = {"members": PUBLIC_DIRECTORY, "organisations": PUBLIC_DIRECTORY + "structures/"}
LISTING_PARAMS = {"q": "o", "territory": "paca", "expertise": "sujet-1"}
# Most of these are Wagtail's (routing, view restrictions, menus) and the session's.
MAX_QUERIES = 34


@pytest.mark.parametrize("size", [5, 40])
@pytest.mark.parametrize("listing", list(LISTINGS))
def test_listing_query_count_is_bounded(client, site, django_assert_max_num_queries, listing, size):
    add_members(size)
    client.force_login(site["collegue"])
    client.get(LISTINGS[listing])  # Wagtail caches the site's root paths on the first request.
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(LISTINGS[listing], LISTING_PARAMS)
    assert response.status_code == 200


@pytest.mark.parametrize("listing", list(LISTINGS))
def test_listing_query_count_does_not_grow_with_members(client, site, listing):
    client.force_login(site["collegue"])
    client.get(LISTINGS[listing])
    counts = []
    for size in (5, 40):
        add_members(size)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LISTINGS[listing], LISTING_PARAMS)
        counts.append(len(queries))
    assert response.context["cards" if listing == "members" else "organisations_page"]
    assert counts[0] == counts[1]
