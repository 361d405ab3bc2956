"""Plain text of the content file turned into Wagtail rich text."""

from __future__ import annotations

import re
from html import escape

# « [texte](/chemin/) »: a link to a page of this site. Only a path of the site itself, so
# that a text (a member's proposal too) never links to another host or to a script.
SITE_LINK = re.compile(r"\[([^\[\]\n]+)\]\((/[A-Za-z0-9_/-]*)\)")


def text_paragraphs(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]


def _line_html(line: str) -> str:
    return SITE_LINK.sub(r'<a href="\2">\1</a>', escape(line))


def text_to_html(text: str) -> str:
    """Plain text to rich text: blank lines separate paragraphs, '## ' starts a heading,
    ``[texte](/chemin/)`` links to a page of the site."""
    html = []
    for paragraph in text_paragraphs(text):
        if paragraph.startswith("## "):
            html.append(f"<h2>{escape(paragraph[3:].strip())}</h2>")
        else:
            html.append(
                "<p>" + "<br/>".join(_line_html(line) for line in paragraph.splitlines()) + "</p>"
            )
    return "".join(html)
