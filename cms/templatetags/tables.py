"""The table component (docs/design-system.md, « Table ») and breaks for long addresses.

``{% datatable %}`` draws a table of the site: inside a focusable region that scrolls on
its own when the table is wider than the screen, with its caption, and (unless ``stack``
is false) the name of its column before each cell's content, which the stylesheet shows
only when the table is stacked on a phone. The labels are ``aria-hidden``: the table keeps
its semantics when stacked, and screen readers announce the column headers themselves.

    {% datatable "propositions-tableau" caption="Mes propositions" page_obj=proposals %}
      <thead><tr><th scope="col">Titre</th>…</tr></thead>
      <tbody>…</tbody>
    {% enddatatable %}

Options: ``caption`` (required), ``caption_hidden`` (default true: the section's heading
says it), ``labelledby`` (the id naming the region, the caption's by default), ``stack``
(default true), ``page_obj`` (pagination under the table). The columns are the ``<th>``
of the ``<thead>``; a stacked table has no ``colspan``.
"""

from __future__ import annotations

import re

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.template.loader import render_to_string
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

TEMPLATE = "includes/table.html"
_HEAD = re.compile(r"<thead\b.*?</thead>", re.S)
_HEADER_CELL = re.compile(r"<th\b[^>]*>(.*?)</th>", re.S)
_BODY = re.compile(r"<tbody\b.*?</tbody>", re.S)
_ROW = re.compile(r"<tr\b.*?</tr>", re.S)
_CELL_START = re.compile(r"<t[dh]\b[^>]*>")
# Where an address may break: after the @, and before each dot (the dot starting the next
# line says that the address goes on).
_ADDRESS_BREAK = re.compile(r"(?<=@)|(?=\.)")


def column_labels(html: str) -> list[str]:
    """The text of each header cell of the table's head (already escaped HTML)."""
    head = _HEAD.search(html)
    if head is None:
        return []
    return [" ".join(strip_tags(cell).split()) for cell in _HEADER_CELL.findall(head.group())]


def _labelled_row(row: str, labels: list[str]) -> str:
    cells = iter(labels)

    def add_label(start: re.Match) -> str:
        label = next(cells, "")
        if not label:
            return start.group()
        return f'{start.group()}<span class="cell-label" aria-hidden="true">{label}</span>'

    return _CELL_START.sub(add_label, row)


def with_cell_labels(html: str) -> str:
    """The table's rows with each cell starting with its column's label."""
    labels = column_labels(html)
    if not labels:
        return html

    def label_body(body: re.Match) -> str:
        return _ROW.sub(lambda row: _labelled_row(row.group(), labels), body.group())

    return _BODY.sub(label_body, html)


class DataTableNode(template.Node):
    def __init__(self, table_id: FilterExpression, options: dict, nodelist) -> None:
        self.table_id = table_id
        self.options = options
        self.nodelist = nodelist

    def render(self, context) -> str:
        options = {name: value.resolve(context) for name, value in self.options.items()}
        stack = options.get("stack", True)
        body = self.nodelist.render(context)
        return render_to_string(
            TEMPLATE,
            {
                "id": self.table_id.resolve(context),
                "caption": options["caption"],
                "caption_hidden": options.get("caption_hidden", True),
                "labelledby": options.get("labelledby", ""),
                "stack": stack,
                # Rendered by the template engine, which escaped what it had to.
                "body": mark_safe(with_cell_labels(body) if stack else body),
                "page_obj": options.get("page_obj"),
                "request": context.get("request"),
            },
        )


def parse_block_tag(
    parser: Parser,
    token: Token,
    first: str,
    required: tuple[str, ...],
    allowed: tuple[str, ...] = (),
) -> tuple[FilterExpression, dict[str, FilterExpression], NodeList]:
    """``{% tag first name=value… %}…{% endtag %}``: its first argument, its options by name
    (any name, or only those ``allowed``) and its body; a clear error for a missing piece."""
    bits = token.split_contents()
    tag = bits[0]
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"{{% {tag} %}} needs {first} first.")
    options = {}
    for bit in bits[2:]:
        name, sep, value = bit.partition("=")
        if not sep or (allowed and name not in allowed):
            expected = f"one of {', '.join(allowed)}" if allowed else "name=value"
            raise template.TemplateSyntaxError(f"{{% {tag} %}}: « {bit} » is not {expected}.")
        options[name] = parser.compile_filter(value)
    missing = [name for name in required if name not in options]
    if missing:
        raise template.TemplateSyntaxError(f"{{% {tag} %}} needs {', '.join(missing)}=….")
    nodelist = parser.parse((f"end{tag}",))
    parser.delete_first_token()
    return parser.compile_filter(bits[1]), options, nodelist


@register.tag
def datatable(parser: Parser, token: Token) -> DataTableNode:
    """``{% datatable "id" caption=… %}`` with the options of the module's docstring."""
    return DataTableNode(*parse_block_tag(parser, token, "the table's id", required=("caption",)))


@register.filter
def breakable_address(address: str) -> SafeString:
    """The e-mail address, escaped, with ``<wbr>`` where a line may break inside it.

    Without them a long address that does not fit its cell or card is cut anywhere, or
    widens it; with them it wraps after the @ or before a dot, never inside a word.
    """
    if not address:
        return mark_safe("")
    pieces = _ADDRESS_BREAK.split(str(address))
    return mark_safe("<wbr>".join(escape(piece) for piece in pieces if piece))  # each escaped
