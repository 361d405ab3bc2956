"""``{% audience_cache name vary… %}…{% endaudience_cache %}``: a fragment cached per audience.

The fragment is rendered once for the readers who may see the same pages and served to the
others (``cms.audience``). Put inside only what the visible pages decide: never the reader's
name, rights, CSRF token or personal lists.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from cms.audience import for_audience

register = template.Library()


class AudienceCacheNode(template.Node):
    def __init__(self, nodelist, name, vary_on) -> None:
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on

    def render(self, context) -> SafeString:
        request = context.get("request")
        # A preview shows a draft: it must neither be served from nor left in the cache.
        if request is None or getattr(request, "is_preview", False):
            return self.nodelist.render(context)
        name = str(self.name.resolve(context))
        # The host too: with several sites, the same page's address differs.
        vary_on = [request.get_host(), *(value.resolve(context) for value in self.vary_on)]
        html = for_audience(request.user, name, lambda: self.nodelist.render(context), vary_on)
        # Rendered by this very template from escaped values, as it is without the cache.
        return mark_safe(html)


@register.tag("audience_cache")
def audience_cache(parser, token) -> AudienceCacheNode:
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(
            f"« {bits[0]} » veut un nom de fragment (et, au besoin, ce dont il dépend)."
        )
    nodelist = parser.parse(("endaudience_cache",))
    parser.delete_first_token()
    return AudienceCacheNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]]
    )
