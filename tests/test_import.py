"""Members import: preview, all-or-nothing confirmation, errors by line and column."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from members.imports import ImportRefused, apply_plan, plan_file, read_table
from members.models import Member
from members.roles import COORDINATION_GROUP, MEMBERS_GROUP
from tests.conftest import load

URL = "/admin/members/member/importer/"
HEADER = "identifiant;prenom;nom;email;colleges;fonction;roles"
GOOD_CSV = "\n".join(
    [
        HEADER,
        "amina;Amina;Benali;amina@example.org;personnes-accompagnees;Pair-aidante;",
        "jmartin;Jeanne;Martin;j.martin@example.org;acteurs-formation|collectivites-territoriales;;member|referent",
    ]
).encode()
BAD_EMAIL_CSV = "\n".join(
    [
        HEADER,
        "amina;Amina;Benali;amina@example.org;personnes-accompagnees;;",
        "jmartin;Jeanne;Martin;pas-une-adresse;acteurs-formation;;",
    ]
).encode()


def user_count() -> int:
    return get_user_model().objects.count()


def coordination(client, people):
    client.force_login(people["coord"])
    return client


def upload(client, content: bytes, name: str = "membres.csv"):
    return client.post(URL, {"file": SimpleUploadedFile(name, content)})


def xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


# -- admin: upload, preview, confirm ---------------------------------------------------


def test_preview_writes_nothing_and_shows_each_row(client, people):
    before = user_count()
    response = upload(coordination(client, people), GOOD_CSV)
    assert response.status_code == 200
    assert [row.username for row in response.context["plan"].rows] == ["amina", "jmartin"]
    assert "Confirmer l’import" in response.content.decode()
    assert user_count() == before


def test_confirmed_import_creates_accounts_without_password(client, people):
    client = coordination(client, people)
    token = upload(client, GOOD_CSV).context["token"]
    response = client.post(URL, {"token": token})
    assert response.status_code == 302
    amina = get_user_model().objects.get(username="amina")
    assert (amina.first_name, amina.email) == ("Amina", "amina@example.org")
    assert not amina.has_usable_password()
    assert amina.groups.filter(name=MEMBERS_GROUP).exists()
    assert amina.member.fonction == "Pair-aidante"


def test_imported_referent_gets_each_college(client, people):
    client = coordination(client, people)
    client.post(URL, {"token": upload(client, GOOD_CSV).context["token"]})
    memberships = Member.objects.get(user__username="jmartin").memberships.all()
    assert len(memberships) == 2
    assert all(membership.is_referent for membership in memberships)


def test_an_error_reports_its_line_and_column_and_writes_nothing(client, people):
    before = user_count()
    response = upload(coordination(client, people), BAD_EMAIL_CSV)
    text = response.content.decode()
    assert "Ligne 3, colonne « email » : adresse invalide" in text
    assert "token" not in response.context
    assert user_count() == before


def test_xlsx_file_is_imported(client, people):
    content = xlsx(
        [
            ["Identifiant", "Prénom", "Nom", "Email", "Collèges", "Téléphone"],
            ["lea", "Léa", "Roux", "lea@example.org", "acteurs-formation", 491000000],
        ]
    )
    client = coordination(client, people)
    token = upload(client, content, "membres.xlsx").context["token"]
    client.post(URL, {"token": token})
    assert Member.objects.get(user__username="lea").phone == "491000000"


def test_oversized_file_is_refused_with_a_message(client, people):
    content = HEADER.encode() + b"\n" + b"x" * (2 * 1024 * 1024 + 1)
    response = upload(coordination(client, people), content)
    assert response.status_code == 200
    assert "dépasse 2 Mo" in response.content.decode()


def test_unsupported_file_is_refused_with_a_message(client, people):
    response = upload(coordination(client, people), b"%PDF-1.4 ...", "membres.pdf")
    assert response.status_code == 200
    assert "Format non pris en charge" in response.content.decode()


def test_broken_xlsx_is_refused_with_a_message(client, people):
    response = upload(coordination(client, people), b"PK\x03\x04 not really", "membres.xlsx")
    assert response.status_code == 200
    assert "Le fichier Excel est illisible" in response.content.decode()


def test_confirmation_needs_the_token_of_the_preview(client, people):
    client = coordination(client, people)
    upload(client, GOOD_CSV)
    before = user_count()
    response = client.post(URL, {"token": "forged"})
    assert response.status_code == 302
    assert user_count() == before


def test_confirmation_checks_the_rows_again(client, people):
    client = coordination(client, people)
    token = upload(client, GOOD_CSV).context["token"]
    from members.models import College

    College.objects.filter(slug="collectivites-territoriales").delete()
    before = user_count()
    response = client.post(URL, {"token": token})
    assert "collège « collectivites-territoriales » inconnu" in response.content.decode()
    assert user_count() == before


def test_referents_cannot_import(client, people):
    load({"users": [{"username": "ref", "colleges": ["acteurs-formation"],
                     "roles": ["member", "referent"]}]})  # fmt: skip
    client.force_login(get_user_model().objects.get(username="ref"))
    response = upload(client, GOOD_CSV)
    assert response.status_code in (302, 403)
    assert not get_user_model().objects.filter(username="amina").exists()


# -- the pure functions ----------------------------------------------------------------


def test_comma_separated_csv_with_bom_is_read():
    table = read_table("\ufeffidentifiant,nom\namina,Benali\n".encode(), "m.csv")
    assert table.headers == ["identifiant", "nom"]
    assert table.rows == [["amina", "Benali"]]


def test_non_utf8_csv_is_refused():
    with pytest.raises(ImportRefused, match="UTF-8"):
        read_table("identifiant;nom\nzoé;Hé\n".encode("latin-1"), "m.csv")


def test_too_many_rows_are_refused():
    with pytest.raises(ImportRefused, match="plus de 2 lignes"):
        read_table(b"identifiant\na\nb\nc\n", "m.csv", max_rows=2)


def test_every_error_of_the_file_is_listed(people):
    content = b"identifiant;prenom;nom;email;colleges\n;A;B;a@example.org;inconnu\n"
    _, plan = plan_file(content, "m.csv")
    assert [str(error) for error in plan.errors] == [
        "Ligne 2, colonne « identifiant » : valeur obligatoire",
        "Ligne 2, colonne « colleges » : collège « inconnu » inconnu",
    ]


def test_missing_and_unknown_columns_are_reported(people):
    _, plan = plan_file(b"identifiant;nom;age\nx;y;3\n", "m.csv")
    messages = [str(error) for error in plan.errors]
    assert "Ligne 1, colonne « age » : colonne inconnue" in messages
    assert any("« prenom », « email », « colleges »" in message for message in messages)


def test_existing_member_is_updated_and_keeps_roles(people):
    content = (
        b"identifiant;prenom;nom;email;colleges\n"
        b"coord;Claire;Coord;c@example.org;acteurs-formation\n"
    )
    _, plan = plan_file(content, "m.csv", importer=people["coord"])
    assert plan.updated == 1
    apply_plan(plan)
    coord = get_user_model().objects.get(username="coord")
    assert coord.first_name == "Claire"
    assert coord.groups.filter(name=COORDINATION_GROUP).exists()


def test_administrator_accounts_cannot_be_changed_by_import(colleges):
    load({"users": [{"username": "root", "roles": ["admin"]}]})
    content = b"identifiant;prenom;nom;email;colleges\nroot;R;R;r@example.org;acteurs-formation\n"
    _, plan = plan_file(content, "m.csv")
    assert "compte d'administration" in str(plan.errors[0])


def test_command_line_import_cannot_change_a_coordination_account(people):
    content = (
        b"identifiant;prenom;nom;email;colleges\ncoord;C;C;pirate@example.org;acteurs-formation\n"
    )
    _, plan = plan_file(content, "m.csv")
    assert "compte d'administration" in str(plan.errors[0])


def test_import_refuses_accounts_that_outrank_the_importer(colleges, people):
    load({"users": [{"username": "root", "roles": ["admin"]}]})
    content = b"identifiant;prenom;nom;email;colleges\nroot;R;R;r@example.org;acteurs-formation\n"
    _, plan = plan_file(content, "m.csv", importer=people["coord"])
    assert "compte d'administration" in str(plan.errors[0])


def test_csv_row_with_too_many_columns_is_refused():
    content = b"identifiant;nom\n" + b"a;b;" + b"x;" * 200 + b"\n"
    with pytest.raises(ImportRefused, match="plus de 50 colonnes"):
        read_table(content, "m.csv")


def test_xlsx_with_thousands_of_columns_is_refused_before_its_rows_are_read():
    content = xlsx([["identifiant", "nom"], ["a", "b", *["x"] * 5000]])
    with pytest.raises(ImportRefused, match="colonnes"):
        read_table(content, "m.xlsx")


def test_xlsx_that_unpacks_past_the_limit_is_refused():
    import zipfile

    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<c/>" * (8 * 1024 * 1024))
    assert len(packed.getvalue()) < 200 * 1024
    with pytest.raises(ImportRefused, match="décompressé"):
        read_table(packed.getvalue(), "m.xlsx")


# -- manage.py import_members ----------------------------------------------------------


def write(tmp_path, content: bytes, name: str = "membres.csv"):
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def test_command_refuses_a_bad_file_with_a_non_zero_exit_code(people, tmp_path):
    # call_command, not run_from_argv: the latter closes the test's database connection.
    err = io.StringIO()
    before = user_count()
    with pytest.raises(CommandError) as refused:
        call_command("import_members", write(tmp_path, BAD_EMAIL_CSV), stderr=err)
    assert refused.value.returncode != 0
    assert "Ligne 3, colonne « email »" in err.getvalue()
    assert user_count() == before


def test_command_shows_progress_and_imports(people, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_members", write(tmp_path, GOOD_CSV), stdout=out, stderr=err)
    assert "\r[" in err.getvalue() and "] 2/2" in err.getvalue()
    assert "2 création(s)" in out.getvalue()
    assert get_user_model().objects.filter(username__in=["amina", "jmartin"]).count() == 2


def test_command_dry_run_writes_nothing(people, tmp_path):
    out = io.StringIO()
    before = user_count()
    call_command(
        "import_members", write(tmp_path, GOOD_CSV), "--dry-run", stdout=out, stderr=io.StringIO()
    )
    assert "Rien n'a été écrit" in out.getvalue()
    assert user_count() == before


ODD_CELLS = [
    "", " ", "\x00", "a\x00b", "x" * 5000, "é" * 300, "=1+1", "-1", "2" * 40, "a|b||c",
    "personnes-accompagnees|inconnu", "member|chef", "admin", "coordination", "@", "a@b",
    "<script>", "../../etc", "\r\n", ";", '"', "identifiant",
]  # fmt: skip


def test_mutated_import_files_are_planned_or_refused_never_crash(people):
    import random

    from django.db import transaction

    rng = random.Random(20261201)
    lines = [line.split(";") for line in GOOD_CSV.decode().splitlines()]
    crashes = []
    for _ in range(60):
        rows = [list(line) for line in lines]
        row = rng.randrange(len(rows))
        rows[row][rng.randrange(len(rows[row]))] = rng.choice(ODD_CELLS)
        content = "\n".join(";".join(row) for row in rows).encode()
        try:
            _, plan = plan_file(content, "m.csv", importer=people["coord"])
            if plan.ok:
                with transaction.atomic():
                    apply_plan(plan)
                    transaction.set_rollback(True)
        except Exception as error:  # noqa: BLE001 - what this test is looking for
            crashes.append(f"{rows}: {type(error).__name__}: {error}")
    assert not crashes, "\n".join(crashes[:5])


def test_a_new_address_for_an_existing_account_waits_for_its_owner(
    people, django_capture_on_commit_callbacks
):
    from django.core import mail

    coord = people["coord"]
    before = coord.email
    content = (
        b"identifiant;prenom;nom;email;colleges\n"
        b"coord;Claire;Coord;nouvelle@example.org;acteurs-formation\n"
    )
    _, plan = plan_file(content, "m.csv", importer=coord)
    with django_capture_on_commit_callbacks(execute=True):
        report = apply_plan(plan, importer=coord)

    coord.refresh_from_db()
    assert coord.email == before
    assert coord.member.pending_email == "nouvelle@example.org"
    assert report["adresses à confirmer par leur titulaire"] == 1
    assert "nouvelle@example.org" in [address for m in mail.outbox for address in m.to]
