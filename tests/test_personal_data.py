"""« Mes données » (copy, removal request) and the anonymisation of former members."""

import csv
import datetime
import io
import json

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from members.models import AdhesionRequest, College, Member
from members.personal_data.anonymise import anonymise_member
from members.roles import end_membership
from tests.conftest import COLLEGES, load, rolled_back, users_by_name
from tests.pages import contribution, dossier, dossier_tree

PAGE = "/mes-donnees/"
CONSENT = timezone.make_aware(datetime.datetime(2024, 3, 1, 10, 0))

USERS = [
    {
        "username": "amina",
        "password": "x-secret-1",
        "first_name": "Amina",
        "last_name": "Benali",
        "email": "amina@example.org",
        "colleges": ["personnes-accompagnees"],
        "profile": {
            "fonction": "Pair-aidante",
            "phone": "06 00 00 00 01",
            "bio": "Engagée.",
            "expertise": ["logement"],
        },
        "visibility": {"phone": "hidden"},
    },
    {
        "username": "bruno",
        "password": "x-secret-1",
        "first_name": "Bruno",
        "last_name": "Roux",
        "email": "bruno@example.org",
        "colleges": ["acteurs-formation"],
        "profile": {"phone": "06 00 00 00 02"},
    },
    {
        "username": "claire",
        "email": "coordination@example.org",
        "colleges": ["acteurs-formation"],
        "roles": ["member", "coordination"],
    },
]

# Amina and Bruno each wrote one contribution of the dossier.
CONTENT = dossier_tree(
    dossier(
        "non-recours",
        "Non-recours",
        "Non-recours et fracture numérique",
        contribution(
            "atelier-amina", "Atelier sur l'accès aux droits", "2024-02-01", authors=["amina"]
        ),
        contribution("atelier-bruno", "Atelier de formation", "2024-02-02", authors=["bruno"]),
    ),
    users=USERS,
)


@pytest.fixture(scope="module")
def personal_data_site(django_db_setup, django_db_blocker):
    """The members and their contributions, loaded once for the module, rolled back after it."""
    with rolled_back(django_db_blocker):
        load({"colleges": COLLEGES})
        load(CONTENT)
        Member.objects.filter(user__username="amina").update(consent_at=CONSENT)
        yield


@pytest.fixture
def site(personal_data_site, db):
    return users_by_name()


def member(username: str) -> Member:
    return Member.objects.select_related("user").get(user__username=username)


def download(client, user) -> tuple:
    client.force_login(user)
    response = client.get(reverse("members:personal_data_download"))
    return response, json.loads(response.content)


# -- the page and the copy ---------------------------------------------------------------


DOWNLOADS = [
    "members:personal_data_download",
    "members:personal_data_download_csv",
    "members:personal_data_download_xlsx",
]


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    for url in (PAGE, *(reverse(name) for name in DOWNLOADS)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(f"{reverse('login')}?next=")


def test_page_explains_what_is_stored(client, site):
    client.force_login(site["amina"])
    text = client.get(PAGE).content.decode()
    assert "Ce que nous enregistrons" in text
    assert "Télécharger mes données" in text
    assert "Demander la suppression de mes données" in text


def test_copy_is_a_json_attachment(client, site):
    response, _ = download(client, site["amina"])
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="mes-donnees-')


def test_copy_holds_the_account_profile_and_choices(client, site):
    _, data = download(client, site["amina"])
    assert data["compte"]["email"] == "amina@example.org"
    assert data["profil"]["telephone"] == "06 00 00 00 01"
    assert data["profil"]["visibilite"]["phone"] == "hidden"
    assert data["profil"]["consentement_le"].startswith("2024-03-01")
    assert data["colleges"] == [
        {"nom": "Personnes accompagnées", "identifiant": "personnes-accompagnees",
         "referent": False, "depuis": None}
    ]  # fmt: skip


def test_copy_lists_only_the_members_own_contributions(client, site):
    _, data = download(client, site["amina"])
    assert [c["titre"] for c in data["contributions"]] == ["Atelier sur l'accès aux droits"]
    assert data["contributions"][0]["date"] == "2024-02-01"
    assert data["contributions"][0]["url"].endswith("/atelier-amina/")


def test_copy_holds_the_adhesion_requests_that_created_the_account_only(client, site):
    # Requests are linked to the account they created, no longer matched by address.
    college = College.objects.get(slug="personnes-accompagnees")
    for email, who in (("Amina@example.org", member("amina")), ("bruno@example.org", None)):
        AdhesionRequest.objects.create(
            college=college,
            first_name="X",
            last_name="Y",
            email=email,
            consent_at=CONSENT,
            member=who,
        )
    _, data = download(client, site["amina"])
    assert [request["email"] for request in data["demandes_adhesion"]] == ["Amina@example.org"]


def test_copy_contains_nothing_of_other_members(client, site):
    response, _ = download(client, site["amina"])
    text = response.content.decode()
    assert "bruno" not in text.lower()
    assert "06 00 00 00 02" not in text


def spreadsheet_rows(client, user, kind: str) -> list[list[str]]:
    client.force_login(user)
    response = client.get(reverse(f"members:personal_data_download_{kind}"))
    assert response["Content-Disposition"].startswith('attachment; filename="mes-donnees-')
    if kind == "csv":
        text = response.content.decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text), delimiter=";"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [[cell or "" for cell in row] for row in sheet.iter_rows(values_only=True)]


def test_spreadsheet_copy_has_one_labelled_row_per_information(client, site):
    rows = spreadsheet_rows(client, site["amina"], "csv")
    assert rows[0] == ["Rubrique", "Information", "Valeur"]
    assert ["Compte", "Adresse électronique", "amina@example.org"] in rows
    assert ["Profil", "Visibilité › téléphone", "Personne (masqué)"] in rows
    assert ["Collège 1", "Nom", "Personnes accompagnées"] in rows
    assert ["Contribution 1", "Date", "01/02/2024"] in rows


def test_spreadsheet_copy_contains_nothing_of_other_members(client, site):
    text = str(spreadsheet_rows(client, site["amina"], "csv")).lower()
    assert "bruno" not in text
    assert "06 00 00 00 02" not in text


def test_xlsx_copy_holds_the_same_rows_as_the_csv_copy(client, site):
    xlsx, csv_copy = (spreadsheet_rows(client, site["amina"], kind) for kind in ("xlsx", "csv"))
    # Row 2 is the time of the export, which may differ by a minute between the two.
    assert xlsx[:1] + xlsx[2:] == csv_copy[:1] + csv_copy[2:]


def test_page_says_what_the_json_file_is_for(client, site):
    client.force_login(site["amina"])
    text = client.get(PAGE).content.decode()
    assert "droit à la portabilité" in text
    assert reverse("members:personal_data_download_xlsx") in text


# -- removal request ---------------------------------------------------------------------


def test_removal_request_records_the_date(client, site):
    client.force_login(site["amina"])
    response = client.post(reverse("members:personal_data_removal"))
    assert response.status_code == 302
    assert member("amina").removal_requested_at is not None


def test_removal_request_emails_coordination(client, site):
    client.force_login(site["amina"])
    client.post(reverse("members:personal_data_removal"))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["coordination@example.org"]
    assert "amina" in mail.outbox[0].body


def test_page_shows_the_removal_request_date(client, site):
    client.force_login(site["amina"])
    client.post(reverse("members:personal_data_removal"))
    text = client.get(PAGE).content.decode()
    date = timezone.localtime(member("amina").removal_requested_at)
    assert f"le {date.day}" in text and "suppression de vos données" in text


def test_removal_request_needs_a_post(client, site):
    client.force_login(site["amina"])
    response = client.get(reverse("members:personal_data_removal"))
    assert "Confirmer ma demande de suppression" in response.content.decode()
    assert member("amina").removal_requested_at is None


def test_a_second_request_sends_no_second_email(client, site):
    client.force_login(site["amina"])
    client.post(reverse("members:personal_data_removal"))
    client.post(reverse("members:personal_data_removal"))
    assert len(mail.outbox) == 1


# -- anonymisation -------------------------------------------------------------------------


def test_anonymising_erases_identity_but_keeps_colleges_and_consent(site):
    amina = member("amina")
    end_membership(amina)
    anonymise_member(amina)
    amina = member(f"ancien-membre-{amina.pk}")
    assert (amina.user.first_name, amina.user.last_name, amina.user.email) == (
        "Ancien membre", "", ""
    )  # fmt: skip
    assert (amina.phone, amina.bio, amina.fonction, amina.visibility) == ("", "", "", {})
    assert not amina.expertise.exists()
    assert list(amina.colleges.values_list("slug", flat=True)) == ["personnes-accompagnees"]
    assert amina.consent_at == CONSENT
    assert amina.anonymised_at is not None and amina.status == Member.Status.FORMER


def test_anonymised_member_cannot_log_in(client, site):
    amina = member("amina")
    end_membership(amina)
    anonymise_member(amina)
    assert not client.login(username="amina", password="x-secret-1")
    assert not client.login(username=f"ancien-membre-{amina.pk}", password="x-secret-1")


def test_admin_action_anonymises_only_former_members(client, site):
    end_membership(member("amina"))
    client.force_login(site["claire"])
    url = "/admin/members/member/anonymiser/"
    assert client.get(url).context["count"] == 1
    client.post(url)
    assert Member.objects.filter(anonymised_at__isnull=False).count() == 1
    assert member("bruno").anonymised_at is None
    assert not get_user_model().objects.filter(username="amina").exists()


def test_admin_action_is_for_coordination_only(client, site):
    load({"users": [{"username": "ref", "colleges": ["personnes-accompagnees"],
                     "roles": ["member", "referent"]}]})  # fmt: skip
    end_membership(member("amina"))
    client.force_login(get_user_model().objects.get(username="ref"))
    response = client.post("/admin/members/member/anonymiser/")
    assert response.status_code in (302, 403)
    assert member("amina").anonymised_at is None


def test_command_anonymises_former_members_and_has_a_dry_run(site):
    end_membership(member("amina"))
    out = io.StringIO()
    call_command("anonymise_former_members", "--dry-run", stdout=out)
    assert "1 ancien(s) membre(s) à anonymiser" in out.getvalue()
    assert member("amina").anonymised_at is None
    call_command("anonymise_former_members", stdout=io.StringIO())
    assert Member.objects.get(user__username__startswith="ancien-membre-").anonymised_at


# -- declined adhesion requests -----------------------------------------------------------


def declined_request(decided_days_ago: int) -> AdhesionRequest:
    import datetime

    from django.utils import timezone

    return AdhesionRequest.objects.create(
        college=College.objects.get(slug="personnes-accompagnees"),
        first_name="Refusée",
        last_name=f"Il y a {decided_days_ago} jours",
        email="refus@example.org",
        consent_at=CONSENT,
        status=AdhesionRequest.Status.DECLINED,
        decided_at=timezone.now() - datetime.timedelta(days=decided_days_ago),
    )


def test_command_deletes_requests_declined_more_than_a_year_ago(site):
    old = declined_request(400)
    recent = declined_request(30)

    call_command("anonymise_former_members", stdout=io.StringIO())

    assert not AdhesionRequest.objects.filter(pk=old.pk).exists()
    assert AdhesionRequest.objects.filter(pk=recent.pk).exists()


def test_dry_run_counts_old_declined_requests_without_deleting(site):
    old = declined_request(400)
    out = io.StringIO()

    call_command("anonymise_former_members", "--dry-run", stdout=out)

    assert "1 demande(s) d'adhésion refusée(s) à supprimer" in out.getvalue()
    assert AdhesionRequest.objects.filter(pk=old.pk).exists()


# -- adhesion requests belong to the account they created (issue 10, finding 6) --------------


def filed_request(email: str, **fields) -> AdhesionRequest:
    return AdhesionRequest.objects.create(
        college=College.objects.get(slug="personnes-accompagnees"),
        first_name=fields.pop("first_name", "Candide"),
        last_name="Demandeuse",
        email=email,
        phone="07 00 00 00 99",
        message="Message privé de la candidate",
        consent_at=fields.pop("consent_at", CONSENT),
        **fields,
    )


def test_personal_data_export_ignores_requests_filed_under_ones_address(client, site):
    filed_request("amina@example.org")  # anyone may type someone else's address
    response, data = download(client, site["amina"])
    assert data["demandes_adhesion"] == []
    assert "Message privé de la candidate" not in response.content.decode()


def test_taking_an_applicants_address_does_not_export_their_request(client, site):
    filed_request("candidate@example.org")
    get_user_model().objects.filter(username="amina").update(email="candidate@example.org")
    response, data = download(client, site["amina"])
    assert data["demandes_adhesion"] == []
    assert "07 00 00 00 99" not in response.content.decode()


def test_accepted_request_is_in_the_new_members_export(client, site):
    from members.adhesion import services

    adhesion = filed_request("nouvelle@example.org", first_name="Nora")
    new_member = services.accept(adhesion, by_user=site["claire"])
    assert AdhesionRequest.objects.get(pk=adhesion.pk).member == new_member
    _, data = download(client, new_member.user)
    assert [r["message"] for r in data["demandes_adhesion"]] == ["Message privé de la candidate"]


def test_anonymising_leaves_requests_filed_under_the_address_alone(site):
    someone_else = filed_request("amina@example.org")
    own = filed_request("amina@example.org", member=member("amina"))
    amina = member("amina")
    end_membership(amina)
    anonymise_member(amina)
    someone_else.refresh_from_db()
    own.refresh_from_db()
    assert someone_else.message == "Message privé de la candidate"
    assert (own.first_name, own.email, own.message) == ("Ancien membre", "", "")


def test_migration_links_accepted_requests_only_to_the_account_they_created(site):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("members.migrations.0003_member_pending_email")
    amina = member("amina")
    created = filed_request("amina@example.org", status=AdhesionRequest.Status.ACCEPTED)
    get_user_model().objects.filter(pk=amina.user_id).update(date_joined=timezone.now())
    # Same address, another consent date: filed by someone else, not the one that created her.
    borrowed = filed_request(
        "amina@example.org",
        status=AdhesionRequest.Status.ACCEPTED,
        consent_at=CONSENT - datetime.timedelta(days=3),
    )
    migration.link_accepted_requests(apps, None)
    assert AdhesionRequest.objects.get(pk=created.pk).member == amina
    assert AdhesionRequest.objects.get(pk=borrowed.pk).member is None
