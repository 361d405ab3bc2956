"""Files and feeds offered in plain words (issue 12): nobody has to know Atom, .ics or vCard."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Member
from tests.conftest import load, users_by_name
from tests.pages import contribution, dossier_tree, open_dossier

START = (timezone.now() + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
CONTENT = dossier_tree(
    open_dossier(contribution("pub", "Contribution publique", "2024-01-01")),
    beside=(
        {"type": "event_index", "slug": "rencontres", "title": "Rencontres", "children": [
            {"type": "event", "slug": "atelier", "title": "Atelier", "start": START}]},
        {"type": "directory", "slug": "annuaire", "title": "Annuaire"},
    ),
    users=[{"username": "sujet", "password": "x-secret-1", "first_name": "Sophie",
            "last_name": "Vasseur", "email": "sophie@exemple.org",
            "colleges": ["acteurs-formation"], "roles": ["member"],
            "visibility": {"email": "public"}}],
)  # fmt: skip
# Words of file formats that a reader should not need to know; checked in visible text only.
JARGON = re.compile(r"\b(Atom|iCal|vCard)\b|\.ics\b|\bRSS\b")


@pytest.fixture
def site(colleges):
    load(CONTENT)
    return users_by_name()


def visible_text(html: str) -> str:
    """The page's text without tags, scripts and styles (attributes may name the format)."""
    html = re.sub(r"<(script|style|head)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def page_text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return visible_text(response.content.decode())


def test_a_dossier_offers_to_subscribe_to_its_news_in_plain_words(client, site):
    text = page_text(client, "/c/d/ouvert/")
    assert "S’abonner aux nouveautés de ce dossier (lecteur de flux)" in text
    assert not JARGON.search(text)


def test_a_meeting_offers_to_add_it_to_the_readers_calendar(client, site):
    text = page_text(client, "/c/rencontres/atelier/")
    assert "Ajouter à mon agenda" in text
    assert not JARGON.search(text)


def test_the_meetings_list_offers_to_add_the_coming_ones_to_the_calendar(client, site):
    text = page_text(client, "/c/rencontres/")
    assert "Ajouter les rencontres à venir à mon agenda" in text
    assert not JARGON.search(text)


def test_a_member_card_is_offered_as_a_contact_card(client, site):
    member = Member.objects.get(user__username="sujet")
    text = page_text(client, f"/c/annuaire/membres/{member.pk}/")
    assert "Carte de contact" in text
    assert not JARGON.search(text)


def test_the_followed_dossiers_page_explains_feeds_without_their_format(client, site):
    client.force_login(site["sujet"])
    text = page_text(client, reverse("notifications:index"))
    assert "lecteur de flux" in text
    assert not JARGON.search(text)
