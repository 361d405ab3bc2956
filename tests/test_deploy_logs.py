"""One log line per request, with the route and not the path (cms/request_log.py, issue 13)."""

from __future__ import annotations

import json
import logging

import pytest

from cms.request_log import JsonFormatter


@pytest.fixture
def request_lines(caplog):
    caplog.set_level(logging.INFO, logger="intranet.requests")
    return lambda: [r for r in caplog.records if r.name == "intranet.requests"]


def test_each_request_is_logged_with_status_and_duration(client, request_lines):
    client.get("/sante/")
    (record,) = request_lines()
    assert (record.method, record.route, record.status) == ("GET", "/sante/", 200)
    assert record.duration_ms >= 0


@pytest.mark.django_db
def test_a_secret_in_the_path_is_not_logged(client, request_lines):
    client.get("/flux/prive/jeton-tres-secret/")
    (record,) = request_lines()
    assert record.route == "/flux/prive/<str:token>/"
    assert "jeton-tres-secret" not in record.getMessage()


def test_the_json_formatter_writes_one_object_per_line(client, request_lines):
    client.get("/sante/")
    line = JsonFormatter().format(request_lines()[0])
    assert "\n" not in line
    data = json.loads(line)
    assert (
        data["route"] == "/sante/"
        and data["status"] == 200
        and data["logger"] == ("intranet.requests")
    )
