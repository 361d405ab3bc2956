"""The admin's tables of our own screens: one frame for a table and for its absence.

    {% admintable rows region="Approbations" caption="Approbations des versions" empty="Aucune." %}
      <thead><tr><th scope="col">…</th>…</tr></thead>
      <tbody>…</tbody>
    {% endadmintable %}

With rows, Wagtail's ``listing`` table with its caption (for screen readers only), inside a
region the keyboard reaches, which scrolls sideways on a small screen; without rows, the
``empty`` sentence instead. The site's own tables are ``{% datatable %}`` (``tables.py``).
"""

from __future__ import annotations

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from cms.templatetags.tables import parse_block_tag

register = template.Library()

TEMPLATE = "cms/admin/table.html"
OPTIONS = ("region", "caption", "empty")


class AdminTableNode(template.Node):
    def __init__(
        self, rows: FilterExpression, options: dict[str, FilterExpression], nodelist: NodeList
    ) -> None:
        self.rows = rows
        self.options = options
        self.nodelist = nodelist

    def render(self, context) -> str:
        options = {name: value.resolve(context) for name, value in self.options.items()}
        has_rows = bool(self.rows.resolve(context))
        return render_to_string(
            TEMPLATE,
            {
                **options,
                "has_rows": has_rows,
                # Rendered by the template engine, which escaped what it had to.
                "body": mark_safe(self.nodelist.render(context)) if has_rows else "",
            },
        )


@register.tag
def admintable(parser: Parser, token: Token) -> AdminTableNode:
    """``{% admintable rows region=… caption=… empty=… %}``: see the module's docstring."""
    rows, options, nodelist = parse_block_tag(
        parser, token, "the rows", required=OPTIONS, allowed=OPTIONS
    )
    return AdminTableNode(rows, options, nodelist)
