"""Shared fixtures. Under CI=true, services the suite needs must be there: no silent skips."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from cms.content_loader import ContentLoader

DEMO_CONTENT = Path(settings.BASE_DIR) / "cms" / "content" / "demo.json"
IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_configure(config):
    engine = settings.DATABASES["default"]["ENGINE"]
    if IN_CI and "postgresql" not in engine:
        raise pytest.UsageError(
            f"CI=true but DATABASE_URL does not point at PostgreSQL (engine: {engine}). "
            "The suite must run on PostgreSQL in CI."
        )


def load(data: dict):
    """Load a content document the way `manage.py load_content` does."""
    return ContentLoader(data).load()


COLLEGES = [
    {"slug": "personnes-accompagnees", "name": "Personnes accompagnées"},
    {"slug": "acteurs-formation", "name": "Acteurs de la formation"},
    {"slug": "collectivites-territoriales", "name": "Collectivités territoriales"},
]


@pytest.fixture
def colleges(db):
    load({"colleges": COLLEGES})


@pytest.fixture
def people(colleges):
    """One user per situation the visibility rules care about."""
    load(
        {
            "users": [
                {"username": "pa", "password": "x-secret-1", "colleges": ["personnes-accompagnees"],
                 "roles": ["member"]},
                {"username": "formation", "password": "x-secret-1", "colleges": ["acteurs-formation"],
                 "roles": ["member"]},
                {"username": "deux", "password": "x-secret-1",
                 "colleges": ["personnes-accompagnees", "collectivites-territoriales"], "roles": ["member"]},
                {"username": "coord", "password": "x-secret-1", "colleges": ["acteurs-formation"],
                 "roles": ["member", "coordination"]},
                {"username": "sans-college", "password": "x-secret-1"},
            ]
        }
    )
    User = get_user_model()
    return {user.username: user for user in User.objects.all()}


@pytest.fixture
def demo_content(db):
    return ContentLoader.from_file(DEMO_CONTENT).load()
