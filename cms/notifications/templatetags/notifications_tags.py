from django import template
from django.contrib.auth.models import AnonymousUser

from cms.access import can_view_page
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
        "public": can_view_page(AnonymousUser(), dossier),
        "csrf_token": context.get("csrf_token"),
    }
