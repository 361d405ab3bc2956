"""One log line per request: method, route, status, duration; nothing about the reader.

The path itself is not written: some carry secrets (a private feed's token, a password
reset link) or names (a member's page). The route is the URL pattern that answered
(``flux/prive/<str:token>/``), the same for everyone. With ``LOG_FORMAT=json`` each line is
one JSON object (``JsonFormatter``), for a log collector.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("intranet.requests")


def route_of(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "?"
    if match.url_name == "wagtail_serve":
        return "page"  # a page of the tree: its path may name a person
    return "/" + match.route


class RequestLogMiddleware:
    """First in MIDDLEWARE, so that the duration counts every other middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        logger.info(
            "%s %s %s %sms",
            request.method,
            route_of(request),
            response.status_code,
            duration_ms,
            extra={
                "method": request.method,
                "route": route_of(request),
                "status": response.status_code,
                "duration_ms": duration_ms,
            },
        )
        return response


class JsonFormatter(logging.Formatter):
    """A log record as one JSON line: time, level, logger, message and request fields."""

    FIELDS = ("method", "route", "status", "duration_ms")

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update({name: getattr(record, name) for name in self.FIELDS if hasattr(record, name)})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)
