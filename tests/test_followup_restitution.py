"""The annual restitution (issue 15, item 6): content per audience, participation, the task,
the kept files and who may reach them."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader
from wagtail.models import ModelLogEntry

from cms.followup import restitution
from cms.followup.models import RestitutionReport, Status, TimelineEntry
from cms.followup.restitution import collect, participation_by_college, reader_for
from cms.followup.restitution_odt import MIMETYPE
from cms.meetings.models import Registration
from cms.models import ConventionPage, DossierPage, EventPage
from members.models import Member, Organisation
from tests.conftest import COLLEGES, load, rolled_back, users_by_name
from tests.followup_helpers import item, numerique_tree
from tests.pages import PA_COLLEGE, contribution, pa_contribution

YEAR = 2024
PUBLIC_ITEM = "Ouvrir des points d'accueil"
MEMBERS_ITEM = "Réserver un créneau aux membres"
COLLEGE_ITEM = "Garder un guichet humain"
OLD_FOLLOWED = "Former les agents d'accueil"  # born in 2022, followed up in 2024
OLD_QUIET = "Traduire les courriers"  # born in 2022, nothing in 2024
PUBLIC_MEETING = "Atelier ouvert de printemps"
MEMBERS_MEETING = "Plénière des membres"
COLLEGE_MEETING = "Réunion entre pairs"
# Every person has a name: none may appear in a report.
USERS = [
    {"username": "pa", "first_name": "Josiane", "last_name": "Béranger",
     "colleges": ["personnes-accompagnees"], "roles": ["member"]},
    {"username": "formation", "first_name": "Marcel", "last_name": "Quintard",
     "colleges": ["acteurs-formation"], "roles": ["member"]},
    {"username": "deux", "first_name": "Ophélie", "last_name": "Vasseur",
     "colleges": ["personnes-accompagnees", "collectivites-territoriales"], "roles": ["member"]},
    {"username": "coord", "first_name": "Bertrand", "last_name": "Lamarque",
     "colleges": ["acteurs-formation"], "roles": ["member", "coordination"]},
    {"username": "ref-pa", "first_name": "Rosalie", "last_name": "Dufresnoy",
     "colleges": ["personnes-accompagnees"], "roles": ["member", "referent"]},
    {"username": "porteur", "first_name": "Gaston", "last_name": "Pellerin",
     "colleges": ["acteurs-formation"], "organisation": "centre", "roles": ["member"]},
    {"username": "sans-college", "first_name": "Irène", "last_name": "Tassigny"},
]  # fmt: skip

TREE = numerique_tree(
    contribution(
        "pub", "Atelier ouvert à tous", "2024-03-01", colleges=["acteurs-formation"],
        authors=["formation"],
        preconisations=[{"title": PUBLIC_ITEM, "description": "Au plus près."}],
    ),
    contribution(
        "membres", "Synthèse pour les membres", "2024-04-01", colleges=["acteurs-formation"],
        visibility="members", preconisations=[{"title": MEMBERS_ITEM, "description": ""}],
    ),
    pa_contribution(
        "pa", "Paroles entre pairs", "2024-05-02",
        preconisations=[{"title": COLLEGE_ITEM, "description": "Réservé."}],
    ),
    contribution(
        "ancienne", "Atelier de 2022", "2022-10-01", colleges=["acteurs-formation"],
        preconisations=[{"title": OLD_FOLLOWED, "description": ""},
                        {"title": OLD_QUIET, "description": ""}],
    ),
    beside=(
        {"type": "event_index", "slug": "rencontres", "title": "Rencontres", "children": [
            {"type": "event", "slug": "printemps", "title": PUBLIC_MEETING,
             "start": "2024-04-10T14:00:00+02:00", "speakers": ["Marcel Quintard"]},
            {"type": "event", "slug": "pleniere", "title": MEMBERS_MEETING,
             "start": "2024-09-12T10:00:00+02:00", "visibility": "members"},
            {"type": "event", "slug": "pairs", "title": COLLEGE_MEETING,
             "start": "2024-11-05T10:00:00+01:00", "visibility": PA_COLLEGE},
            {"type": "event", "slug": "avant", "title": "Rencontre de 2023",
             "start": "2023-06-01T10:00:00+02:00"},
        ]},
    ),
    convention={"title": "Convention régionale", "territory": "region"},
    other_pages=({"type": "convention", "slug": "vide", "title": "Comité local sans activité"},),
    territories=[{"slug": "region", "name": "Région"}],
    organisations=[
        {"slug": "centre", "name": "Centre social des Lices", "college": "acteurs-formation"},
    ],
    users=[{**user, "password": "x-secret-1"} for user in USERS],
)  # fmt: skip


def _register(meeting_slug: str, username: str, status=Registration.Status.CONFIRMED) -> None:
    Registration.objects.create(
        event=EventPage.objects.get(slug=meeting_slug),
        user=users_by_name()[username],
        status=status,
        registered_at=timezone.now(),
    )


def fill_site() -> None:
    """The tree, the year's registrations and follow-up; the colleges are loaded already."""
    load(TREE)
    users = users_by_name()
    # Public meeting: pa, deux (two colleges), formation; coord waiting; porteur cancelled.
    for username in ("pa", "deux", "formation", "sans-college"):
        _register("printemps", username)
    _register("printemps", "coord", Registration.Status.WAITING)
    _register("printemps", "porteur", Registration.Status.CANCELLED)
    _register("pleniere", "pa")
    _register("pleniere", "formation")
    _register("pairs", "pa")
    _register("pairs", "ref-pa")
    _register("avant", "formation")
    public = item(PUBLIC_ITEM)
    public.status, public.progress = Status.EN_COURS, 40
    public.save()
    public.carrier_organisations.add(Organisation.objects.get(slug="centre"))
    public.carrier_members.add(Member.objects.get(user__username="porteur"))
    followed = item(OLD_FOLLOWED)
    followed.status = Status.RETENUE
    followed.save()
    TimelineEntry.objects.create(
        item=followed,
        date=date(YEAR, 6, 1),
        author=users["coord"],
        text="Rosalie Dufresnoy a porté la demande.",
        changes=[{"field": "status", "label": "État", "before": "Proposée", "after": "Retenue"}],
    )


@pytest.fixture(scope="module")
def restitution_data(django_db_setup, django_db_blocker):
    """The site, filled once for the module and rolled back after it."""
    with rolled_back(django_db_blocker):
        load({"colleges": COLLEGES})
        fill_site()
        yield


@pytest.fixture
def site(restitution_data, db):
    return users_by_name()


def convention() -> ConventionPage:
    return ConventionPage.objects.get(slug="c")


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def odt_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        root = ElementTree.fromstring(archive.read("content.xml"))
    return " ".join(root.itertext())


def flat(text: str) -> str:
    """Whitespace folded (PDF lines break anywhere) and typographic apostrophes plain."""
    return re.sub(r"\s+", " ", text).replace("’", "'")


def report_text(audience: str, kind: str) -> str:
    data = collect(convention(), YEAR, audience)
    if kind == "pdf":
        return flat(pdf_text(restitution.render_pdf(data)))
    from cms.followup.restitution_odt import restitution_odt

    return flat(odt_text(restitution_odt(data)))


# ---------------------------------------------------------------------------
# Content for each audience, parsed back


@pytest.mark.parametrize("kind", ["pdf", "odt"])
def test_the_public_report_holds_the_years_public_content(site, kind):
    text = report_text("public", kind)
    for expected in ("Restitution 2024 — Convention régionale", "Dossier numérique",
                     "Atelier ouvert à tous", PUBLIC_ITEM, "En cours", "avancement 40 %",
                     "Centre social des Lices", "1 personne", PUBLIC_MEETING, OLD_FOLLOWED,
                     "Le 1er juin 2024 : État : Proposée → Retenue"):  # fmt: skip
        assert expected in text, expected


@pytest.mark.parametrize("kind", ["pdf", "odt"])
def test_the_public_report_leaves_out_members_and_college_content(site, kind):
    text = report_text("public", kind)
    for restricted in (MEMBERS_ITEM, "Synthèse pour les membres", MEMBERS_MEETING,
                       COLLEGE_ITEM, "Paroles entre pairs", COLLEGE_MEETING):  # fmt: skip
        assert restricted not in text, restricted


@pytest.mark.parametrize("kind", ["pdf", "odt"])
def test_the_members_report_adds_members_content_but_never_a_colleges(site, kind):
    text = report_text("membres", kind)
    for expected in (PUBLIC_ITEM, MEMBERS_ITEM, "Synthèse pour les membres", MEMBERS_MEETING):
        assert expected in text, expected
    for restricted in (COLLEGE_ITEM, "Paroles entre pairs", COLLEGE_MEETING):
        assert restricted not in text, restricted


def test_only_the_years_items_and_meetings_are_reported(site):
    data = collect(convention(), YEAR, "membres")
    assert OLD_QUIET not in [row.item.title for row in data.items]
    assert "Rencontre de 2023" not in [meeting.title for meeting in data.meetings]
    listed = [page.title for section in data.dossiers for page in section.contributions]
    assert listed == ["Atelier ouvert à tous", "Synthèse pour les membres"]


def test_the_members_reader_is_made_up_and_sees_like_a_member_of_no_college(site):
    reader = reader_for("membres")
    assert reader.is_authenticated and not reader.is_superuser and reader.pk is None
    public = reader_for("public")
    assert not public.is_authenticated


@pytest.mark.parametrize("kind", ["pdf", "odt"])
@pytest.mark.parametrize("audience", ["public", "membres"])
def test_no_person_is_named_in_a_report(site, audience, kind):
    text = report_text(audience, kind)
    for user in USERS:
        assert user["first_name"] not in text and user["last_name"] not in text, user["username"]


def test_the_charts_are_svg_with_their_data_table_as_text_alternative(site):
    html = restitution.render_html(collect(convention(), YEAR, "public"))
    assert html.count("<svg") == 2
    for table_id in ("donnees-etats", "donnees-participation"):
        assert f'aria-describedby="{table_id}"' in html
        assert f'<table id="{table_id}">' in html
    assert "Préconisations par état en 2024" in html


def test_the_pdf_is_tagged_and_in_french(site):
    content = restitution.render_pdf(collect(convention(), YEAR, "public"))
    catalog = PdfReader(io.BytesIO(content)).trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "fr"


def test_the_odt_is_a_valid_opendocument_text(site):
    from cms.followup.restitution_odt import restitution_odt

    content = restitution_odt(collect(convention(), YEAR, "public"))
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype").decode() == MIMETYPE
        names = set(archive.namelist())
        assert {"content.xml", "styles.xml", "meta.xml", "META-INF/manifest.xml"} <= names
        manifest = archive.read("META-INF/manifest.xml").decode()
        for name in names - {"mimetype", "META-INF/manifest.xml"}:
            assert f'manifest:full-path="{name}"' in manifest
        content_xml = ElementTree.fromstring(archive.read("content.xml"))
        for name in names - {"mimetype", "content.xml"}:  # every other part is well-formed XML
            ElementTree.fromstring(archive.read(name))
    ns = {"text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
          "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0"}  # fmt: skip
    headings = [
        h.get(f"{{{ns['text']}}}outline-level") for h in content_xml.iterfind(".//text:h", ns)
    ]
    assert headings[0] == "1" and "2" in headings and "3" in headings
    assert content_xml.find(".//table:table-header-rows", ns) is not None


# ---------------------------------------------------------------------------
# Participation


def test_participation_counts_confirmed_registrations_per_college(site):
    rows = {
        college: (n, people)
        for college, n, people in collect(convention(), YEAR, "public").participation
    }
    # Public meeting only: pa, deux (PA and collectivités), formation, one without college.
    assert rows == {
        "Personnes accompagnées": (2, 2),
        "Acteurs de la formation": (1, 1),
        "Collectivités territoriales": (1, 1),
        "Sans collège": (1, 1),
    }


def test_members_participation_adds_the_members_meetings_only(site):
    data = collect(convention(), YEAR, "membres")
    rows = {college: (n, people) for college, n, people in data.participation}
    assert rows["Personnes accompagnées"] == (
        3,
        2,
    )  # pa twice, deux once; not « Réunion entre pairs »
    assert rows["Acteurs de la formation"] == (2, 1)
    assert (data.registrations, data.participants) == (6, 4)


def test_participation_by_college_is_one_grouped_query(site):
    meetings = list(EventPage.objects.all())
    with CaptureQueriesContext(connection) as queries:
        participation_by_college(meetings)
    assert len(queries) == 1
    assert "GROUP BY" in queries[0]["sql"].upper()


# ---------------------------------------------------------------------------
# The admin screen, the task and the kept document


SCREEN = "/admin/restitution/"


def form_data(**values) -> dict:
    return {"year": str(YEAR), "convention": str(convention().pk), "audience": "public", **values}


def test_coordination_generates_a_report_kept_with_its_files_and_date(
    site, client, django_capture_on_commit_callbacks
):
    client.force_login(site["coord"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SCREEN, form_data())
    report = RestitutionReport.objects.get()
    assert response.status_code == 302 and response.url == f"{SCREEN}{report.pk}/"
    assert report.state == RestitutionReport.State.DONE and report.progress == 100
    assert report.created_by == site["coord"] and report.finished_at is not None
    assert report.finished_at >= report.created_at
    assert report.pdf_file.name.startswith("prive/restitutions/2024/")
    assert PUBLIC_ITEM in flat(pdf_text(report.pdf_file.read()))
    listing = client.get(SCREEN).content.decode()
    assert f"{SCREEN}{report.pk}/pdf/" in listing and f"{SCREEN}{report.pk}/odt/" in listing
    assert timezone.localtime(report.created_at).strftime("%Y") in listing


def test_asking_for_a_report_is_in_the_audit_log(site, client, django_capture_on_commit_callbacks):
    client.force_login(site["coord"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SCREEN, form_data(audience="membres"))
    entry = ModelLogEntry.objects.get(action="followup.restitution")
    assert entry.user == site["coord"] and entry.object_id == str(
        RestitutionReport.objects.get().pk
    )
    assert entry.data == {"year": YEAR, "audience": "membres"}


def test_the_task_records_its_progress_step_by_step(site, monkeypatch):
    report = RestitutionReport.objects.create(
        year=YEAR, convention=convention(), convention_title="C", audience="public"
    )
    seen = []
    real_render = restitution.render_pdf

    def watching_render(data):
        row = RestitutionReport.objects.get(pk=report.pk)
        seen.append((row.state, row.progress, row.step))
        return real_render(data)

    monkeypatch.setattr(restitution, "render_pdf", watching_render)
    from cms.followup.tasks import generate_restitution

    generate_restitution.call(report.pk)
    assert seen == [(RestitutionReport.State.RUNNING, 45, "Écriture du PDF")]
    report.refresh_from_db()
    assert (report.state, report.progress, report.step) == ("terminee", 100, "Terminée")


def test_a_failed_generation_says_so_instead_of_staying_running(site, monkeypatch):
    report = RestitutionReport.objects.create(
        year=YEAR, convention=convention(), convention_title="C", audience="public"
    )

    def broken(data):
        raise RuntimeError("WeasyPrint indisponible")

    monkeypatch.setattr(restitution, "render_pdf", broken)
    restitution.generate(report)
    report.refresh_from_db()
    assert report.state == RestitutionReport.State.FAILED
    assert "WeasyPrint indisponible" in report.error and report.finished_at is not None


def test_the_status_page_reloads_itself_while_running_and_stops_when_done(site, client):
    client.force_login(site["coord"])
    report = RestitutionReport.objects.create(
        year=YEAR, convention=convention(), convention_title="Convention régionale",
        audience="public", state="en_cours", progress=45, step="Écriture du PDF",
    )  # fmt: skip
    running = client.get(f"{SCREEN}{report.pk}/").content.decode()
    assert '<meta http-equiv="refresh" content="3">' in running
    assert "45 %" in running and "Écriture du PDF" in running and "Recharger maintenant" in running
    RestitutionReport.objects.filter(pk=report.pk).update(state="terminee", progress=100)
    done = client.get(f"{SCREEN}{report.pk}/").content.decode()
    assert 'http-equiv="refresh"' not in done and "Télécharger le PDF" in done


def test_the_preview_is_the_reports_html(site, client):
    client.force_login(site["coord"])
    response = client.get(SCREEN + "apercu/", form_data(audience="membres"))
    html = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"].count("no-store")
    assert MEMBERS_ITEM in html and COLLEGE_ITEM not in html and '<html lang="fr">' in html


# ---------------------------------------------------------------------------
# Bad input: a French message, nothing created


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"year": "2019"}, "Rien à restituer pour « Convention régionale » en 2019"),
        ({"year": "deux mille"}, "L&#x27;année s&#x27;écrit en chiffres"),
        ({"year": "1850"}, "Choisissez une année à partir de 2000."),
        ({"year": ""}, "Indiquez l&#x27;année à restituer."),
        ({"convention": "dossier"}, "Cette page n&#x27;est pas une convention"),
        ({"convention": "vide"}, "Rien à restituer pour « Comité local sans activité »"),
        ({"audience": "college"}, "Choisissez « Public » ou « Membres »."),
    ],
    ids=[
        "year-without-activity",
        "year-in-words",
        "year-before-2000",
        "no-year",
        "a-dossier-as-convention",
        "convention-without-activity",
        "unknown-audience",
    ],
)
def test_bad_input_gets_a_french_message_and_creates_nothing(site, client, values, message):
    pages = {
        "dossier": DossierPage.objects.get().pk,
        "vide": ConventionPage.objects.get(slug="vide").pk,
    }
    if values.get("convention") in pages:
        values = {**values, "convention": str(pages[values["convention"]])}
    client.force_login(site["coord"])
    response = client.post(SCREEN, form_data(**values))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not RestitutionReport.objects.exists()
    preview = client.get(SCREEN + "apercu/", form_data(**values))
    assert preview.status_code == 400 and message in preview.content.decode()


# ---------------------------------------------------------------------------
# Coordination only


def _addresses(report: RestitutionReport) -> list[tuple[str, dict]]:
    return [
        (SCREEN, {}),
        (SCREEN + "apercu/", form_data()),
        (f"{SCREEN}{report.pk}/", {}),
        (f"{SCREEN}{report.pk}/pdf/", {}),
        (f"{SCREEN}{report.pk}/odt/", {}),
    ]


class TestTheKeptReport:
    """Who reaches a kept report and its files."""

    @pytest.fixture(scope="class")
    def generated(self, restitution_data, django_db_blocker):
        """One report for the class, rolled back after it: rendering its two documents is
        the slow part, and the module's other tests must not see it."""
        with rolled_back(django_db_blocker):
            client = Client()
            client.force_login(users_by_name()["coord"])
            with TestCase.captureOnCommitCallbacks(execute=True):
                client.post(SCREEN, form_data(audience="membres"))
            yield

    @pytest.fixture
    def kept_report(self, generated, site) -> RestitutionReport:
        return RestitutionReport.objects.get()

    @pytest.mark.parametrize("username", ["ref-pa", "pa", "sans-college"])
    def test_referents_and_members_are_refused_everywhere(
        self, kept_report, client, site, username
    ):
        client.force_login(site[username])
        for address, params in _addresses(kept_report):
            response = client.get(address, params)
            assert response.status_code in (302, 403), address
            assert response.get("Content-Type", "").split(";")[0] not in (
                "application/pdf", "application/vnd.oasis.opendocument.text"
            )  # fmt: skip
        assert client.post(SCREEN, form_data()).status_code in (302, 403)
        assert RestitutionReport.objects.count() == 1

    def test_anonymous_readers_are_sent_to_log_in(self, kept_report, client):
        for address, params in _addresses(kept_report):
            response = client.get(address, params)
            assert response.status_code == 302 and "login" in response.url, address

    def test_coordination_downloads_both_files(self, kept_report, client, site):
        client.force_login(site["coord"])
        pdf = client.get(f"{SCREEN}{kept_report.pk}/pdf/")
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        assert "no-store" in pdf["Cache-Control"] and "attachment" in pdf["Content-Disposition"]
        odt = client.get(f"{SCREEN}{kept_report.pk}/odt/")
        assert MEMBERS_ITEM in flat(odt_text(b"".join(odt.streaming_content)))
        assert client.get(f"{SCREEN}{kept_report.pk}/docx/").status_code == 404

    @pytest.mark.parametrize("username", [None, "pa", "coord"])
    def test_the_files_are_never_served_from_media(self, kept_report, client, site, username):
        if username:
            client.force_login(site[username])
        response = client.get("/media/" + kept_report.pdf_file.name)
        assert response.status_code == 404


def test_the_menu_item_is_shown_to_coordination_only(site, client):
    client.force_login(site["coord"])
    assert "Restitution annuelle" in client.get("/admin/").content.decode()
    client.force_login(site["ref-pa"])
    assert "Restitution annuelle" not in client.get("/admin/").content.decode()


def test_reports_are_listed_newest_first_with_their_audience(site, client):
    for audience in ("public", "membres"):
        RestitutionReport.objects.create(
            year=YEAR, convention=convention(), convention_title="Convention régionale",
            audience=audience, state="terminee", progress=100,
            finished_at=timezone.make_aware(datetime(2025, 1, 2, 10, 0)),
        )  # fmt: skip
    client.force_login(site["coord"])
    listing = client.get(SCREEN).content.decode().split("Restitutions déjà générées")[1]
    assert listing.index("Membres (contenus") < listing.index("Public (contenus")
