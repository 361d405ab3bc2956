"""iCalendar files for one meeting or a list of meetings (RFC 5545, with the icalendar package)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.html import strip_tags
from wagtail.rich_text import expand_db_html

from cms.meetings.emails import event_url

PRODID = "-//Convention des acteurs du travail social//Rencontres//FR"
_BLOCK_END = re.compile(r"</(p|h[1-6]|li|ul|ol|blockquote)>|<br\s*/?>", re.IGNORECASE)


def local_time(moment: datetime) -> datetime:
    """The moment in the site's time zone, so calendars show the meeting's wall-clock time."""
    return timezone.localtime(moment, ZoneInfo(settings.TIME_ZONE))


def rich_text_to_plain(value: str) -> str:
    """Rich text as plain text: one paragraph per block, no markup."""
    text = _BLOCK_END.sub("\n", expand_db_html(value or ""))
    lines = [" ".join(html.unescape(strip_tags(line)).split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def description_of(event) -> str:
    parts = []
    programme = rich_text_to_plain(event.programme)
    if programme:
        parts.append("Programme :\n" + programme)
    speakers = event.speaker_list()
    if speakers:
        parts.append("Intervenants :\n" + "\n".join(f"- {name}" for name in speakers))
    if event.video_url:
        parts.append(f"Visioconférence : {event.video_url}")
    parts.append(f"Informations et inscription : {event_url(event)}")
    return "\n\n".join(parts)


def uid_of(event) -> str:
    # The translation key never changes, even when the page is moved or renamed.
    return f"rencontre-{event.translation_key}@convention-intranet"


def vevent_for(event, stamp: datetime) -> icalendar.Event:
    vevent = icalendar.Event()
    vevent.add("uid", uid_of(event))
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", local_time(event.start))
    if event.end:
        vevent.add("dtend", local_time(event.end))
    vevent.add("summary", event.title)
    location = event.location or event.video_url
    if location:
        vevent.add("location", location)
    vevent.add("url", event_url(event))
    vevent.add("description", description_of(event))
    if event.last_published_at:
        vevent.add("last-modified", event.last_published_at)
    return vevent


def calendar_for(events: Iterable, name: str) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now().astimezone(ZoneInfo("UTC"))
    for event in events:
        calendar.add_component(vevent_for(event, stamp))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def ics_response(content: bytes, filename: str, private: bool) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if private:
        # Chosen for this reader: no shared cache may keep it.
        patch_cache_control(response, private=True, no_store=True)
    return response
