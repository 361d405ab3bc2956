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
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% admintable %} needs the rows first.")
    options = {}
    for bit in bits[2:]:
        name, sep, value = bit.partition("=")
        if not sep or name not in OPTIONS:
            raise template.TemplateSyntaxError(
                f"{{% admintable %}}: « {bit} » is not one of {', '.join(OPTIONS)}."
            )
        options[name] = parser.compile_filter(value)
    missing = [name for name in OPTIONS if name not in options]
    if missing:
        raise template.TemplateSyntaxError(f"{{% admintable %}} needs {', '.join(missing)}.")
    nodelist = parser.parse(("endadmintable",))
    parser.delete_first_token()
    return AdminTableNode(parser.compile_filter(bits[1]), options, nodelist)
