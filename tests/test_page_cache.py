"""The anonymous page cache (cms/cache.py): what it keeps, what it never keeps, and
how a change of content reaches readers at once."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.response import TemplateResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape
from wagtail.models import Page, PageViewRestriction

from cms.branding import SiteBranding
from cms.cache import CACHE_HEADER, GENERATION_KEY, AnonymousPageCacheMiddleware
from cms.models import ContributionPage, DossierPage
from cms.visibility import Visibility, set_visibility

User = get_user_model()
DOSSIER = "/paca/dossiers/non-recours-numerique/"


def cache_state(response) -> str | None:
    return response.headers.get(CACHE_HEADER)


def test_second_anonymous_visit_is_served_from_the_cache_without_queries(client, demo):
    first = client.get(DOSSIER)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(DOSSIER)
    assert cache_state(first) == "miss"
    assert cache_state(second) == "hit"
    assert len(queries) == 0
    assert second.content == first.content
    assert second["Content-Type"].startswith("text/html")


def test_a_hit_keeps_the_security_headers(client, demo):
    client.get(DOSSIER)
    response = client.get(DOSSIER)
    assert cache_state(response) == "hit"
    assert response["X-Frame-Options"] == "DENY"


def test_a_hit_keeps_the_content_security_policy(client, demo):
    first = client.get(DOSSIER)
    response = client.get(DOSSIER)
    assert cache_state(response) == "hit"
    assert response["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_an_anonymous_reader_holding_a_session_gets_a_page_built_for_them(client, demo):
    client.get(DOSSIER)  # a copy is in the cache
    session = client.session  # the test client sets its cookie
    session["choix"] = "gardé"
    session.save()
    response = client.get(DOSSIER)
    assert response.status_code == 200
    assert cache_state(response) != "hit"


def test_a_hit_still_varies_on_cookies_for_shared_caches(client, demo):
    client.get(DOSSIER)
    response = client.get(DOSSIER)
    assert cache_state(response) == "hit"
    assert "Cookie" in response["Vary"]


def test_each_query_string_is_cached_apart(client, demo):
    client.get(DOSSIER)
    assert cache_state(client.get(DOSSIER, {"college": "developpement-local"})) == "miss"


def test_logged_in_readers_are_never_served_nor_stored(client, demo):
    client.force_login(User.objects.get(username="membre"))
    first = client.get(DOSSIER)
    second = client.get(DOSSIER)
    client.logout()
    anonymous = client.get(DOSSIER)
    assert cache_state(first) is None and cache_state(second) is None
    assert cache_state(anonymous) == "miss"


def test_logged_in_reader_does_not_get_the_anonymous_copy(client, demo):
    client.get(DOSSIER)
    client.force_login(User.objects.get(username="membre"))
    response = client.get(DOSSIER)
    assert cache_state(response) is None
    assert "Se déconnecter" in response.content.decode()


def retitle(page, title: str) -> None:
    """Publish the page again under a new title, as an editor would."""
    page.title = title
    page.save_revision().publish()


def test_publishing_a_change_shows_at_once(client, demo):
    client.get(DOSSIER)
    retitle(DossierPage.objects.get(slug="non-recours-numerique"), "Non-recours : titre corrigé")
    response = client.get(DOSSIER)
    assert cache_state(response) == "miss"
    assert "Non-recours : titre corrigé" in response.content.decode()


def test_the_first_read_of_the_site_identity_does_not_purge(client, demo):
    SiteBranding.objects.all().delete()
    client.get(DOSSIER)  # reads, and so creates, the site's identity row
    assert SiteBranding.objects.exists()
    assert cache_state(client.get(DOSSIER)) == "hit"


def test_changing_the_site_identity_shows_at_once(client, demo):
    client.get(DOSSIER)
    branding = SiteBranding.objects.get()
    branding.site_name = "Comité local de démonstration"
    branding.save()
    response = client.get(DOSSIER)
    assert cache_state(response) == "miss"
    assert "Comité local de démonstration" in response.content.decode()


def test_publishing_a_child_updates_the_listing_above_it(client, demo):
    client.get(DOSSIER)
    contribution = ContributionPage.objects.get(slug="atelier-demarches-en-ligne-2021")
    retitle(contribution, "Démarches en ligne : nouveau titre")
    assert "Démarches en ligne : nouveau titre" in client.get(DOSSIER).content.decode()


def test_unpublishing_removes_the_page_at_once(client, demo):
    client.get(DOSSIER)
    DossierPage.objects.get(slug="non-recours-numerique").unpublish()
    assert client.get(DOSSIER).status_code == 404


def test_moving_a_page_purges(client, demo):
    contribution = ContributionPage.objects.get(slug="atelier-demarches-en-ligne-2021")
    client.get(DOSSIER)
    contribution.move(DossierPage.objects.get(slug="ethique-deontologies"), pos="last-child")
    assert cache_state(client.get(DOSSIER)) == "miss"


def test_deleting_a_page_purges(client, demo):
    client.get(DOSSIER)
    ContributionPage.objects.get(slug="atelier-demarches-en-ligne-2021").delete()
    response = client.get(DOSSIER)
    assert cache_state(response) == "miss"
    assert "Démarches en ligne : ce qui aide vraiment" not in response.content.decode()


def test_restricting_a_page_closes_it_to_anonymous_readers_at_once(client, demo):
    client.get(DOSSIER)
    set_visibility(Page.objects.get(url_path="/accueil/paca/dossiers/"), Visibility.members())
    response = client.get(DOSSIER)
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")


def test_a_restricted_page_is_never_cached(client, demo):
    for _visit in range(2):
        response = client.get("/paca/annuaire/")
        assert response.status_code == 302
        assert cache_state(response) is None


def test_a_password_protected_page_is_never_cached_even_once_opened(client, demo):
    page = Page.objects.get(url_path="/accueil/paca/rencontres/")
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="secret-rencontres"
    )
    client.post(
        f"/_util/authenticate_with_password/{restriction.pk}/{page.pk}/",
        {"password": "secret-rencontres", "return_url": "/paca/rencontres/"},
    )
    opened = [client.get("/paca/rencontres/") for _visit in range(2)]
    assert all("Assemblées plénières" in response.content.decode() for response in opened)
    assert [cache_state(response) for response in opened] == [None, None]
    client.cookies.clear()
    assert "Assemblées plénières" not in client.get("/paca/rencontres/").content.decode()


def test_a_response_showing_messages_is_neither_stored_nor_served_from_cache(client, demo):
    client.get(DOSSIER)  # a copy is in the cache
    storage = CookieStorage(HttpRequest())
    client.cookies["messages"] = storage._encode([Message(constants.INFO, "Bienvenue !")])
    response = client.get(DOSSIER)
    assert cache_state(response) is None
    assert "Bienvenue !" in response.content.decode()


def test_search_and_other_views_are_not_cached(client, demo):
    client.get("/recherche/?q=logement")
    assert cache_state(client.get("/recherche/?q=logement")) is None


# -- the middleware's rules, one at a time ---------------------------------------------------


@pytest.fixture
def public_page(demo):
    return DossierPage.objects.get(slug="non-recours-numerique")


def anonymous_request(method: str = "get") -> HttpRequest:
    from django.contrib.auth.models import AnonymousUser

    request = getattr(RequestFactory(), method)(DOSSIER)
    request.user = AnonymousUser()
    return request


def serve_twice(view, method: str = "get") -> list[str | None]:
    middleware = AnonymousPageCacheMiddleware(view)
    return [cache_state(middleware(anonymous_request(method))) for _visit in range(2)]


def page_view(page, alter=lambda request, response: None):
    def view(request):
        response = TemplateResponse(request, "cms/standard_page.html", {"page": page})
        response.render()
        alter(request, response)
        return response

    return view


def test_a_page_response_is_stored(public_page):
    assert serve_twice(page_view(public_page)) == ["miss", "hit"]


def test_a_post_is_not_stored(public_page):
    assert serve_twice(page_view(public_page), method="post") == [None, None]


def test_a_response_that_sets_a_cookie_is_not_stored(public_page):
    def set_cookie(request, response):
        response.set_cookie("choix", "1")

    assert serve_twice(page_view(public_page, set_cookie)) == [None, None]


def test_a_response_that_uses_the_csrf_token_is_not_stored(public_page):
    def use_token(request, response):
        get_token(request)

    assert serve_twice(page_view(public_page, use_token)) == [None, None]


def test_a_private_response_is_not_stored(public_page):
    def private(request, response):
        response["Cache-Control"] = "private"

    assert serve_twice(page_view(public_page, private)) == [None, None]


def test_a_response_that_is_not_a_page_is_not_stored(demo):
    assert serve_twice(lambda request: HttpResponse("bonjour")) == [None, None]


def test_the_cache_can_be_switched_off(public_page, settings):
    settings.PAGE_CACHE_ENABLED = False
    assert serve_twice(page_view(public_page)) == [None, None]


class CountingCache:
    """The ``pages`` cache, counting the exchanges a request has with it."""

    def __init__(self, cache):
        self.cache = cache
        self.exchanges: list[str] = []
        self.keys_read: list[str] = []

    def __getattr__(self, name):
        attribute = getattr(self.cache, name)
        if name in {"get", "get_many", "set", "add", "incr", "set_many"}:

            def counted(*args, **kwargs):
                self.exchanges.append(name)
                if name == "get":
                    self.keys_read.append(args[0])
                return attribute(*args, **kwargs)

            return counted
        return attribute


def test_a_hit_reads_the_generation_and_the_page_in_one_exchange(public_page, monkeypatch):
    from cms import cache as page_cache

    middleware = AnonymousPageCacheMiddleware(page_view(public_page))
    middleware(anonymous_request())  # stored
    counting = CountingCache(page_cache._cache())
    monkeypatch.setattr(page_cache, "_cache", lambda: counting)

    response = middleware(anonymous_request())

    assert cache_state(response) == "hit"
    assert counting.exchanges == ["get_many"]


def test_a_page_rendered_while_the_content_changed_is_not_served(public_page):
    from cms.cache import purge_page_cache

    def purged_during_rendering(request, response):
        purge_page_cache()  # a publication in another process, while this one renders

    rendering = AnonymousPageCacheMiddleware(page_view(public_page, purged_during_rendering))
    rendering(anonymous_request())

    served = AnonymousPageCacheMiddleware(page_view(public_page))(anonymous_request())

    assert cache_state(served) == "miss"


def test_a_change_purges_again_once_its_transaction_commits(
    public_page, django_capture_on_commit_callbacks
):
    from cms.cache import current_generation, purge_page_cache

    with django_capture_on_commit_callbacks(execute=True):
        purge_page_cache()
        # Another reader renders now from the rows of before the commit, and stores it.
        rendered_before_commit = current_generation()

    assert current_generation() != rendered_before_commit


def test_a_transaction_of_many_changes_purges_once_more_at_commit(
    public_page, django_capture_on_commit_callbacks
):
    from cms.cache import purge_page_cache

    with django_capture_on_commit_callbacks() as callbacks:
        for _ in range(3):
            purge_page_cache()

    assert len(callbacks) == 1


def test_a_member_page_reads_the_generation_once(client, demo, monkeypatch):
    from cms import cache as page_cache

    client.force_login(User.objects.get(username="membre"))
    client.get(DOSSIER)  # fragments stored
    counting = CountingCache(page_cache._cache())
    monkeypatch.setattr(page_cache, "_cache", lambda: counting)

    assert client.get(DOSSIER).status_code == 200

    assert counting.keys_read.count(GENERATION_KEY) == 1
    assert len(counting.keys_read) > 2  # the header's menus, the page's fragments


def preview_as(client, draft) -> str:
    """The draft as the editor logged in ``client`` previews it (Wagtail's preview request)."""
    cookies = "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())
    original = RequestFactory().get(draft.url, HTTP_COOKIE=cookies)
    return draft.make_preview_request(original).content.decode()


def site_host(page) -> dict[str, str]:
    """Wagtail's preview request is made for the page's site: readers on the same host."""
    return {"HTTP_HOST": page.get_site().hostname}


def test_a_preview_shows_the_draft_not_the_cached_live_page(client, demo):
    client.force_login(User.objects.get(username="membre"))
    page = ContributionPage.objects.live().public().first()
    client.get(page.url, **site_host(page))  # the live page's fragments are stored
    draft = ContributionPage.objects.get(pk=page.pk)
    draft.title = "Titre encore en brouillon"

    assert "<h1>Titre encore en brouillon</h1>" in preview_as(client, draft)


def test_a_previewed_draft_never_reaches_the_live_page(client, demo):
    client.force_login(User.objects.get(username="membre"))
    page = ContributionPage.objects.live().public().first()
    draft = ContributionPage.objects.get(pk=page.pk)
    draft.title = "Titre encore en brouillon"
    preview_as(client, draft)

    html = client.get(page.url, **site_host(page)).content.decode()

    assert "Titre encore en brouillon" not in html
    assert escape(page.title) in html
