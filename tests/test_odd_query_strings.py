"""Odd values in the query strings of the public endpoints: a clear answer, never a 500.

Unicode digits (« ² » is a digit for str.isdigit() but not for int()), NUL characters
(PostgreSQL refuses them in text), huge, negative, exponent and decimal numbers.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from cms.models import DossierPage

ODD_VALUES = [
    "²", "٣", "\x00", "a\x00b", "9" * 400, "-1", "0", "1e3", "1.5", "NaN", "inf", " ", "%",
    "\u202e", "x" * 3000, "2024\x00",
]  # fmt: skip
ENDPOINTS = {
    "/api/search/": ["q", "page", "year", "college", "theme", "type", "territory", "sort"],
    "/recherche/": ["q", "page", "year", "college", "sort"],
    "/api/contributions/": ["page", "dossier"],
    "/paca/annuaire/": ["q", "page", "college", "territory", "expertise"],
    "/paca/annuaire/structures/": ["q", "page", "college", "type"],
}
CASES = [
    (endpoint, parameter, value)
    for endpoint, parameters in ENDPOINTS.items()
    for parameter in parameters
    for value in ODD_VALUES
]


@pytest.fixture
def member_client(client, demo):
    client.force_login(get_user_model().objects.get(username="membre"))
    return client


@pytest.mark.parametrize(
    ("endpoint", "parameter"),
    sorted({(endpoint, parameter) for endpoint, parameter, _ in CASES}),
)
def test_odd_values_get_an_answer_not_a_500(member_client, endpoint, parameter):
    failures = []
    for value in ODD_VALUES:
        response = member_client.get(endpoint, {parameter: value})
        if response.status_code >= 500:
            failures.append(f"{parameter}={value[:20]!r}: {response.status_code}")
    assert not failures, f"{endpoint}: " + ", ".join(failures)


def test_a_unicode_superscript_page_number_is_refused_in_french(member_client):
    response = member_client.get("/api/search/", {"q": "numérique", "page": "²"})
    assert response.status_code == 400
    assert "numéro de page" in response.json()["error"]


def test_a_nul_character_in_the_search_words_is_refused(member_client):
    response = member_client.get("/api/search/", {"q": "accès\x00"})
    assert response.status_code == 400
    assert "« q »" in response.json()["error"]


def test_a_unicode_digit_dossier_id_is_refused(member_client):
    response = member_client.get("/api/contributions/", {"dossier": "²"})
    assert response.status_code == 400
    assert "dossier" in response.json()["error"]


def test_a_dossier_id_past_the_database_integers_is_refused(member_client):
    response = member_client.get("/api/contributions/", {"dossier": str(2**64)})
    assert response.status_code == 400


def test_a_nul_character_in_the_directory_words_is_ignored_with_a_notice(member_client):
    response = member_client.get("/paca/annuaire/", {"q": "Nadia\x00"})
    assert response.status_code == 200
    assert "Un filtre inconnu a été ignoré" in response.content.decode()


def test_the_dossier_api_still_answers_good_values(member_client):
    dossier = DossierPage.objects.get(slug="non-recours-numerique")
    response = member_client.get("/api/contributions/", {"dossier": dossier.pk, "page": "1"})
    assert response.status_code == 200
    assert response.json()["results"]
