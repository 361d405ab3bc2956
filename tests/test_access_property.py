"""Property: for random page trees, restrictions and readers, every surface agrees with
Wagtail's own serve decision (serving, listings, the directory, the JSON endpoints, feeds
and files), and so does every surface of the préconisations' follow-up (issue 15): the
board, its CSV, the item pages, the dossier pages, the API and the board's feeds show an
item exactly to whoever is served its source contribution."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.documents.models import Document
from wagtail.models import Page

from cms.access import can_view_page, visible_pages
from cms.audience import audience_key
from cms.followup.models import FollowupBoardPage, TrackedItem
from cms.models import ContributionAttachment, ContributionPage, DossierPage, MemberDirectoryPage
from cms.notifications.tokens import owner_of_feed_token, regenerate_feed_token
from tests.conftest import COLLEGES, load

# Each example loads a site into the database: few examples, no deadline, and the
# function-scoped fixtures (the colleges) are shared by the examples on purpose.
DATABASE_EXAMPLES = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

COLLEGE_SLUGS = [college["slug"] for college in COLLEGES]

visibilities = st.one_of(
    st.just("public"),
    st.just("members"),
    st.sets(st.sampled_from(COLLEGE_SLUGS), min_size=1, max_size=2).map(
        lambda slugs: {"colleges": sorted(slugs)}
    ),
)
contributions = st.lists(st.tuples(visibilities, st.booleans()), min_size=1, max_size=2)
dossiers = st.lists(st.tuples(visibilities, contributions), min_size=1, max_size=2)
# convention, dossier index, dossiers, directory, follow-up board
trees = st.tuples(visibilities, visibilities, dossiers, visibilities, visibilities)
readers = st.lists(
    st.tuples(
        st.sets(st.sampled_from(COLLEGE_SLUGS), max_size=3),
        st.sampled_from(["member", "coordination", "former"]),
    ),
    min_size=1,
    max_size=3,
)


def preconisation_title(number: int) -> str:
    return f"Préconisation {number} suivie"


# Each published préconisation moves to « retenue »: a status change for the board's feeds.
RETAINED = {"timeline": [{"date": "2022-02-01", "status": "retenue", "text": "Retenue."}]}


def content_for(tree, people) -> dict:
    convention_visibility, index_visibility, dossier_specs, directory_visibility, board = tree
    dossier_pages = []
    number = 0
    for d, (dossier_visibility, contribution_specs) in enumerate(dossier_specs):
        children = []
        for visibility, live in contribution_specs:
            number += 1
            preconisation: dict = {"title": preconisation_title(number)}
            if live:
                preconisation["followup"] = RETAINED
            children.append(
                {"type": "contribution", "slug": f"c{number}", "title": f"Contribution-{number}",
                 "date": "2022-01-01", "visibility": visibility, "live": live,
                 "preconisations": [preconisation]}
            )  # fmt: skip
        dossier_pages.append(
            {"type": "dossier", "slug": f"d{d}", "title": f"Dossier-{d}", "theme": "Thème",
             "visibility": dossier_visibility, "children": children}
        )  # fmt: skip
    users = []
    for index, (colleges, role) in enumerate(people):
        roles = ["member", "coordination"] if role == "coordination" else ["member"]
        users.append(
            {"username": f"u{index}", "colleges": sorted(colleges), "roles": roles,
             "status": "former" if role == "former" else "active"}
        )  # fmt: skip
    return {
        "users": users,
        "pages": [
            {"type": "convention", "slug": "conv", "title": "Conv",
             "visibility": convention_visibility, "children": [
                {"type": "dossier_index", "slug": "idx", "title": "Index",
                 "visibility": index_visibility, "children": dossier_pages},
                {"type": "directory", "slug": "annuaire", "title": "Annuaire",
                 "visibility": directory_visibility},
                {"type": "followup_board", "slug": "suivi", "title": "Suivi",
                 "visibility": board}]}
        ],
    }  # fmt: skip


def attach_documents() -> dict[int, Document]:
    documents = {}
    for page in ContributionPage.objects.live():
        document = Document.objects.create(
            title=f"Doc-{page.slug}", file=ContentFile(b"%PDF-1.4", name=f"{page.slug}.pdf")
        )
        page.attachments.add(ContributionAttachment(document=document))
        page.save_revision().publish()
        documents[page.pk] = document
    return documents


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def section_titles(html: str, label: str) -> set[str]:
    """The titles a navigation block of the header lists (empty when it is not there)."""
    start = html.find(f'aria-label="{label}')
    if start == -1:
        return set()
    block = html[start : html.index("</nav>", start)]
    return {title for title in ("Conv", "Index", "Annuaire", "Suivi") if f">{title}</a>" in block}


def check_menus(client: Client, reader) -> None:
    """The header's menus (cached per audience) list exactly the pages the reader may see."""
    convention = Page.objects.get(slug="conv")
    home_nav = section_titles(client.get("/").content.decode(), "Navigation principale")
    assert ("Conv" in home_nav) is can_view_page(reader, convention)
    if client.get(convention.url).status_code != 200:
        return
    html = client.get(convention.url).content.decode()
    expected = {page.title for page in convention.get_children() if can_view_page(reader, page)}
    assert section_titles(html, "Rubriques") == expected


def check_reader(user, documents) -> dict[int, bool]:
    client = client_for(user)
    reader = user or AnonymousUser()
    served = {}
    for page in ContributionPage.objects.all():
        status = client.get(page.url or f"/{page.slug}/").status_code if page.live else 404
        served[page.pk] = status == 200
        if page.live:
            assert status in {200, 302, 403}
            assert can_view_page(reader, page) is served[page.pk]
    listed = set(
        visible_pages(reader, ContributionPage.objects.live()).values_list("pk", flat=True)
    )
    assert listed == {pk for pk, ok in served.items() if ok}

    for dossier in DossierPage.objects.all():
        dossier_served = client.get(dossier.url).status_code == 200
        assert can_view_page(reader, dossier) is dossier_served
        api = client.get("/api/contributions/", {"dossier": dossier.pk})
        children = ContributionPage.objects.child_of(dossier)
        expected_titles = {page.title for page in children if served[page.pk]}
        if not dossier_served:
            assert api.status_code == 404
            continue
        assert {item["title"] for item in api.json()["results"]} == expected_titles
        html = client.get(dossier.url).content.decode()
        for page in children:
            assert (f">{page.title}<" in html) is served[page.pk]

    directory = MemberDirectoryPage.objects.get()
    directory_served = client.get(directory.url).status_code == 200
    assert can_view_page(reader, directory) is directory_served
    for route in ("structures/", "membres/999999/"):
        status = client.get(directory.url + route).status_code
        assert (status in {200, 404}) is directory_served

    feed = client.get("/flux/contributions/").content.decode()
    for page in ContributionPage.objects.all():
        assert (f"<title>{page.title}</title>" in feed) is served[page.pk]

    for page_pk, document in documents.items():
        status = client.get(document.url).status_code
        edits_files = reader.is_authenticated and reader.has_perm("wagtaildocs.choose_document")
        assert (status == 200) is (served[page_pk] or edits_files)

    check_followup(client, user, reader, served)
    check_menus(client, reader)
    return served


def titles_in(content: str, items) -> set[str]:
    return {item.title for item in items if item.title in content}


def check_followup(client: Client, user, reader, served: dict[int, bool]) -> None:
    """Every surface of the follow-up shows an item iff its contribution is served."""
    items = list(TrackedItem.objects.all())
    assert {item.contribution_id for item in items} == set(
        ContributionPage.objects.live().values_list("pk", flat=True)
    )
    expected = {item.title for item in items if served[item.contribution_id]}

    for item in items:
        page = client.get(f"/preconisations/{item.pk}/")
        assert (page.status_code == 200) is served[item.contribution_id]
        detail = client.get(f"/api/preconisations/{item.pk}/")
        assert (detail.status_code == 200) is served[item.contribution_id]
    listed = client.get("/api/preconisations/").json()["results"]
    assert {result["title"] for result in listed} == expected

    for dossier in DossierPage.objects.all():
        response = client.get(dossier.url)
        if response.status_code == 200:
            in_dossier = [item for item in items if item.dossier_id == dossier.pk]
            shown = {item.title for item in in_dossier if served[item.contribution_id]}
            assert titles_in(response.content.decode(), in_dossier) == shown

    board = FollowupBoardPage.objects.get()
    board_served = client.get(board.url).status_code == 200
    assert can_view_page(reader, board) is board_served
    csv = client.get(board.url + "export/csv/")
    api = client.get("/api/preconisations/", {"tableau": board.pk})
    if not board_served:
        assert csv.status_code != 200
        assert api.status_code == 404
    else:
        assert titles_in(client.get(board.url).content.decode(), items) == expected
        assert titles_in(csv.content.decode("utf-8-sig"), items) == expected
        assert {result["title"] for result in api.json()["results"]} == expected

    if user is None:  # the board's public feed is the anonymous reader's
        feed = client.get(f"/flux/preconisations/{board.pk}/")
        assert (feed.status_code == 200) is board_served
        if board_served:
            assert titles_in(feed.content.decode(), items) == expected
        return
    token = regenerate_feed_token(user)
    private = Client().get(f"/flux/prive/{token}/preconisations/{board.pk}/")
    if owner_of_feed_token(token) is None or not board_served:
        assert private.status_code == 404
    else:
        assert titles_in(private.content.decode(), items) == expected


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.django_db
@DATABASE_EXAMPLES
@given(tree=trees, people=readers)
def test_every_surface_agrees_with_wagtail_serving(colleges, media_root, tree, people):
    with transaction.atomic():
        load(content_for(tree, people))
        documents = attach_documents()
        readers = [None, *get_user_model().objects.filter(username__startswith="u")]
        served = {}
        for user in readers:
            served[user] = check_reader(user, documents)
        check_audiences(readers, served)
        transaction.set_rollback(True)


def check_audiences(readers, served) -> None:
    """Readers served different contributions never share an audience: no fragment cached
    for one (cms.audience) can reach the other. Readers checked later in an example were
    served fragments the earlier ones left in the cache, and the checks above still held."""
    for first in readers:
        for second in readers:
            if served[first] != served[second]:
                assert audience_key(first or AnonymousUser()) != audience_key(
                    second or AnonymousUser()
                )
