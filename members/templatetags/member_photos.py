"""A member's photo where pages name them (the authors of a contribution): ``{% member_photo %}``.

The photo only appears when the reader may see it (members.visibility.may_see_photo);
otherwise nothing is written, and the name stands alone. Readers who are not signed in
never see a photo (no photo is shown to « Tout le monde »), so pages kept in the
anonymous page cache carry none.
"""

from __future__ import annotations

from django import template
from django.http import HttpRequest
from django.utils.html import format_html

from members.models import Member
from members.photos import rendition_url
from members.visibility import Viewer, may_see_photo

register = template.Library()


def viewer_of(request: HttpRequest) -> Viewer:
    """The request's viewer, computed once however many names the page shows."""
    viewer = getattr(request, "_member_photo_viewer", None)
    if viewer is None:
        viewer = Viewer.of(request.user)
        request._member_photo_viewer = viewer  # type: ignore[attr-defined]  # per-request cache
    return viewer


def visible_photo_url(request: HttpRequest | None, member: Member) -> str:
    """The square photo's address for this request's reader, or "" when they may not see it."""
    user = getattr(request, "user", None)
    if request is None or member.photo_id is None or user is None or not user.is_authenticated:
        return ""
    # Prefetch ``memberships`` for a list (cms.dossiers.pages.with_shown_names does).
    college_ids = {membership.college_id for membership in member.memberships.all()}
    if not may_see_photo(viewer_of(request), member, college_ids):
        return ""
    return rendition_url(member)


@register.simple_tag(takes_context=True)
def member_photo(context, member: Member) -> str:
    """A small round photo, decorative: the name is written right after it."""
    url = visible_photo_url(context.get("request"), member)
    if not url:
        return ""
    return format_html(
        '<img class="avatar avatar--small" src="{}" alt="" width="32" height="32">', url
    )
