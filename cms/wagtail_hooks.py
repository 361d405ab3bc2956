from django.contrib.auth.views import redirect_to_login
from django.db.models import prefetch_related_objects
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from wagtail import hooks
from wagtail.models import BaseViewRestriction

import cms.admin_access  # noqa: F401  (admin listings, choosers, reports: only visible pages)
from cms.access import can_view_file, remember_view_restrictions
from cms.visibility import audience_names


@hooks.register("before_serve_page", order=-10)
def explain_refusal_to_logged_in_readers(page, request, serve_args, serve_kwargs):
    """A logged-in reader who may not see a page gets a 403 that says who may.

    Wagtail would send them to the login form again, which loops: they are already
    logged in. Anonymous readers still go to the login form through Wagtail's own check.
    """
    restrictions = remember_view_restrictions(page)
    if not request.user.is_authenticated:
        return None
    # The reader's groups once, for this check, Wagtail's and every access decision after.
    prefetch_related_objects([request.user], "groups")
    for restriction in restrictions:
        if restriction.restriction_type == BaseViewRestriction.PASSWORD:
            continue
        if not restriction.accept_request(request):
            response = TemplateResponse(
                request,
                "cms/restricted_page.html",
                {
                    "page": page,
                    "audience": audience_names(restriction),
                    "restricted_page": restriction.page,
                },
                status=403,
            )
            add_never_cache_headers(response)
            return response
    return None


@hooks.register("before_serve_document")
def serve_documents_only_to_readers_of_their_pages(document, request):
    if can_view_file(request.user, document):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return TemplateResponse(request, "403.html", status=403)
