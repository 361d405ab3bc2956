"""The admin listings read from the query string only their declared filters, search,
ordering, page and export: no parameter becomes an ORM lookup, none is a 500.

Before the fix, a referent could list members with
``?user__groups__user__username=coordination&user__groups__user__password__startswith=…``
and recover coordination's password hash by halving; ``?page=2`` was a 500.
"""

from __future__ import annotations

from collections import deque

import pytest
from django.contrib.auth import get_user_model
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from wagtail.admin.viewsets import viewsets as admin_viewsets
from wagtail.admin.viewsets.model import ModelViewSet

from cms.meetings.models import Registration, TravelSupportRequest
from cms.models import DossierPage, EventPage
from cms.notifications.models import DossierFollow
from members import admin_querystring
from members.models import AdhesionRequest, College, Member

MEMBERS = "/admin/members/member/"
ORGANISATIONS = "/admin/members/organisation/"
ADHESIONS = "/admin/members/adhesionrequest/"

# The project's own code: its listings are the ones under test, Wagtail's are not.
PROJECT_PACKAGES = {"cms", "members", "search"}

# Lookups across relations that the listings must never apply: the reported attack and
# its variants (the tests hash passwords with MD5, so hashes start with « md5$ »).
RELATION_LOOKUPS = [
    ("user__password__startswith", "md5$"),
    ("user__password__startswith", "argon2"),
    ("user__groups__user__username", "coordination"),
    ("user__groups__user__password__startswith", "md5$"),
    ("member__phone__startswith", "0"),
    ("members__phone__startswith", "0"),
    ("colleges__referents_group__user__password__gt", ""),
    ("colleges__referents_group__user__password__gt", "~"),
]
UNKNOWN_KEYS = [("page", "2"), ("foo", "1"), ("college", "x"), ("pk", "1"), ("id__in", "1,2")]
# Bad values of the parameters every listing reads (modeladmin's and Wagtail's).
BAD_COMMON_VALUES = [
    ("o", "abc"),
    ("o", "99.-7.x"),
    ("o", ""),
    ("ot", "zzz"),
    ("p", "99999"),
    ("p", "-1"),
    ("p", "abc"),
    ("q", "\x00"),
    ("q", "a" * 1000),
    ("export", "zzz"),
    ("ordering", "user__password"),
    ("ordering", "-nope"),
    ("e", "1"),
]
BAD_FILTER_VALUES = ["zzz", "99999999999999999999", "1,abc", "\x00"]


@pytest.fixture(scope="module")
def listed_rows(demo_site, django_db_blocker):
    """Rows for the listings the demo content leaves empty, so results can be compared."""
    with django_db_blocker.unblock():
        users = {user.username: user for user in get_user_model().objects.all()}
        college = College.objects.get(slug="developpement-local")
        for number, name in enumerate(("rachid", "farid")):
            AdhesionRequest.objects.create(
                college=college,
                first_name=name.title(),
                last_name="Demandeur",
                email=f"{name}-demande@example.org",
                phone=f"06 00 00 00 0{number}",
                consent_at=timezone.now(),
            )
        event = EventPage.objects.first()
        for name in ("farid", "odile"):
            registration = Registration.objects.create(
                event=event, user=users[name], registered_at=timezone.now()
            )
            TravelSupportRequest.objects.create(registration=registration, note="Train")
        for dossier in DossierPage.objects.all()[:2]:
            DossierFollow.objects.create(user=users["farid"], dossier=dossier)
            DossierFollow.objects.create(user=users["odile"], dossier=dossier)


@pytest.fixture
def listings(listed_rows, db):
    """The demo content with rows in every listing."""


def logged_in(username: str) -> Client:
    # A 500 is then a status to report, not an exception that stops the fuzz at the first.
    client = Client(raise_request_exception=False)
    client.force_login(get_user_model().objects.get(username=username))
    return client


def rows(response) -> tuple[int, list]:
    """How many rows the listing has, and the primary keys on its page."""
    context = response.context
    objects = list(context["object_list"])
    paginator = context.get("paginator")
    return (paginator.count if paginator else len(objects), [obj.pk for obj in objects])


# -- discovery ---------------------------------------------------------------------------


def _url_names(patterns, namespace: str = "") -> list[str]:
    names = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names += _url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.append(namespace + pattern.name)
    return names


def modeladmin_index_urls() -> set[str]:
    return {
        reverse(name)
        for name in _url_names(get_resolver().url_patterns)
        if name.endswith("_modeladmin_index")
    }


def viewset_index_urls() -> set[str]:
    reverse("wagtailadmin_home")  # loading the admin's URLs registers its viewsets
    return {
        reverse(viewset.get_url_name("index"))
        for viewset in admin_viewsets.viewsets
        if isinstance(viewset, ModelViewSet)
        and PROJECT_PACKAGES
        & {type(viewset).__module__.split(".")[0], viewset.model.__module__.split(".")[0]}
    }


def admin_index_urls() -> list[str]:
    return sorted(modeladmin_index_urls() | viewset_index_urls())


def model_of(response) -> type[models.Model]:
    return response.context["view"].model


def paths_to_users(model: type[models.Model], depth: int = 3) -> list[str]:
    """Lookup paths from ``model`` to the accounts, through any relation, shortest first."""
    user_model = get_user_model()
    found, queue = [], deque([(model, "", 0)])
    while queue and len(found) < 3:
        current, prefix, level = queue.popleft()
        for field in current._meta.get_fields():
            if not field.is_relation or field.related_model is None:
                continue
            path = f"{prefix}{field.name}"
            if field.related_model is user_model:
                found.append(path)
            elif level + 1 < depth:
                queue.append((field.related_model, f"{path}__", level + 1))
    return found


def lookups_for(model: type[models.Model]) -> list[tuple[str, str]]:
    """The reported lookups, and the same attack along this model's own relations."""
    lookups = list(RELATION_LOOKUPS)
    for path in paths_to_users(model):
        lookups += [
            (f"{path}__password__startswith", "md5$"),
            (f"{path}__password__gt", "~"),
            (f"{path}__username", "coordination"),
        ]
    # Fields of the row itself, shown or not: the listing's filters are the only way in.
    text_fields = [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField) and not field.choices
    ]
    lookups += [(f"{name}__startswith", "0") for name in text_fields[:3]]
    # Each once: a model's own path to the accounts may be one of the reported lookups.
    return list(dict.fromkeys(lookups))


def declared_parameters(response) -> list[str]:
    """The filter parameters the listing declares, as its filters name them."""
    context = response.context
    view = context["view"]
    if hasattr(view, "filter_specs"):  # modeladmin
        return [name for spec in view.filter_specs for name in spec.expected_parameters()]
    filters = context.get("filters")
    return list(filters.form.fields) if filters is not None else []


def test_every_listing_of_the_project_is_discovered():
    urls = admin_index_urls()
    assert {
        MEMBERS,
        ORGANISATIONS,
        "/admin/members/college/",
        "/admin/members/territory/",
        ADHESIONS,
        reverse("prises_en_charge_frais:index"),
        reverse("dossiers_suivis:index"),
    } <= set(urls)


# -- the fuzz ----------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["coordination", "odile"])
def test_no_admin_listing_fails_or_applies_a_lookup_from_the_query_string(listings, username):
    client = logged_in(username)
    failures, compared = [], 0
    for url in admin_index_urls():
        baseline = client.get(url)
        assert baseline.status_code < 500, url
        if baseline.status_code != 200:
            # A listing this person may not open: it stays closed whatever the parameters.
            for key, value in RELATION_LOOKUPS[:2] + UNKNOWN_KEYS[:1]:
                response = client.get(url, {key: value})
                if response.status_code != baseline.status_code:
                    failures.append(f"{url}?{key}={value!r}: {response.status_code}")
            continue
        expected = rows(baseline)
        model = model_of(baseline)
        for key, value in lookups_for(model) + UNKNOWN_KEYS:
            response = client.get(url, {key: value})
            if response.status_code != 200:
                failures.append(f"{url}?{key}={value!r}: {response.status_code}")
            elif rows(response) != expected:
                failures.append(f"{url}?{key}={value!r} changed the rows")
            compared += 1
        # Search and page first, then a lookup: still not applied.
        response = client.get(url, {"p": "1", "o": "0", "user__password__startswith": "argon2"})
        if response.status_code != 200 or rows(response)[0] != expected[0]:
            failures.append(f"{url} with ordering, page and a lookup: {response.status_code}")
        bad_values = BAD_COMMON_VALUES + [
            (name, value) for name in declared_parameters(baseline) for value in BAD_FILTER_VALUES
        ]
        for key, value in bad_values:
            response = client.get(url, {key: value})
            if response.status_code >= 500:
                failures.append(f"{url}?{key}={value!r}: {response.status_code}")
    assert not failures, "\n".join(failures)
    assert compared > 0  # the person opened at least one listing


# -- the reported attacks ----------------------------------------------------------------


def test_referent_cannot_filter_members_by_password_hash(listings):
    client = logged_in("odile")
    expected = rows(client.get(MEMBERS))
    assert expected[0] > 0
    for prefix in ("md5$", "argon2", "pbkdf2_sha256$"):
        response = client.get(
            MEMBERS,
            {
                "user__groups__user__username": "coordination",
                "user__groups__user__password__startswith": prefix,
            },
        )
        assert response.status_code == 200
        assert rows(response) == expected


def test_referent_cannot_order_or_halve_on_a_password_hash(listings):
    client = logged_in("odile")
    expected = rows(client.get(MEMBERS))
    for bound in ("", "m", "md5$", "~"):
        response = client.get(MEMBERS, {"colleges__referents_group__user__password__gt": bound})
        assert rows(response) == expected


def test_referent_cannot_filter_on_fields_the_listing_does_not_show(listings):
    client = logged_in("odile")
    members = rows(client.get(MEMBERS))
    organisations = rows(client.get(ORGANISATIONS))
    assert rows(client.get(MEMBERS, {"phone__startswith": "04 90"})) == members
    assert rows(client.get(MEMBERS, {"user__email__startswith": "zzz"})) == members
    assert rows(client.get(ORGANISATIONS, {"members__phone__startswith": "0"})) == organisations
    assert rows(client.get(ORGANISATIONS, {"members__phone__startswith": "9"})) == organisations


def test_adhesion_requests_cannot_be_filtered_on_the_deciders_password(listings):
    client = logged_in("coordination")
    expected = rows(client.get(ADHESIONS))
    assert expected[0] == 2
    for key, value in (
        ("decided_by__password__startswith", "md5$"),
        ("phone__startswith", "06 00 00 00 01"),
        ("college__referents_group__user__password__gt", "~"),
    ):
        assert rows(client.get(ADHESIONS, {key: value})) == expected


def test_viewset_listings_ignore_lookups_across_relations(listings):
    client = logged_in("coordination")
    for url, key in (
        (reverse("prises_en_charge_frais:index"), "registration__user__password__startswith"),
        (reverse("dossiers_suivis:index"), "user__password__startswith"),
    ):
        expected = rows(client.get(url))
        assert expected[0] > 0
        for value in ("md5$", "argon2"):
            response = client.get(url, {key: value})
            assert response.status_code == 200
            assert rows(response) == expected


# -- unknown keys and bad values ---------------------------------------------------------


@pytest.mark.parametrize("query", [{"page": "2"}, {"foo": "1"}, {"college": "x"}])
def test_unknown_query_parameter_is_ignored_not_a_500(listings, query):
    client = logged_in("odile")
    expected = rows(client.get(MEMBERS))
    response = client.get(MEMBERS, query)
    assert response.status_code == 200
    assert rows(response) == expected


def test_unknown_parameters_are_not_carried_into_the_search_form(listings):
    response = logged_in("odile").get(MEMBERS, {"foo": "1", "status__exact": "active"})
    params = response.context["view"].params
    assert "foo" not in params
    assert params["status__exact"] == "active"
    assert 'name="foo"' not in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"status__exact": "zzz"},
        {"status": "zzz"},
        {"colleges__id__exact": "abc"},
        {"colleges__isnull": "zzz"},
        {"territory__id__exact": "99999999999999999999"},
        {"o": "abc"},
        {"p": "99999"},
        {"q": "\x00"},
    ],
)
def test_bad_value_of_a_known_parameter_is_not_a_500(listings, query):
    response = logged_in("coordination").get(MEMBERS, query)
    assert response.status_code == 200


def test_declared_filter_with_a_value_its_field_refuses_is_ignored(listings):
    client = logged_in("coordination")
    expected = rows(client.get(MEMBERS))
    response = client.get(MEMBERS, {"colleges__id__exact": "abc"})
    assert rows(response) == expected
    assert "colleges__id__exact" not in response.context["view"].params


def test_a_late_refusal_of_a_filter_value_is_a_400_in_french(listings, monkeypatch):
    # Values are checked before the listing is built; should a filter still refuse its value
    # while filtering, the listing answers 400, not 500.
    monkeypatch.setattr(
        admin_querystring.DeclaredQueryIndexView,
        "filter_accepts_its_values",
        lambda self, request, spec: True,
    )
    response = logged_in("coordination").get(MEMBERS, {"colleges__id__exact": "abc"})
    assert response.status_code == 400
    assert "filtre" in response.content.decode()


# -- what the listings still do ------------------------------------------------------------


def test_declared_filters_still_filter(listings):
    client = logged_in("coordination")
    college = College.objects.get(slug="developpement-local")
    response = client.get(MEMBERS, {"colleges__id__exact": str(college.pk)})
    listed = {member.pk for member in response.context["object_list"]}
    assert listed == set(Member.objects.filter(colleges=college).values_list("pk", flat=True))
    response = client.get(ADHESIONS, {"status__exact": "accepted"})
    assert rows(response)[0] == 0


def test_search_ordering_and_pages_still_work(listings):
    client = logged_in("coordination")
    response = client.get(MEMBERS, {"q": "odile"})
    assert {member.user.username for member in response.context["object_list"]} == {"odile"}
    by_name = client.get(MEMBERS, {"o": "0"}).context["object_list"]
    names = [member.user.last_name for member in by_name]
    assert names == sorted(names)
    assert client.get(MEMBERS, {"p": "1"}).status_code == 200


def test_export_ignores_lookup_parameters(listings):
    client = logged_in("odile")
    full = b"".join(client.get(MEMBERS, {"export": "csv"}).streaming_content)
    probed = client.get(MEMBERS, {"export": "csv", "user__password__startswith": "argon2"})
    assert b"".join(probed.streaming_content) == full


def test_viewset_listings_answer_bad_values_without_a_500(listings):
    client = logged_in("coordination")
    for url, query in (
        (reverse("prises_en_charge_frais:index"), {"status": "zzz"}),
        (reverse("dossiers_suivis:index"), {"dossier": "abc"}),
        (reverse("dossiers_suivis:index"), {"dossier": "99999999999999999999"}),
        (reverse("dossiers_suivis:index"), {"ordering": "user__password"}),
        (reverse("dossiers_suivis:index"), {"p": "99999"}),
    ):
        assert client.get(url, query).status_code < 500, (url, query)
