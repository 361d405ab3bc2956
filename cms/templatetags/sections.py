"""``{% section "anchor" "Heading" %}…{% endsection %}``: a part of a page under its own h2.

Renders ``<section aria-labelledby="anchor"><h2 id="anchor">Heading</h2>…</section>``: the
section is a region named by its heading, and the anchor is where a page's table of
contents links to. The id and the heading may be variables; both are escaped.
"""

from __future__ import annotations

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.utils.html import format_html

register = template.Library()


class SectionNode(template.Node):
    def __init__(self, anchor: FilterExpression, heading: FilterExpression, nodelist: NodeList):
        self.anchor = anchor
        self.heading = heading
        self.nodelist = nodelist

    def render(self, context) -> str:
        anchor = self.anchor.resolve(context)
        return format_html(
            '<section aria-labelledby="{}">\n  <h2 id="{}">{}</h2>{}</section>',
            anchor,
            anchor,
            self.heading.resolve(context),
            self.nodelist.render(context),
        )


@register.tag
def section(parser: Parser, token: Token) -> SectionNode:
    bits = token.split_contents()
    if len(bits) != 3:
        raise template.TemplateSyntaxError(
            '{% section %} takes an anchor and a heading: {% section "id" "Titre" %}.'
        )
    nodelist = parser.parse(("endsection",))
    parser.delete_first_token()
    return SectionNode(parser.compile_filter(bits[1]), parser.compile_filter(bits[2]), nodelist)
