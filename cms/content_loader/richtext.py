"""Plain text of the content file turned into Wagtail rich text."""

from __future__ import annotations

from html import escape


def text_paragraphs(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]


def text_to_html(text: str) -> str:
    """Plain text to rich text: blank lines separate paragraphs, '## ' starts a heading."""
    html = []
    for paragraph in text_paragraphs(text):
        if paragraph.startswith("## "):
            html.append(f"<h2>{escape(paragraph[3:].strip())}</h2>")
        else:
            html.append(
                "<p>" + "<br/>".join(escape(line) for line in paragraph.splitlines()) + "</p>"
            )
    return "".join(html)
