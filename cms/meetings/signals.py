"""When an editor publishes a meeting with more places (or no limit), the waiting list moves up."""

from __future__ import annotations

from wagtail.signals import page_published

from cms.meetings.pages import EventPage
from cms.meetings.services import fill_free_places


def promote_after_publish(sender, instance, **kwargs) -> None:
    fill_free_places(instance)


def connect() -> None:
    page_published.connect(
        promote_after_publish, sender=EventPage, dispatch_uid="meetings.promote_after_publish"
    )
