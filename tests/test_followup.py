"""Follow-up of préconisations (issue 15): tracked items, who sees and changes them, the board."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader
from wagtail.models import ModelLogEntry

from cms.followup.board import XLSX_TYPE
from cms.followup.models import Endorsement, FollowupBoardPage, Status, TimelineEntry, TrackedItem
from cms.followup.services import update_item
from cms.followup.sync import sync_all
from cms.models import ContributionPage, ConventionPage, DossierPage
from tests.conftest import COLLEGES, PEOPLE, load, rolled_back, users_by_name
from tests.followup_helpers import board, item, numerique_tree
from tests.pages import PA_COLLEGE
from tests.pages import contribution as contribution_entry

SECRET = "Garder un guichet humain"

TREE = numerique_tree(
    contribution_entry(
        "pub", "Atelier ouvert à tous", "2023-03-01", colleges=["acteurs-formation"],
        preconisations=[
            {"title": "Ouvrir des points d'accueil", "description": "Près de chez soi."},
            {"title": "Former les agents", "description": ""},
        ],
    ),
    contribution_entry(
        "pa", "Paroles entre pairs", "2024-05-02", colleges=["personnes-accompagnees"],
        visibility=PA_COLLEGE,
        preconisations=[{"title": SECRET, "description": "Réservé."}],
    ),
    convention={"territory": "region"},
    territories=[
        {"slug": "region", "name": "Région"},
        {"slug": "var", "name": "Var", "parent": "region"},
    ],
    organisations=[
        {"slug": "caf", "name": "Caisse d'allocations", "college": "collectivites-territoriales"},
        {"slug": "centre", "name": "Centre social", "college": "acteurs-formation"},
    ],
    users=PEOPLE["users"] + [
        {"username": "ref-pa", "password": "x-secret-1", "colleges": ["personnes-accompagnees"],
         "roles": ["member", "referent"]},
        {"username": "ref-af", "password": "x-secret-1", "colleges": ["acteurs-formation"],
         "roles": ["member", "referent"]},
        {"username": "porteur", "password": "x-secret-1", "colleges": ["acteurs-formation"],
         "organisation": "centre", "roles": ["member"]},
    ],
)  # fmt: skip


def add_board(convention_slug: str = "c") -> FollowupBoardPage:
    """A published board « Suivi des préconisations » under this convention."""
    convention = ConventionPage.objects.get(slug=convention_slug)
    board = convention.add_child(
        instance=FollowupBoardPage(title="Suivi des préconisations", slug="suivi")
    )
    board.save_revision().publish()
    return board


@pytest.fixture(scope="module")
def followup_data(django_db_setup, django_db_blocker):
    """The tree and its board, loaded once for the module and rolled back after it."""
    with rolled_back(django_db_blocker):
        load({"colleges": COLLEGES})
        load(TREE)
        add_board()
        yield


@pytest.fixture
def site(followup_data, db):
    return users_by_name()


def item_url(tracked: TrackedItem) -> str:
    return f"/preconisations/{tracked.pk}/"


def contribution(slug: str = "pub") -> ContributionPage:
    return ContributionPage.objects.get(slug=slug)


def publish_body(page: ContributionPage, body: list) -> None:
    """Publish a new revision whose body is ``body`` (raw stream data, block ids kept)."""
    page = ContributionPage.objects.get(pk=page.pk)
    page.body = body
    page.save_revision().publish()


def raw_body(page: ContributionPage) -> list[dict]:
    return list(ContributionPage.objects.get(pk=page.pk).body.raw_data)


def without(body: list[dict], title: str) -> list[dict]:
    return [block for block in body if block["value"].get("title") != title]


def update(client, tracked: TrackedItem, **values):
    data = {
        "status": tracked.status,
        "status_reason": "",
        "progress": tracked.progress,
        "target_date": "",
        "date": "2025-01-15",
        "text": "",
        **values,
    }
    return client.post(item_url(tracked) + "suivi/", data)


# ---------------------------------------------------------------------------
# Identity


def test_publishing_a_contribution_creates_one_item_per_preconisation(site):
    titles = set(TrackedItem.objects.values_list("title", flat=True))
    assert titles == {"Ouvrir des points d'accueil", "Former les agents", SECRET}


def test_an_item_copies_its_dossier_theme_territory_colleges_and_date(site):
    tracked = item("Ouvrir des points d'accueil")
    assert tracked.dossier == DossierPage.objects.get(slug="numerique")
    assert tracked.theme == "Fracture numérique"
    assert tracked.territory.slug == "region"
    assert [college.slug for college in tracked.colleges.all()] == ["acteurs-formation"]
    assert tracked.source_date.isoformat() == "2023-03-01"
    assert tracked.status == Status.PROPOSEE


def test_rewording_a_preconisation_keeps_its_item_and_timeline(site):
    tracked = item("Ouvrir des points d'accueil")
    TimelineEntry.objects.create(item=tracked, date="2024-01-01", text="Premier échange")
    body = raw_body(contribution())
    block = next(block for block in body if block["type"] == "preconisation")
    block["value"]["title"] = "Ouvrir des lieux d'accueil"
    publish_body(contribution(), body)
    tracked.refresh_from_db()
    assert tracked.title == "Ouvrir des lieux d'accueil"
    assert tracked.entries.get().text == "Premier échange"
    assert TrackedItem.objects.filter(contribution=contribution()).count() == 2


def test_reordering_the_blocks_keeps_each_item(site):
    before = dict(TrackedItem.objects.values_list("block_id", "pk"))
    publish_body(contribution(), list(reversed(raw_body(contribution()))))
    assert dict(TrackedItem.objects.values_list("block_id", "pk")) == before


def test_a_draft_does_not_change_the_items(site):
    page = ContributionPage.objects.get(pk=contribution().pk)
    page.body = []
    page.save_revision()
    assert not TrackedItem.objects.filter(archived_at__isnull=False).exists()


def test_removing_a_block_archives_its_item_without_losing_it(site):
    tracked = item("Former les agents")
    TimelineEntry.objects.create(item=tracked, date="2024-01-01", text="Déjà commencé")
    publish_body(contribution(), without(raw_body(contribution()), "Former les agents"))
    tracked.refresh_from_db()
    assert tracked.is_archived
    assert tracked.entries.count() == 1


def test_restoring_an_older_revision_brings_the_archived_item_back(site):
    tracked = item("Former les agents")
    page = contribution()
    older = page.get_latest_revision()
    publish_body(page, without(raw_body(page), "Former les agents"))
    older.publish()
    tracked.refresh_from_db()
    assert not tracked.is_archived
    assert TrackedItem.objects.filter(title="Former les agents").count() == 1


def test_resync_creates_missing_items_and_changes_nothing_the_second_time(site):
    item("Former les agents").delete()
    first = sync_all()
    second = sync_all()
    assert first.created == 1
    assert (second.created, second.archived, second.restored) == (0, 0, 0)
    assert TrackedItem.objects.count() == 3


def test_resync_command_reports_what_it_did(site, capsys):
    item("Former les agents").delete()
    call_command("sync_preconisations")
    assert "1 créée(s)" in capsys.readouterr().out


# ---------------------------------------------------------------------------
# Visibility: the source contribution decides, on every surface


def board_text(client, query: str = "") -> str:
    return client.get(board().url + query).content.decode()


def test_another_college_does_not_see_a_college_only_item_on_the_board(client, site):
    client.force_login(site["formation"])
    text = board_text(client)
    assert "Ouvrir des points d" in text
    assert SECRET not in text


def test_another_college_gets_a_404_on_a_college_only_item_page(client, site):
    client.force_login(site["formation"])
    assert client.get(item_url(item(SECRET))).status_code == 404


def test_another_college_does_not_get_a_college_only_item_in_the_csv(client, site):
    client.force_login(site["formation"])
    response = client.get(board().url + "export/csv/")
    assert response.status_code == 200
    assert SECRET not in response.content.decode("utf-8-sig")


def test_another_college_does_not_see_a_college_only_item_on_the_dossier(client, site):
    client.force_login(site["formation"])
    text = client.get(DossierPage.objects.get(slug="numerique").url).content.decode()
    assert "Suivi des préconisations" in text
    assert f'/preconisations/{item(SECRET).pk}/"' not in text


def test_another_college_may_not_act_on_a_college_only_item(client, site):
    client.force_login(site["ref-af"])
    assert update(client, item(SECRET), status="retenue").status_code == 404
    assert client.post(item_url(item(SECRET)) + "soutenir/").status_code == 404
    assert item(SECRET).status == Status.PROPOSEE


def test_the_originating_college_sees_its_item_on_the_board_and_its_page(client, site):
    client.force_login(site["pa"])
    assert SECRET in board_text(client)
    assert client.get(item_url(item(SECRET))).status_code == 200


def test_anonymous_readers_see_only_public_items(client, site):
    assert SECRET not in board_text(client)
    assert client.get(item_url(item(SECRET))).status_code == 404
    assert client.get(item_url(item("Former les agents"))).status_code == 200


def test_coordination_sees_every_item(client, site):
    client.force_login(site["coord"])
    assert SECRET in board_text(client)


def test_an_unpublished_contribution_hides_its_items(client, site):
    contribution().unpublish()
    assert "Former les agents" not in board_text(client)
    assert client.get(item_url(item("Former les agents"))).status_code == 404


def test_a_restricted_evidence_page_is_not_shown_to_who_may_not_see_it(client, site):
    tracked = item("Former les agents")
    TimelineEntry.objects.create(
        item=tracked, date="2024-01-01", text="Voir cet atelier", evidence_page=contribution("pa")
    )
    client.force_login(site["formation"])
    text = client.get(item_url(tracked)).content.decode()
    assert "Voir cet atelier" in text
    assert "Paroles entre pairs" not in text


# ---------------------------------------------------------------------------
# Who may change what


def test_a_referent_of_an_originating_college_moves_the_status_with_a_timeline_entry(client, site):
    tracked = item(SECRET)
    client.force_login(site["ref-pa"])
    response = update(client, tracked, status="en_cours", progress=30, text="Un groupe est lancé")
    assert response.status_code == 302
    tracked.refresh_from_db()
    assert (tracked.status, tracked.progress) == (Status.EN_COURS, 30)
    entry = tracked.entries.get()
    assert entry.author == site["ref-pa"]
    assert entry.text == "Un groupe est lancé"
    assert {"label": "État", "before": "Proposée", "after": "En cours"}.items() <= (
        entry.changes[0].items()
    )


def test_the_timeline_shows_the_change_on_the_item_page(client, site):
    tracked = item(SECRET)
    client.force_login(site["ref-pa"])
    update(client, tracked, status="retenue", text="Retenue en plénière")
    client.force_login(site["pa"])
    text = client.get(item_url(tracked)).content.decode()
    assert "Proposée → Retenue" in text
    assert "Retenue en plénière" in text


def test_a_referent_of_another_college_may_not_change_the_status(client, site):
    tracked = item("Former les agents")  # from acteurs-formation, public
    client.force_login(site["ref-pa"])
    assert update(client, tracked, status="retenue").status_code == 403
    tracked.refresh_from_db()
    assert tracked.status == Status.PROPOSEE


def test_a_plain_member_may_not_change_the_status(client, site):
    client.force_login(site["formation"])
    assert update(client, item("Former les agents"), status="retenue").status_code == 403


def test_coordination_may_change_any_visible_item(client, site):
    client.force_login(site["coord"])
    assert update(client, item(SECRET), status="retenue").status_code == 302
    assert item(SECRET).status == Status.RETENUE


def test_a_closing_status_without_a_reason_is_refused_and_changes_nothing(client, site):
    tracked = item("Former les agents")
    client.force_login(site["ref-af"])
    response = update(client, tracked, status="abandonnee")
    assert response.status_code == 400
    assert "Indiquez le motif" in response.content.decode()
    tracked.refresh_from_db()
    assert tracked.status == Status.PROPOSEE
    assert not tracked.entries.exists()


def test_a_progress_beyond_100_is_refused_with_a_message(client, site):
    client.force_login(site["ref-af"])
    response = update(client, item("Former les agents"), progress=150)
    assert response.status_code == 400
    assert item("Former les agents").progress == 0


def test_a_date_to_come_is_refused(client, site):
    client.force_login(site["ref-af"])
    response = update(client, item("Former les agents"), text="Plus tard", date="2999-01-01")
    assert response.status_code == 400
    assert not TimelineEntry.objects.exists()


def test_a_carrier_adds_a_timeline_entry(client, site):
    tracked = item("Former les agents")
    tracked.carrier_organisations.add(site["porteur"].member.organisation)
    client.force_login(site["porteur"])
    response = client.post(
        item_url(tracked) + "etape/", {"date": "2025-02-01", "text": "Première session tenue"}
    )
    assert response.status_code == 302
    assert tracked.entries.get().author == site["porteur"]


def test_a_carrier_may_not_change_the_status(client, site):
    tracked = item("Former les agents")
    tracked.carrier_members.add(site["porteur"].member)
    client.force_login(site["porteur"])
    assert update(client, tracked, status="realisee", status_reason="Fait").status_code == 403


def test_a_member_who_carries_nothing_may_not_add_an_entry(client, site):
    client.force_login(site["formation"])
    response = client.post(
        item_url(item("Former les agents")) + "etape/", {"date": "2025-02-01", "text": "Hop"}
    )
    assert response.status_code == 403


def test_every_change_is_in_the_audit_log(client, site):
    tracked = item("Former les agents")
    assert ModelLogEntry.objects.for_instance(tracked).filter(action="followup.created").exists()
    client.force_login(site["ref-af"])
    update(client, tracked, status="retenue", progress=10)
    entry = ModelLogEntry.objects.for_instance(tracked).get(action="followup.updated")
    assert entry.user == site["ref-af"]
    assert entry.message == "Modifié\u00a0: État, Avancement"


def test_archiving_is_in_the_audit_log(site):
    tracked = item("Former les agents")
    publish_body(contribution(), without(raw_body(contribution()), "Former les agents"))
    assert ModelLogEntry.objects.for_instance(tracked).filter(action="followup.archived").exists()


def test_the_admin_history_does_not_name_a_college_only_item_to_another_college(client, site):
    client.force_login(site["ref-pa"])
    update(client, item(SECRET), status="retenue", progress=10)
    client.force_login(site["ref-af"])
    response = client.get("/admin/reports/site-history/")
    assert response.status_code == 200
    assert SECRET not in response.content.decode()


# ---------------------------------------------------------------------------
# The board


def set_status(title: str, status: str, progress: int = 0) -> None:
    TrackedItem.objects.filter(title=title).update(status=status, progress=progress)


def test_the_board_counts_visible_items_per_status(client, site):
    set_status("Former les agents", Status.EN_COURS)
    set_status(SECRET, Status.EN_COURS)
    client.force_login(site["formation"])
    response = client.get(board().url)
    counts = {value: count for value, _, count in response.context["status_counts"]}
    assert counts[Status.EN_COURS] == 1
    assert counts[Status.PROPOSEE] == 1


def test_the_board_filters_by_status(client, site):
    set_status("Former les agents", Status.REALISEE)
    text = board_text(client, "?etat=realisee")
    assert "Former les agents" in text
    assert "Ouvrir des points d" not in text


def test_the_board_filters_by_college_year_and_carrier(client, site):
    client.force_login(site["coord"])
    assert SECRET not in board_text(client, "?college=acteurs-formation")
    assert SECRET in board_text(client, "?annee=2024")
    assert "Former les agents" not in board_text(client, "?annee=2024")
    item("Former les agents").carrier_organisations.add(site["porteur"].member.organisation)
    text = board_text(client, "?porteur=centre")
    assert "Former les agents" in text
    assert "Ouvrir des points d" not in text


def test_an_unknown_filter_is_ignored_and_said_so(client, site):
    response = client.get(board().url + "?etat=perdu&annee=abc&tri=hasard")
    assert response.status_code == 200
    assert "Un filtre inconnu a été ignoré" in response.content.decode()
    assert response.context["item_count"] == 2


def test_the_board_sorts_by_progress(client, site):
    set_status("Former les agents", Status.EN_COURS, progress=80)
    set_status("Ouvrir des points d'accueil", Status.EN_COURS, progress=20)
    response = client.get(board().url + "?tri=progress_asc")
    titles = [tracked.title for tracked in response.context["items"]]
    assert titles == ["Ouvrir des points d'accueil", "Former les agents"]


def test_archived_items_are_listed_only_when_asked(client, site):
    publish_body(contribution(), without(raw_body(contribution()), "Former les agents"))
    assert "Former les agents" not in board_text(client)
    assert "Former les agents" in board_text(client, "?archives=1")


def test_the_csv_holds_the_filtered_board_formula_safe(client, site):
    TrackedItem.objects.filter(title="Former les agents").update(title="=SOMME(A1)")
    response = client.get(board().url + "export/csv/?etat=proposee")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Préconisation"
    assert sorted(row[0] for row in rows[1:]) == ["'=SOMME(A1)", "Ouvrir des points d'accueil"]


def board_workbook(client, query: str = ""):
    response = client.get(board().url + "export/xlsx/" + query)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    return load_workbook(io.BytesIO(response.content)).active


def test_the_xlsx_holds_the_filtered_board_formula_safe(client, site):
    TrackedItem.objects.filter(title="Former les agents").update(title="=SOMME(A1)")
    sheet = board_workbook(client, "?etat=proposee")
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Préconisation"
    assert sorted(row[0] for row in rows[1:]) == ["'=SOMME(A1)", "Ouvrir des points d'accueil"]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_the_xlsx_keeps_progress_a_number(client, site):
    TrackedItem.objects.filter(title="Former les agents").update(progress=40)
    rows = list(board_workbook(client).iter_rows(values_only=True))
    progress = rows[0].index("Avancement (%)")
    assert {row[0]: row[progress] for row in rows[1:]}["Former les agents"] == 40


def test_another_college_does_not_get_a_college_only_item_in_the_xlsx(client, site):
    client.force_login(site["formation"])
    titles = [row[0] for row in board_workbook(client).iter_rows(values_only=True)]
    assert "Ouvrir des points d'accueil" in titles
    assert SECRET not in titles


def dossier_pdf(client) -> PdfReader:
    response = client.get(
        f"/preconisations/dossiers/{DossierPage.objects.get(slug='numerique').pk}/suivi.pdf"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def pdf_text(reader: PdfReader) -> str:
    # Lines wrap where the page ends them: compare words, not lines.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_dossier_follow_up_pdf_is_tagged_in_french_and_titled(client, site):
    reader = dossier_pdf(client)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert str(root["/Lang"]).startswith("fr")
    assert reader.metadata.title == "Suivi des préconisations — Dossier numérique"


def test_the_dossier_follow_up_pdf_tells_each_item_and_its_timeline(client, site):
    update_item(item("Former les agents"), site["ref-af"], {"status": Status.RETENUE},
                text="Retenue en comité de pilotage.")  # fmt: skip
    text = pdf_text(dossier_pdf(client))
    assert "Ouvrir des points d" in text
    assert "Retenue en comité de pilotage." in text


def test_another_college_does_not_get_a_college_only_item_in_the_dossier_pdf(client, site):
    client.force_login(site["formation"])
    text = pdf_text(dossier_pdf(client))
    assert "Ouvrir des points d" in text
    assert SECRET not in text


def test_the_originating_college_gets_its_college_only_item_in_the_dossier_pdf(client, site):
    client.force_login(site["ref-pa"])
    assert SECRET in pdf_text(dossier_pdf(client))


def test_the_pdf_of_a_missing_dossier_is_a_404(client, site):
    assert client.get("/preconisations/dossiers/999999/suivi.pdf").status_code == 404


def _many_items(count: int) -> None:
    page = contribution()
    body = raw_body(page)
    for index in range(count):
        body.append({"type": "preconisation", "value": {"title": f"Extra {index}",
                                                        "description": ""}})  # fmt: skip
    publish_body(page, body)


def _board_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(board().url + "?tri=progress").status_code == 200
    return len(queries)


def test_the_board_query_count_does_not_grow_with_the_items(client, site):
    client.force_login(site["coord"])
    _board_queries(client)  # the first request of a site writes its settings row
    _many_items(2)
    small = _board_queries(client)
    _many_items(15)
    large = _board_queries(client)
    assert TrackedItem.objects.count() > 15
    assert large == small


# ---------------------------------------------------------------------------
# Endorsements and links


def test_a_member_endorses_an_item_once(client, site):
    tracked = item("Former les agents")
    client.force_login(site["deux"])
    client.post(item_url(tracked) + "soutenir/")
    response = client.post(item_url(tracked) + "soutenir/", follow=True)
    assert Endorsement.objects.filter(item=tracked).count() == 1
    assert "Vous soutenez déjà" in response.content.decode()


def test_endorsements_are_counted_by_college(client, site):
    tracked = item("Former les agents")
    for name in ("deux", "pa", "formation"):
        client.force_login(site[name])
        client.post(item_url(tracked) + "soutenir/")
    text = client.get(item_url(tracked)).content.decode()
    assert "Personnes accompagnées\u00a0: 2" in text
    assert "Acteurs de la formation\u00a0: 1" in text
    assert "Collectivités territoriales\u00a0: 1" in text


def test_anonymous_readers_may_not_endorse(client, site):
    response = client.post(item_url(item("Former les agents")) + "soutenir/")
    assert response.status_code == 302
    assert "/connexion/" in response["Location"]
    assert not Endorsement.objects.exists()


def test_the_contribution_page_links_to_its_items(client, site):
    text = client.get(contribution().url).content.decode()
    assert f'href="/preconisations/{item("Former les agents").pk}/"' in text


def dossier_text(client, user=None) -> str:
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(DossierPage.objects.get(slug="numerique").url).content.decode()


def test_the_dossiers_followup_of_one_audience_never_reaches_another(client, site):
    secret_link = f'href="/preconisations/{item(SECRET).pk}/"'
    public_link = f'href="/preconisations/{item("Former les agents").pk}/"'
    # The block is kept per audience (cms.audience): each reader after the first would
    # get the previous one's copy if the audiences were confused.
    assert secret_link in dossier_text(client, site["pa"])
    assert secret_link not in dossier_text(client, site["formation"])
    assert secret_link not in dossier_text(client)
    assert secret_link in dossier_text(client, site["pa"])
    assert public_link in dossier_text(client, site["formation"])


def test_a_changed_status_shows_on_the_dossier_after_the_change(
    client, site, django_capture_on_commit_callbacks
):
    dossier_text(client, site["pa"])  # the block is now kept for this audience
    tracked = item("Former les agents")
    new_status = Status.RETENUE if tracked.status != Status.RETENUE else Status.EN_COURS
    with django_capture_on_commit_callbacks(execute=True):
        tracked.status = new_status
        tracked.save()
    shown = (
        rf'href="/preconisations/{tracked.pk}/">[^<]*</a> — '
        r'<span class="status-badge status--(\w+)"'
    )
    assert re.search(shown, dossier_text(client, site["pa"])).group(1) == new_status


def test_the_item_page_links_to_its_contribution_dossier_and_board(client, site):
    text = client.get(item_url(item("Former les agents"))).content.decode()
    assert f'href="{contribution().url}"' in text
    assert f'href="{DossierPage.objects.get(slug="numerique").url}"' in text
    assert f'href="{board().url}"' in text


def test_the_update_form_fills_the_date_picker_with_an_iso_date(client, site):
    client.force_login(site["ref-af"])
    text = client.get(item_url(item("Former les agents"))).content.decode()
    today = timezone.localdate().isoformat()
    assert f'type="date" name="date" value="{today}"' in text


def test_a_board_is_placed_under_a_convention_only(site):
    assert FollowupBoardPage.can_create_at(ConventionPage.objects.get(slug="c"))
    assert not FollowupBoardPage.can_create_at(DossierPage.objects.get(slug="numerique"))


def test_status_counts_read_as_french_plurals():
    from cms.followup.board import counted

    assert [counted("Proposée", 1), counted("Proposée", 3), counted("En cours", 2)] == [
        "proposée",
        "proposées",
        "en cours",
    ]


@pytest.mark.parametrize(
    "query",
    ["?annee=%C2%B2", "?annee=99999999999999999999", "?theme=a%00b", "?territoire=%00",
     "?college=%E2%82%AC", "?page=-1", "?porteur=x&tri=&etat="],
)  # fmt: skip
def test_odd_filter_values_answer_the_board_not_an_error(client, site, query):
    assert client.get(board().url + query).status_code == 200
    assert client.get(board().url + "export/csv/" + query).status_code == 200
