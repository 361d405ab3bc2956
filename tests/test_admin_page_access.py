"""Issue 10, findings 2 and 3: the admin neither acts on nor shows a page one may not view.

On the demo content, ``sylvie`` (referent, Collectivités territoriales) has rights on the
dossier « Jeunesse et éducation » (a space of her college and of the Administrations de
l'État college); its contribution « Prévention des ruptures… » is restricted to the
Administrations de l'État alone. ``referente`` (referent, Personnes accompagnées) has
rights on her college's spaces only.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, PageLogEntry

from cms.access import can_view_page
from cms.models import ContributionPage, DossierPage
from members.models import College
from tests.admin_readers import (
    HIDDEN_FROM_REFERENTE,
    HIDDEN_FROM_SYLVIE,
    client_for,
    hidden_titles_in,
)
from tests.conftest import users_by_name

REFUSED = {302, 403, 404}


@pytest.fixture
def users(demo):
    return users_by_name()


def contribution(slug: str) -> ContributionPage:
    return ContributionPage.objects.get(slug=slug)


def text_of(response) -> str:
    """The body as a reader sees it, JSON (the choosers' modal responses) included."""
    body = response.content.decode()
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(json.loads(body), ensure_ascii=False)
    return body


# -- finding 2: edit rights reach no further than view rights -------------------------------


# Every admin view of one page, by the name the tests give it. Most are fetched by their
# URL name in wagtailadmin_pages; some under another name, some posted; the revision
# views take more than the page's id (see page_urls).
FETCHED = (
    "edit",
    "view_draft",
    "history",
    "copy",
    "move",
    "delete",
    "unpublish",
    "convert_alias",
    "add_subpage",
    "usage",
    "workflow_history",
)
FETCHED_AS = {"preview": "preview_on_edit", "privacy": "set_privacy"}
POSTED_TO = {"save_draft": "edit", "preview_post": "preview_on_edit", "lock": "lock"}
REVISION_SCREENS = ("revisions_view", "revisions_compare")
SCREENS = [*FETCHED, *FETCHED_AS, *POSTED_TO, *REVISION_SCREENS]


def page_urls(page: Page) -> dict[str, tuple[str, str]]:
    """(method, url) of every admin view of one page."""
    revision = page.get_latest_revision()

    def url(view: str, *more) -> str:
        return reverse(f"wagtailadmin_pages:{view}", args=[page.pk, *more])

    urls = {name: ("get", url(name)) for name in FETCHED}
    urls |= {name: ("get", url(view)) for name, view in FETCHED_AS.items()}
    urls |= {name: ("post", url(view)) for name, view in POSTED_TO.items()}
    urls["revisions_view"] = ("get", url("revisions_view", revision.pk))
    urls["revisions_compare"] = ("get", url("revisions_compare", "earliest", revision.pk))
    return urls


@pytest.mark.django_db
@pytest.mark.parametrize("screen", SCREENS)
def test_referent_gets_no_admin_view_of_a_page_of_her_space_restricted_to_another_college(
    users, screen
):
    sylvie = users["sylvie"]
    page = contribution(HIDDEN_FROM_SYLVIE)
    assert not can_view_page(sylvie, page)
    revisions_before = page.revisions.count()
    method, url = page_urls(page)[screen]
    client = client_for(sylvie)
    response = client.post(url, {"title": "Pris"}) if method == "post" else client.get(url)
    assert response.status_code in REFUSED, (screen, response.status_code)
    assert page.revisions.count() == revisions_before
    page.refresh_from_db()
    assert not page.locked
    assert page.title in page.draft_title  # not renamed by a saved draft


@pytest.mark.django_db
def test_permission_tester_refuses_everything_on_a_page_one_may_not_view(users):
    page = contribution(HIDDEN_FROM_SYLVIE)
    tester = page.permissions_for_user(users["sylvie"])
    answers = {name: getattr(tester, name)() for name in tester.GUARDED if not name.endswith("_to")}
    assert not any(answers.values()), answers
    assert not tester.can_move_to(page.get_parent())
    assert not tester.can_copy_to(page.get_parent())


@pytest.mark.django_db
def test_referent_keeps_editing_the_pages_of_her_space_she_may_view(users):
    client = client_for(users["sylvie"])
    dossier = DossierPage.objects.get(slug="jeunesse-education")
    visible = contribution("atelier-parentalite-2022")
    for page in (dossier, visible):
        assert client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code == 200
        assert client.get(reverse("wagtailadmin_pages:history", args=[page.pk])).status_code == 200


@pytest.mark.django_db
def test_coordination_still_edits_every_restricted_page(users):
    client = client_for(users["coordination"])
    for slug in (HIDDEN_FROM_SYLVIE, HIDDEN_FROM_REFERENTE):
        page = contribution(slug)
        assert client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code == 200


@pytest.mark.django_db
def test_referent_cannot_move_a_page_into_a_page_she_may_not_view(users):
    sylvie = users["sylvie"]
    hidden = contribution(HIDDEN_FROM_SYLVIE)
    visible = contribution("atelier-parentalite-2022")
    assert not visible.permissions_for_user(sylvie).can_move_to(hidden)
    assert not visible.permissions_for_user(sylvie).can_copy_to(hidden)


# -- finding 3: no admin listing, chooser, search or report shows a hidden title -------------


def assert_shows_no_hidden_title(user, url: str, params: dict | None = None) -> None:
    response = client_for(user).get(url, params or {})
    assert response.status_code < 500
    if response.status_code == 200:
        assert hidden_titles_in(user, text_of(response)) == []


@pytest.mark.django_db
@pytest.mark.parametrize("view", ["wagtailadmin_explore", "wagtailadmin_choose_page_child"])
def test_explorer_and_page_chooser_refuse_to_browse_a_page_one_may_not_view(users, view):
    referente = users["referente"]
    page = contribution(HIDDEN_FROM_REFERENTE)
    response = client_for(referente).get(reverse(view, args=[page.pk]))
    assert response.status_code in REFUSED
    assert page.title not in text_of(response)


@pytest.mark.django_db
def test_explorer_of_a_space_lists_only_the_children_one_may_view(users):
    sylvie = users["sylvie"]
    dossier = DossierPage.objects.get(slug="jeunesse-education")
    response = client_for(sylvie).get(reverse("wagtailadmin_explore", args=[dossier.pk]))
    assert response.status_code == 200
    assert hidden_titles_in(sylvie, text_of(response)) == []
    assert "Soutien à la parentalité" in text_of(response)


@pytest.mark.django_db
def test_explorer_api_of_the_sidebar_lists_only_visible_children(users):
    sylvie = users["sylvie"]
    dossier = DossierPage.objects.get(slug="jeunesse-education")
    url = reverse("wagtailadmin_api:pages:listing")
    assert_shows_no_hidden_title(sylvie, url, {"child_of": dossier.pk, "for_explorer": 1})
    detail = reverse("wagtailadmin_api:pages:detail", args=[contribution(HIDDEN_FROM_SYLVIE).pk])
    assert client_for(sylvie).get(detail).status_code in REFUSED


@pytest.mark.django_db
def test_page_chooser_lists_only_visible_children(users):
    referente = users["referente"]
    dossier = DossierPage.objects.get(slug="non-recours-numerique")
    assert_shows_no_hidden_title(
        referente, reverse("wagtailadmin_choose_page_child", args=[dossier.pk])
    )


@pytest.mark.django_db
def test_page_chooser_search_finds_only_visible_pages(users):
    referente = users["referente"]
    assert_shows_no_hidden_title(
        referente, reverse("wagtailadmin_choose_page_search"), {"q": "Rencontre inter-organismes"}
    )
    assert_shows_no_hidden_title(referente, reverse("wagtailadmin_choose_page_search"), {"q": "a"})


@pytest.mark.django_db
def test_page_chooser_chosen_endpoint_names_only_visible_pages(users):
    referente = users["referente"]
    page = contribution(HIDDEN_FROM_REFERENTE)
    assert_shows_no_hidden_title(
        referente, reverse("wagtailadmin_choose_page_chosen_multiple"), {"id": page.pk}
    )


@pytest.mark.django_db
def test_external_link_form_does_not_turn_a_hidden_page_url_into_its_title(users):
    referente = users["referente"]
    page = contribution(HIDDEN_FROM_REFERENTE)
    response = client_for(referente).post(
        reverse("wagtailadmin_choose_page_external_link"),
        {"external-link-chooser-url": page.full_url, "external-link-chooser-link_text": ""},
    )
    assert response.status_code < 500
    assert page.title not in text_of(response)


@pytest.mark.django_db
def test_page_types_usage_report_is_refused_to_referents(users):
    response = client_for(users["referente"]).get(reverse("wagtailadmin_reports:page_types_usage"))
    assert response.status_code in REFUSED
    coordination = client_for(users["coordination"])
    assert coordination.get(reverse("wagtailadmin_reports:page_types_usage")).status_code == 200


@pytest.mark.django_db
def test_admin_page_search_finds_only_visible_pages(users):
    sylvie = users["sylvie"]
    url = reverse("wagtailadmin_pages:search")
    assert_shows_no_hidden_title(sylvie, url, {"q": "Prévention des ruptures"})
    assert_shows_no_hidden_title(sylvie, url, {"q": "a"})


@pytest.mark.django_db
def test_site_history_report_lists_only_visible_pages(users):
    assert_shows_no_hidden_title(users["sylvie"], reverse("wagtailadmin_reports:site_history"))


@pytest.mark.django_db
def test_workflow_reports_list_only_visible_pages(users):
    sylvie = users["sylvie"]
    page = contribution(HIDDEN_FROM_SYLVIE)
    page.get_workflow().start(page, users["marc"])
    assert_shows_no_hidden_title(sylvie, reverse("wagtailadmin_reports:workflow"))
    assert_shows_no_hidden_title(sylvie, reverse("wagtailadmin_reports:workflow_tasks"))


@pytest.mark.django_db
def test_locked_pages_report_lists_only_visible_pages(users):
    page = contribution(HIDDEN_FROM_SYLVIE)
    page.locked, page.locked_by, page.locked_at = True, users["coordination"], timezone.now()
    page.save(update_fields=["locked", "locked_by", "locked_at"])
    assert_shows_no_hidden_title(users["sylvie"], reverse("wagtailadmin_reports:locked_pages"))
    assert_shows_no_hidden_title(users["sylvie"], reverse("wagtailadmin_reports:aging_pages"))


@pytest.mark.django_db
def test_dashboard_shows_no_hidden_page_in_recent_edits_or_locks(users):
    referente = users["referente"]
    page = contribution(HIDDEN_FROM_REFERENTE)
    # She edited or locked it while she could still see it; its audience has narrowed since.
    PageLogEntry.objects.log_action(page, "wagtail.edit", user=referente)
    page.locked, page.locked_by, page.locked_at = True, referente, timezone.now()
    page.save(update_fields=["locked", "locked_by", "locked_at"])
    assert_shows_no_hidden_title(referente, reverse("wagtailadmin_home"))


@pytest.mark.django_db
def test_dashboard_shows_no_hidden_page_awaiting_moderation(users):
    referente = users["referente"]
    page = contribution(HIDDEN_FROM_REFERENTE)
    # Submitted by her, and routed to her college's review, yet restricted to others.
    page.colleges.add(*College.objects.filter(memberships__member=referente.member))
    page.save_revision(user=referente)
    page.get_workflow().start(page, referente)
    assert_shows_no_hidden_title(referente, reverse("wagtailadmin_home"))


@pytest.mark.django_db
def test_breadcrumbs_of_a_visible_page_name_only_visible_ancestors(users):
    sylvie = users["sylvie"]
    page = contribution("atelier-parentalite-2022")
    assert_shows_no_hidden_title(sylvie, reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert_shows_no_hidden_title(sylvie, reverse("wagtailadmin_explore", args=[page.pk]))


def test_workflow_action_on_a_hidden_page_does_not_name_it(users):
    # Any task state in progress will do: Wagtail checks the page in the URL, not the task's.
    visible = ContributionPage.objects.live().exclude(slug=HIDDEN_FROM_SYLVIE).first()
    visible.save_revision(user=users["coordination"])
    workflow_state = visible.get_workflow().start(visible, users["coordination"])
    page = contribution(HIDDEN_FROM_SYLVIE)
    client = client_for(users["sylvie"])
    url = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[page.pk, "approve", workflow_state.current_task_state.pk],
    )

    response = client.post(url, follow=True)

    assert response.status_code < 500
    assert page.title not in text_of(response)
    assert not hidden_titles_in(users["sylvie"], text_of(response))
