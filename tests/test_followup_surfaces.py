"""Préconisations (issue 15) on every surface, for the four readers the access rule knows.

A préconisation is seen by whoever may see its source contribution (``cms.access``):
here a public one, and one from a contribution of the « personnes accompagnées »
college. Each surface — the board, the item page, the CSV and XLSX of the board, the
dossier's PDF, search, the feeds, the JSON API — is asked by an anonymous reader, a
member of the originating college, a member of another college and coordination.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from django.test import TestCase
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from cms.followup.models import Status, TrackedItem
from cms.followup.services import add_entry, update_item
from cms.models import ContributionPage
from cms.notifications.tokens import regenerate_feed_token
from cms.visibility import Visibility, set_visibility
from tests.conftest import COLLEGES, PEOPLE, load, rolled_back, users_by_name
from tests.followup_helpers import BOARD, board, item, numerique_tree
from tests.pages import contribution, pa_contribution

ATOM = "{http://www.w3.org/2005/Atom}"

PUBLIC_ITEM = "Ouvrir un guichet sans rendez-vous"
SECRET_ITEM = "Garder un guichet tenu par des pairs"

# Each préconisation moved to « retenue », then « en cours »: both are status changes.
STEPS = [
    {"date": "2024-02-01", "status": "retenue", "text": "Retenue en plénière."},
    {"date": "2024-06-01", "status": "en_cours", "progress": 30, "text": "Premiers essais."},
]

TREE = numerique_tree(
    contribution(
        "pub",
        "Atelier ouvert à tous",
        "2023-03-01",
        colleges=["acteurs-formation"],
        preconisations=[{"key": "accueil", "title": PUBLIC_ITEM, "followup": {"timeline": STEPS}}],
    ),
    pa_contribution(
        "pa",
        "Paroles entre pairs",
        "2023-05-02",
        preconisations=[{"key": "guichet", "title": SECRET_ITEM, "followup": {"timeline": STEPS}}],
    ),
    beside=(BOARD,),
)

# Who sees the college-only préconisation: its college and coordination, nobody else.
READERS = {"anonyme": False, "pa": True, "formation": False, "coord": True}


@pytest.fixture(scope="module")
def surfaces_site(django_db_setup, django_db_blocker):
    """The people and the tree, loaded once for the module and rolled back after it."""
    with rolled_back(django_db_blocker):
        # The module's transaction never commits: run what a commit runs (indexing).
        with TestCase.captureOnCommitCallbacks(execute=True):
            load({"colleges": COLLEGES})
            load(PEOPLE)
            load(TREE)
        yield


@pytest.fixture
def site(surfaces_site, db):
    return users_by_name()


@pytest.fixture(params=list(READERS), ids=list(READERS))
def reader(request, site, client):
    """(client logged in as the reader, the reader or None, whether they see the secret)."""
    name = request.param
    user = None if name == "anonyme" else site[name]
    if user is not None:
        client.force_login(user)
    return client, user, READERS[name]


def shows(content: str) -> tuple[bool, bool]:
    """(the public item is shown, the secret one is shown)."""
    return PUBLIC_ITEM in content, SECRET_ITEM in content


def entry_titles(response) -> list[str]:
    """The Atom document parsed back (a malformed feed fails here)."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    return [entry.findtext(f"{ATOM}title") or "" for entry in root.findall(f"{ATOM}entry")]


def titles_shown(titles: list[str]) -> tuple[bool, bool]:
    return shows("\n".join(titles))


# --- the pages ----------------------------------------------------------------


def test_the_board_lists_the_secret_item_only_to_who_may_see_it(reader):
    client, _user, sees = reader
    response = client.get(board().url)
    assert response.status_code == 200
    assert shows(response.content.decode()) == (True, sees)


def test_the_item_page_of_the_secret_item_is_a_404_to_who_may_not_see_it(reader):
    client, _user, sees = reader
    response = client.get(f"/preconisations/{item(SECRET_ITEM).pk}/")
    assert response.status_code == (200 if sees else 404)
    assert (SECRET_ITEM in response.content.decode()) is sees


def test_the_public_item_page_is_open_to_everyone(reader):
    client, _user, _sees = reader
    assert client.get(f"/preconisations/{item(PUBLIC_ITEM).pk}/").status_code == 200


# --- the exports ----------------------------------------------------------------


def test_the_board_csv_has_the_secret_item_only_for_who_may_see_it(reader):
    client, _user, sees = reader
    response = client.get(board().url + "export/csv/")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert shows("\n".join(row[0] for row in rows[1:])) == (True, sees)


def test_the_board_xlsx_has_the_secret_item_only_for_who_may_see_it(reader):
    client, _user, sees = reader
    response = client.get(board().url + "export/xlsx/")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert shows("\n".join(cells)) == (True, sees)


def test_the_dossier_pdf_has_the_secret_item_only_for_who_may_see_it(reader):
    client, _user, sees = reader
    dossier_page = item(PUBLIC_ITEM).dossier
    response = client.get(f"/preconisations/dossiers/{dossier_page.pk}/suivi.pdf")
    assert response.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert shows(" ".join(text.split())) == (True, sees)


# --- search ---------------------------------------------------------------------


def test_search_finds_the_secret_item_only_for_who_may_see_it(reader):
    client, _user, sees = reader
    data = client.get("/api/search/", {"q": "guichet"}).json()
    items = [hit["title"] for hit in data["results"] if hit["type"] == "followup"]
    assert titles_shown(items) == (True, sees)


def test_the_status_facet_counts_only_the_items_the_reader_sees(reader):
    client, _user, sees = reader
    data = client.get("/api/search/", {"q": "guichet"}).json()
    counts = {value["value"]: value["count"] for value in data["facets"].get("status", [])}
    assert counts == {Status.EN_COURS.value: 2 if sees else 1}


# --- the feeds -------------------------------------------------------------------


def test_the_boards_public_feed_never_has_the_secret_item(reader):
    client, _user, _sees = reader
    titles = entry_titles(client.get(f"/flux/preconisations/{board().pk}/"))
    assert titles_shown(titles) == (True, False)
    assert f"{PUBLIC_ITEM} : Retenue → En cours" in titles


@pytest.mark.parametrize("name", ["pa", "formation", "coord"])
def test_a_private_board_feed_has_the_secret_item_only_for_who_may_see_it(client, site, name):
    # The address alone opens it: no session.
    token = regenerate_feed_token(site[name])
    titles = entry_titles(client.get(f"/flux/prive/{token}/preconisations/{board().pk}/"))
    assert titles_shown(titles) == (True, READERS[name])


# --- the JSON API -----------------------------------------------------------------


def test_the_api_lists_the_secret_item_only_for_who_may_see_it(reader):
    client, _user, sees = reader
    data = client.get("/api/preconisations/", {"tableau": board().pk}).json()
    assert titles_shown([result["title"] for result in data["results"]]) == (True, sees)
    assert data["count"] == (2 if sees else 1)


def test_the_api_detail_of_the_secret_item_is_a_404_to_who_may_not_see_it(reader):
    client, _user, sees = reader
    response = client.get(f"/api/preconisations/{item(SECRET_ITEM).pk}/")
    assert response.status_code == (200 if sees else 404)
    assert (SECRET_ITEM in response.content.decode()) is sees


# --- what the feeds and the API say, and how they refuse ------------------------------


def test_the_boards_feed_dates_each_change_by_its_step(client, site):
    root = ET.fromstring(client.get(f"/flux/preconisations/{board().pk}/").content)
    entries = {entry.findtext(f"{ATOM}title"): entry for entry in root.findall(f"{ATOM}entry")}
    started = entries[f"{PUBLIC_ITEM} : Retenue → En cours"]
    assert started.findtext(f"{ATOM}published").startswith("2024-06-01T00:00:00")
    assert started.findtext(f"{ATOM}updated") >= started.findtext(f"{ATOM}published")
    assert started.findtext(f"{ATOM}summary") == "Premiers essais."
    link = started.find(f"{ATOM}link").get("href")
    assert link.endswith(f"/preconisations/{item(PUBLIC_ITEM).pk}/#historique")


def test_a_step_without_a_change_of_status_is_not_in_the_feed(client, site):
    tracked = item(PUBLIC_ITEM)
    add_entry(tracked, site["coord"], text="Une réunion de plus.")
    update_item(tracked, site["coord"], {"progress": 60}, text="Avance bien.")
    summaries = [
        entry.findtext(f"{ATOM}summary")
        for entry in ET.fromstring(
            client.get(f"/flux/preconisations/{board().pk}/").content
        ).findall(f"{ATOM}entry")
    ]
    assert "Une réunion de plus." not in summaries
    assert "Avance bien." not in summaries


def test_a_closing_change_gives_its_reason_in_the_feed(client, site):
    values = {"status": Status.REALISEE, "status_reason": "Ouvert à Toulon.", "progress": 100}
    update_item(item(PUBLIC_ITEM), site["coord"], values, text="Fait.")
    root = ET.fromstring(client.get(f"/flux/preconisations/{board().pk}/").content)
    first = root.find(f"{ATOM}entry")
    assert first.findtext(f"{ATOM}title") == f"{PUBLIC_ITEM} : En cours → Réalisée"
    assert first.findtext(f"{ATOM}summary") == "Fait.\n\nMotif : Ouvert à Toulon."


def test_an_archived_item_leaves_the_feed_and_the_api(client, site):
    TrackedItem.objects.filter(title=PUBLIC_ITEM).update(archived_at=timezone.now())
    titles = entry_titles(client.get(f"/flux/preconisations/{board().pk}/"))
    assert titles_shown(titles) == (False, False)
    assert client.get("/api/preconisations/").json()["count"] == 0


def test_the_boards_public_feed_is_shared_and_revalidated(client, site):
    url = f"/flux/preconisations/{board().pk}/"
    first = client.get(url)
    assert "public" in first["Cache-Control"]
    assert not first.cookies
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_a_private_board_feed_stays_out_of_shared_caches(client, site):
    token = regenerate_feed_token(site["pa"])
    response = client.get(f"/flux/prive/{token}/preconisations/{board().pk}/")
    assert "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize(
    "url",
    [
        "/flux/prive/inconnu/preconisations/{board}/",
        "/flux/preconisations/999999/",
        "/flux/preconisations/{contribution}/",
    ],
)
def test_a_feed_of_no_board_or_an_unknown_token_is_not_found(client, site, url):
    ids = {"board": board().pk, "contribution": item(PUBLIC_ITEM).contribution_id}
    assert client.get(url.format(**ids)).status_code == 404


def test_the_feed_of_a_board_anonymous_readers_may_not_see_is_not_found(client, site):
    set_visibility(board(), Visibility.members())
    url = f"/flux/preconisations/{board().pk}/"
    assert client.get(url).status_code == 404
    token = regenerate_feed_token(site["pa"])
    private = client.get(f"/flux/prive/{token}/preconisations/{board().pk}/")
    assert titles_shown(entry_titles(private)) == (True, True)


def test_the_api_filters_by_status_and_dossier(client, site):
    update_item(item(PUBLIC_ITEM), site["coord"], {"status": Status.RETENUE})
    dossier_id = item(PUBLIC_ITEM).dossier_id
    client.force_login(site["pa"])
    data = client.get("/api/preconisations/", {"dossier": dossier_id, "etat": "en_cours"}).json()
    assert [result["title"] for result in data["results"]] == [SECRET_ITEM]
    assert data["results"][0]["status_label"] == "En cours"
    assert data["results"][0]["progress"] == 30


def test_the_api_detail_gives_the_timeline_oldest_last(client, site):
    data = client.get(f"/api/preconisations/{item(PUBLIC_ITEM).pk}/").json()
    assert [step["date"] for step in data["timeline"]] == ["2024-06-01", "2024-02-01"]
    assert data["timeline"][0]["changes"][0] == {
        "field": "status",
        "label": "État",
        "before": "Retenue",
        "after": "En cours",
    }


def test_the_api_names_restricted_evidence_only_to_who_may_open_it(client, site):
    secret_page = ContributionPage.objects.get(slug="pa")
    add_entry(item(PUBLIC_ITEM), site["coord"], text="Voir aussi.", evidence_page=secret_page)
    url = f"/api/preconisations/{item(PUBLIC_ITEM).pk}/"
    assert client.get(url).json()["timeline"][0]["evidence"] is None
    assert "Paroles entre pairs" not in client.get(url).content.decode()
    client.force_login(site["pa"])
    evidence = client.get(url).json()["timeline"][0]["evidence"]
    assert evidence == {"title": "Paroles entre pairs", "url": secret_page.url}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        pytest.param({"etat": "terminee"}, "« etat »", id="unknown-status"),
        pytest.param({"tri": "hasard"}, "« tri »", id="unknown-sort"),
        pytest.param({"tableau": "abc"}, "« tableau »", id="board-not-a-number"),
        pytest.param({"dossier": "-3"}, "« dossier »", id="negative-dossier"),
        pytest.param({"page": "0"}, "« page »", id="page-zero"),
        pytest.param({"page": "99"}, "n'existe pas", id="page-past-the-end"),
    ],
)
def test_the_api_answers_bad_parameters_with_a_french_400(client, site, query, message):
    response = client.get("/api/preconisations/", query)
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_the_api_hides_a_board_or_dossier_the_reader_may_not_see(client, site):
    set_visibility(board(), Visibility.colleges(["acteurs-formation"]))
    response = client.get("/api/preconisations/", {"tableau": board().pk})
    assert response.status_code == 404
    assert response.json()["error"] == "Tableau de suivi introuvable."
    assert client.get("/api/preconisations/", {"dossier": 999999}).status_code == 404


def test_the_api_detail_of_a_missing_item_is_a_404(client, site):
    response = client.get("/api/preconisations/999999/")
    assert response.status_code == 404
    assert response.json() == {"error": "Préconisation introuvable."}


def test_a_public_board_announces_and_links_its_feed(client, site):
    url = f"/flux/preconisations/{board().pk}/"
    html = client.get(board().url).content.decode()

    assert f'<link rel="alternate" type="application/atom+xml" href="{url}"' in html
    assert f'<a href="{url}" type="application/atom+xml">' in html


def test_a_board_for_members_announces_no_feed(client, site):
    set_visibility(board(), Visibility.members())
    client.force_login(site["pa"])

    html = client.get(board().url).content.decode()

    assert "/flux/preconisations/" not in html
