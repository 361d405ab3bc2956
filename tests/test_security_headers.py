"""Security headers: a Content-Security-Policy on every response (one for the site without
'unsafe-inline', one for Wagtail's admin), a Permissions-Policy, and no request to another
host, the admin included (no Gravatar)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import override_settings

TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"
# Printed to PDF on the server by WeasyPrint, never served as a web page.
PDF_TEMPLATES = {"exports"}
# Attributes that make a browser fetch something (links to other sites are not requests).
FETCHING = re.compile(
    r"""<(?:script|img|iframe|source|video|audio|embed|object|input)\b[^>]*?\s"""
    r"""(?:src|data|poster|srcset)=["']([^"']+)["']"""
    r"""|<link\b[^>]*?\shref=["']([^"']+)["']"""
    r"""|url\(\s*["']?([^)"']+)""",
    re.I,
)


def csp_of(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def other_hosts(html: str) -> set[str]:
    hosts = set()
    for match in FETCHING.finditer(html):
        for url in filter(None, match.groups()):
            for candidate in url.split(","):
                candidate = candidate.strip().split(" ")[0]
                netloc = urlsplit(candidate).netloc
                if netloc and netloc != "testserver":
                    hosts.add(netloc)
    return hosts


def site_templates() -> list[Path]:
    return [
        path
        for path in TEMPLATES_DIR.rglob("*.html")
        if path.relative_to(TEMPLATES_DIR).parts[0] not in PDF_TEMPLATES
    ]


@pytest.mark.parametrize("path", ["/", "/connexion/", "/mot-de-passe/oublie/", "/recherche/"])
@override_settings(DEBUG=False)
def test_site_pages_carry_a_policy_without_unsafe_inline(client, demo, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = csp_of(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]


@override_settings(DEBUG=False)
def test_a_member_s_pages_and_error_pages_carry_the_site_policy(client, demo):
    client.force_login(get_user_model().objects.get(username="membre"))
    for path, status in [("/mon-espace/", 200), ("/cette-page-n-existe-pas/", 404)]:
        response = client.get(path)
        assert response.status_code == status, path
        assert csp_of(response)["script-src"] == ["'self'"], path


def test_site_templates_have_no_inline_script_style_or_handler():
    inline = re.compile(
        r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=|javascript:", re.I
    )
    offenders = [
        f"{path.relative_to(TEMPLATES_DIR)}: {match.group(0)}"
        for path in site_templates()
        for match in inline.finditer(path.read_text())
    ]
    assert offenders == []


@override_settings(DEBUG=False)
def test_the_admin_has_its_own_policy_that_allows_inline_code_but_no_other_host(client, demo):
    client.force_login(get_user_model().objects.get(username="coordination"))
    response = client.get("/admin/")
    assert response.status_code == 200
    policy = csp_of(response)
    # Wagtail 8 still writes inline scripts (wagtail/wagtail#12940); eval stays refused.
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["connect-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert all(
        value in {"'self'", "'none'", "'unsafe-inline'", "data:", "blob:"}
        for values in policy.values()
        for value in values
    ), policy


@override_settings(DEBUG=False)
def test_the_admin_dashboard_references_no_other_host(client, demo):
    client.force_login(get_user_model().objects.get(username="coordination"))
    for path in ["/admin/", "/admin/account/", "/admin/pages/"]:
        html = client.get(path).content.decode()
        assert other_hosts(html) == set(), path
        assert "gravatar" not in html.lower(), path


def test_gravatar_is_turned_off():
    from wagtail.users.utils import get_gravatar_url

    assert get_gravatar_url("coordination@example.org") is None


@pytest.mark.parametrize("path", ["/", "/admin/login/", "/static/css/site.css"])
def test_every_response_denies_camera_microphone_and_geolocation(client, demo, path):
    response = client.get(path)
    policy = response.headers.get("Permissions-Policy", "")
    for feature in ["camera=()", "microphone=()", "geolocation=()", "payment=()"]:
        assert feature in policy, path
