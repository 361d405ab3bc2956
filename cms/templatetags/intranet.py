from django import template
from wagtail.models import Page, Site

from cms.access import visible_pages

register = template.Library()


@register.simple_tag(takes_context=True)
def main_navigation(context) -> list[Page]:
    """The conventions under the home page that the reader may see."""
    request = context.get("request")
    if request is None:
        return []
    site = Site.find_for_request(request)
    if site is None:
        return []
    children = Page.objects.child_of(site.root_page).live().in_menu()
    return list(visible_pages(request.user, children).order_by("path"))


@register.simple_tag(takes_context=True)
def site_home(context) -> Page | None:
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    return site.root_page if site else None


@register.simple_tag
def breadcrumb_trail(page: Page) -> list[Page]:
    """Ancestors of a page from the home page down (visible to whoever sees the page)."""
    return list(page.get_ancestors().filter(depth__gte=2))


@register.filter
def paragraphs(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split("\n\n") if part.strip()]


@register.filter
def is_within(page, ancestor) -> bool:
    return bool(page) and bool(ancestor) and page.path.startswith(ancestor.path)


@register.filter
def shown_name(member) -> str:
    """A member's public name: first name and initial for the accompanied college."""
    from members.visibility import shown_name as member_shown_name

    return member_shown_name(member)
