"""Showing a diff: deleted and inserted words, marked up so that colour is never the only cue."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from cms.reglement.diff import Change, Segment

register = template.Library()

# Screen readers rarely announce <del>/<ins>: a hidden word says it, and the CSS strikes
# deleted words through and underlines inserted ones (see the legend on the page).
_MARKUP = {
    Change.EQUAL: "{}",
    Change.DELETE: '<del><span class="visually-hidden">[supprimé : </span>{}'
    '<span class="visually-hidden">]</span></del>',
    Change.INSERT: '<ins><span class="visually-hidden">[ajouté : </span>{}'
    '<span class="visually-hidden">]</span></ins>',
}


@register.filter
def segments_html(segments: tuple[Segment, ...]) -> SafeString:
    """One paragraph of a diff as HTML; every text is escaped."""
    return format_html_join("", "{}", ((format_html(_MARKUP[s.kind], s.text),) for s in segments))
