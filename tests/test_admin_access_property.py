"""Property: for random page trees, restrictions and referents, the admin neither acts on nor
shows a page the user may not view (issue 10, findings 2 and 3).

Referents get Wagtail rights on their colleges' spaces (``cms.spaces``), which Wagtail
would apply to whole subtrees. For every page a referent may not view, every admin view
of it refuses, and its title appears on no admin listing, chooser, search, report or
dashboard they can open.
"""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from hypothesis import given
from hypothesis import strategies as st
from wagtail.models import Page, PageLogEntry

from cms.access import can_view_page
from cms.models import ContributionPage
from tests.conftest import COLLEGES, load
from tests.test_access_property import DATABASE_EXAMPLES

COLLEGE_SLUGS = [college["slug"] for college in COLLEGES]
REFUSED = {302, 403, 404}

visibilities = st.one_of(
    st.just("public"),
    st.just("members"),
    st.sets(st.sampled_from(COLLEGE_SLUGS), min_size=1, max_size=2).map(
        lambda slugs: {"colleges": sorted(slugs)}
    ),
)
college_sets = st.sets(st.sampled_from(COLLEGE_SLUGS), max_size=2)
contributions = st.lists(st.tuples(visibilities, st.booleans(), college_sets), max_size=2)
dossiers = st.lists(st.tuples(visibilities, contributions), min_size=1, max_size=2)
trees = st.tuples(visibilities, dossiers)
referents = st.lists(
    st.sets(st.sampled_from(COLLEGE_SLUGS), min_size=1, max_size=2), min_size=1, max_size=2
)


def title(number: int) -> str:
    # Distinct and never part of one another, nor of any other text of the admin.
    return f"Titre{number}Zq"


def content_for(tree, people) -> dict:
    index_visibility, dossier_specs = tree
    number = 0
    dossier_pages = []
    for d, (dossier_visibility, contribution_specs) in enumerate(dossier_specs):
        children = []
        for visibility, live, colleges in contribution_specs:
            number += 1
            children.append(
                {"type": "contribution", "slug": f"c{number}", "title": title(number),
                 "date": "2022-01-01", "visibility": visibility, "live": live,
                 "colleges": sorted(colleges)}
            )  # fmt: skip
        number += 1
        dossier_pages.append(
            {"type": "dossier", "slug": f"d{d}", "title": title(number), "theme": "Thème",
             "visibility": dossier_visibility, "children": children}
        )  # fmt: skip
    users = [
        {"username": f"r{index}", "colleges": sorted(colleges), "roles": ["member", "referent"]}
        for index, colleges in enumerate(people)
    ]
    users.append({"username": "coord", "colleges": [], "roles": ["member", "coordination"]})
    return {
        "users": users,
        "pages": [
            {"type": "convention", "slug": "conv", "title": "Conv", "children": [
                {"type": "dossier_index", "slug": "idx", "title": title(0),
                 "visibility": index_visibility, "children": dossier_pages}]}
        ],
    }  # fmt: skip


def leave_traces(referents_, coordination) -> None:
    """What puts pages on reports and dashboards: edits, locks, reviews in progress."""
    for page in Page.objects.filter(depth__gt=2):
        for user in referents_:
            PageLogEntry.objects.log_action(page, "wagtail.edit", user=user)
    for number, page in enumerate(ContributionPage.objects.order_by("pk")):
        if not page.live and page.get_workflow():
            page.get_workflow().start(page, referents_[number % len(referents_)])
        elif number % 2:
            page.locked, page.locked_by, page.locked_at = True, coordination, timezone.now()
            page.save(update_fields=["locked", "locked_by", "locked_at"])


def admin_views_of(page: Page) -> list[str]:
    pages = "wagtailadmin_pages"
    return [
        reverse(f"{pages}:edit", args=[page.pk]),
        reverse(f"{pages}:view_draft", args=[page.pk]),
        reverse(f"{pages}:preview_on_edit", args=[page.pk]),
        reverse(f"{pages}:history", args=[page.pk]),
        reverse(f"{pages}:revisions_compare", args=[page.pk, "earliest", "latest"]),
        reverse(f"{pages}:copy", args=[page.pk]),
        reverse(f"{pages}:move", args=[page.pk]),
        reverse(f"{pages}:delete", args=[page.pk]),
        reverse(f"{pages}:workflow_history", args=[page.pk]),
    ]


def listings_for(visible: list[Page]) -> list[tuple[str, dict]]:
    """Every admin screen that lists pages, with the pages a user may open."""
    screens = [
        (reverse("wagtailadmin_home"), {}),
        (reverse("wagtailadmin_explore_root"), {}),
        (reverse("wagtailadmin_explore_root"), {"q": "Titre", "search_all": 1}),
        (reverse("wagtailadmin_pages:search"), {"q": "Titre"}),
        (reverse("wagtailadmin_choose_page"), {}),
        (reverse("wagtailadmin_choose_page"), {"page_type": "cms.contributionpage"}),
        (reverse("wagtailadmin_choose_page_search"), {"q": "Titre"}),
        (reverse("wagtailadmin_reports:locked_pages"), {}),
        (reverse("wagtailadmin_reports:workflow"), {}),
        (reverse("wagtailadmin_reports:workflow_tasks"), {}),
        (reverse("wagtailadmin_reports:site_history"), {}),
        (reverse("wagtailadmin_reports:aging_pages"), {}),
        (reverse("wagtailadmin_reports:page_types_usage"), {}),
        (reverse("wagtailadmin_api:pages:listing"), {"descendant_of": 1}),
    ]
    # Listings of children: only pages that have some.
    for page in (page for page in visible if page.numchild):
        screens += [
            (reverse("wagtailadmin_explore", args=[page.pk]), {}),
            (reverse("wagtailadmin_choose_page_child", args=[page.pk]), {}),
            (reverse("wagtailadmin_api:pages:listing"), {"child_of": page.pk, "for_explorer": 1}),
        ]
    return screens


def text_of(response) -> str:
    body = response.content.decode()
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(json.loads(body), ensure_ascii=False)
    return body


def check_referent(user) -> None:
    client = Client()
    client.force_login(user)
    pages = list(Page.objects.filter(depth__gt=1))
    hidden = [page for page in pages if not can_view_page(user, page)]
    visible = [page for page in pages if can_view_page(user, page)]

    for page in hidden:
        for url in admin_views_of(page):
            status = client.get(url).status_code
            assert status in REFUSED, (user.username, page.title, url, status)

    hidden_titles = {page.title for page in hidden}
    for url, params in listings_for(visible):
        response = client.get(url, params)
        assert response.status_code < 500, (url, params, response.status_code)
        if response.status_code != 200:
            continue
        body = text_of(response)
        shown = {t for t in hidden_titles if t in body or escape(t) in body}
        assert not shown, (user.username, url, params, shown)


def check_coordination(user) -> None:
    """Coordination keeps every admin view of every page."""
    client = Client()
    client.force_login(user)
    for page in ContributionPage.objects.all()[:2]:
        assert client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code == 200


@pytest.mark.django_db
@DATABASE_EXAMPLES
@given(tree=trees, people=referents)
def test_admin_never_acts_on_nor_shows_a_page_one_may_not_view(colleges, tree, people):
    with transaction.atomic():
        load(content_for(tree, people))
        users = get_user_model().objects
        referents_ = list(users.filter(username__startswith="r").order_by("username"))
        coordination = users.get(username="coord")
        leave_traces(referents_, coordination)
        for user in referents_:
            check_referent(user)
        check_coordination(coordination)
        transaction.set_rollback(True)
