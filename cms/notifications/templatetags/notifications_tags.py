from django import template

from cms.access import anonymous_reader, can_view_page
from cms.notifications.preferences import is_following

register = template.Library()


@register.inclusion_tag("notifications/_follow.html", takes_context=True)
def follow_dossier(context, dossier) -> dict:
    """The follow / stop following button and the feed link of a dossier page."""
    request = context["request"]
    return {
        "request": request,
        "user": request.user,
        "dossier": dossier,
        "following": is_following(request.user, dossier),
        # One anonymous reader per request: a new one here decided every restriction again.
        "public": can_view_page(anonymous_reader(request), dossier),
        "csrf_token": context.get("csrf_token"),
    }
