from django import template

from cms.access import is_public_page
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
        # From the restrictions read for the reader's own decision: no query of its own.
        "public": is_public_page(dossier, getattr(request, "user", None)),
        "csrf_token": context.get("csrf_token"),
    }
