"""Wagtail admin of the convention: each editor lists, exports and edits only what they may."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from members.models import Member
from members.roles import MEMBERS_GROUP
from tests.conftest import load

INDEX = "/admin/members/member/"

STAFF = {
    "users": [
        {
            "username": "ref-pa",
            "password": "x-secret-1",
            "first_name": "Rita",
            "last_name": "Référente",
            "colleges": ["personnes-accompagnees"],
            "roles": ["member", "referent"],
        },
        {
            "username": "ref-formation",
            "password": "x-secret-1",
            "colleges": ["acteurs-formation"],
            "roles": ["member", "referent"],
        },
        {
            "username": "alice",
            "first_name": "Alice",
            "last_name": "Accompagnée",
            "email": "alice@example.org",
            "colleges": ["personnes-accompagnees"],
            "profile": {"fonction": "Bénévole", "phone": "04 11 22 33 44"},
        },
        {
            "username": "bruno",
            "first_name": "Bruno",
            "last_name": "Formateur",
            "email": "bruno@example.org",
            "colleges": ["acteurs-formation"],
        },
    ]
}


@pytest.fixture
def staff(people):
    load(STAFF)
    return {user.username: user for user in get_user_model().objects.all()}


def logged_in(client, staff, username):
    client.force_login(staff[username])
    return client


def member(username: str) -> Member:
    return Member.objects.select_related("user").get(user__username=username)


def edit_url(username: str) -> str:
    return f"{INDEX}edit/{member(username).pk}/"


def listed_usernames(response) -> set[str]:
    return {m.user.username for m in response.context["object_list"]}


def edit_data(username: str, **changes) -> dict:
    """The POST data of the member edit form, unchanged but for ``changes``."""
    profile = member(username)
    data = {
        "first_name": profile.user.first_name,
        "last_name": profile.user.last_name,
        "email": profile.user.email,
        "organisation": profile.organisation_id or "",
        "territory": profile.territory_id or "",
        "fonction": profile.fonction,
        "phone": profile.phone,
        "address": profile.address,
        "bio": profile.bio,
        "expertise": "",
        "photo": "",
        "status": profile.status,
        "joined_on": "",
        "left_on": "",
    }
    for field in Member.VISIBILITY_FIELDS:
        data[f"visibility_{field}"] = profile.visibility_of(field)
    data.update(changes)
    return data


def assert_refused(response) -> None:
    """Wagtail answers a PermissionDenied in its admin by a redirect to the dashboard."""
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"] == reverse("wagtailadmin_home")


def export_rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


# -- listings ------------------------------------------------------------------------


def test_referent_lists_only_the_members_of_their_college(client, staff):
    response = logged_in(client, staff, "ref-pa").get(INDEX)
    assert response.status_code == 200
    assert listed_usernames(response) == {"pa", "deux", "ref-pa", "alice"}


def test_coordination_lists_every_member(client, staff):
    response = logged_in(client, staff, "coord").get(INDEX)
    assert listed_usernames(response) == set(
        Member.objects.values_list("user__username", flat=True)
    )


def test_referent_sees_the_convention_menu_without_model_permissions(client, staff):
    assert not staff["ref-pa"].has_perm("members.change_member")
    response = logged_in(client, staff, "ref-pa").get("/admin/")
    assert response.status_code == 200
    assert INDEX in response.content.decode()


def test_referent_lists_only_the_organisations_of_their_college(client, staff):
    load(
        {
            "organisations": [
                {
                    "slug": "collectif-var",
                    "name": "Collectif Var",
                    "college": "personnes-accompagnees",
                },
                {"slug": "irts", "name": "IRTS", "college": "acteurs-formation"},
            ]
        }
    )
    response = logged_in(client, staff, "ref-pa").get("/admin/members/organisation/")
    assert [o.slug for o in response.context["object_list"]] == ["collectif-var"]


def test_colleges_admin_is_for_coordination_only(client, staff):
    assert_refused(logged_in(client, staff, "ref-pa").get("/admin/members/college/"))
    client.force_login(staff["coord"])
    assert client.get("/admin/members/college/").status_code == 200


def test_search_finds_a_member_by_email(client, staff):
    response = logged_in(client, staff, "coord").get(INDEX, {"q": "bruno@example"})
    assert listed_usernames(response) == {"bruno"}


# -- editing -------------------------------------------------------------------------


def test_referent_cannot_open_another_colleges_member(client, staff):
    assert_refused(logged_in(client, staff, "ref-pa").get(edit_url("bruno")))


def test_referent_cannot_change_another_colleges_member(client, staff):
    client = logged_in(client, staff, "ref-pa")
    assert_refused(client.post(edit_url("bruno"), edit_data("bruno", fonction="Piraté")))
    assert member("bruno").fonction == ""


def test_referent_edits_a_member_of_their_college(client, staff):
    client = logged_in(client, staff, "ref-pa")
    data = edit_data(
        "alice", fonction="Pair-aidante", last_name="Durand", visibility_phone="hidden"
    )
    response = client.post(edit_url("alice"), data)
    assert response.status_code == 302
    alice = member("alice")
    assert (alice.fonction, alice.user.last_name) == ("Pair-aidante", "Durand")
    assert alice.visibility_of("phone") == "hidden"


def test_referent_form_has_no_role_or_college_fields(client, staff):
    response = logged_in(client, staff, "ref-pa").get(edit_url("alice"))
    form = response.context["form"]
    assert {"colleges_choice", "referent", "is_coordination"}.isdisjoint(form.fields)


def test_ending_a_membership_in_the_admin_removes_access(client, staff):
    client = logged_in(client, staff, "ref-pa")
    client.post(edit_url("alice"), edit_data("alice", status=Member.Status.FORMER))
    assert not staff["alice"].groups.filter(name=MEMBERS_GROUP).exists()


def test_referent_cannot_edit_a_coordination_member_of_their_college(client, staff):
    assert_refused(logged_in(client, staff, "ref-formation").get(edit_url("coord")))


def test_coordination_makes_a_member_referent(client, staff):
    client = logged_in(client, staff, "coord")
    college_ids = list(member("bruno").colleges.values_list("pk", flat=True))
    data = edit_data("bruno", colleges_choice=college_ids, referent="on")
    assert client.post(edit_url("bruno"), data).status_code == 302
    assert member("bruno").memberships.get().is_referent


def test_referent_cannot_delete_a_member(client, staff):
    assert_refused(logged_in(client, staff, "ref-pa").post(f"{INDEX}delete/{member('alice').pk}/"))
    assert Member.objects.filter(user__username="alice").exists()


def test_coordination_deletes_a_member_and_their_account(client, staff):
    client = logged_in(client, staff, "coord")
    client.post(f"{INDEX}delete/{member('alice').pk}/")
    assert not get_user_model().objects.filter(username="alice").exists()


def test_members_cannot_be_created_from_the_admin_form(client, staff):
    assert_refused(logged_in(client, staff, "coord").get(f"{INDEX}create/"))


# -- export --------------------------------------------------------------------------


def test_coordination_exports_the_members_with_their_contact_details(client, staff):
    response = logged_in(client, staff, "coord").get(INDEX, {"export": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="annuaire-membres.csv"'
    rows = {row["Prénom"]: row for row in export_rows(response)}
    assert rows["Alice"]["Adresse électronique"] == "alice@example.org"
    assert rows["Alice"]["Téléphone"] == "04 11 22 33 44"
    assert rows["Alice"]["Collèges"] == "Personnes accompagnées"
    assert rows["Bruno"]["Statut"] == "Actif"


def test_referent_export_contains_only_their_college(client, staff):
    response = logged_in(client, staff, "ref-pa").get(INDEX, {"export": "csv"})
    rows = export_rows(response)
    assert len(rows) == 4  # pa, deux, ref-pa, alice
    assert "alice@example.org" in {row["Adresse électronique"] for row in rows}
    assert "bruno@example.org" not in {row["Adresse électronique"] for row in rows}


def test_export_neutralises_formulas(client, staff):
    load({"users": [{"username": "alice", "colleges": ["personnes-accompagnees"],
                     "first_name": "=HYPERLINK(1)"}]})  # fmt: skip
    response = logged_in(client, staff, "coord").get(INDEX, {"export": "csv"})
    assert "'=HYPERLINK(1)" in {row["Prénom"] for row in export_rows(response)}


def test_export_as_xlsx(client, staff):
    from openpyxl import load_workbook

    response = logged_in(client, staff, "ref-pa").get(INDEX, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 1 + 4


def test_admin_refuses_anonymous_visitors(client, staff):
    response = client.get(INDEX)
    assert response.status_code == 302
    assert reverse("wagtailadmin_login") in response["Location"]


# -- coordination tools ------------------------------------------------------------------


def test_coordination_sees_the_import_and_anonymise_buttons(client, staff):
    text = logged_in(client, staff, "coord").get(INDEX).content.decode()
    assert "Importer des membres" in text
    assert "Anonymiser les anciens membres" in text


def test_referent_does_not_see_the_coordination_buttons(client, staff):
    text = logged_in(client, staff, "ref-pa").get(INDEX).content.decode()
    assert "Importer des membres" not in text


def test_coordination_form_offers_colleges_and_roles(client, staff):
    response = logged_in(client, staff, "coord").get(edit_url("alice"))
    assert {"colleges_choice", "referent", "is_coordination"} <= set(
        response.context["form"].fields
    )


def test_import_page_documents_the_columns(client, staff):
    text = logged_in(client, staff, "coord").get(f"{INDEX}importer/").content.decode()
    for column in ("identifiant", "prenom", "nom", "email", "colleges", "structure", "roles"):
        assert f"<code>{column}</code>" in text


def test_referent_cannot_read_another_colleges_member_history(client, staff):
    assert_refused(logged_in(client, staff, "ref-pa").get(f"{INDEX}history/{member('bruno').pk}/"))
