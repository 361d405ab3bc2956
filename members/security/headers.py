"""Security headers: a Content-Security-Policy per area, and a Permissions-Policy.

The site's own pages load only the site's scripts and styles, never inline ones. Wagtail's
admin sets style attributes from its scripts (menus, editors, previews), so it gets a policy
of its own that allows inline styles, and only those; neither policy allows another host.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


def admin_prefix() -> str:
    return getattr(settings, "ADMIN_URL_PREFIX", "/admin/")


def permissions_policy() -> str:
    """The Permissions-Policy header: every listed feature denied to every origin."""
    return ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DENIED)


class SecurityHeadersMiddleware(CSPMiddleware):
    """django-csp's middleware, choosing the admin policy under the admin's prefix."""

    def get_policy_parts(
        self,
        request: HttpRequest,
        response: HttpResponseBase,
        report_only: bool = False,
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        # A view's own @csp decorator (parts.config) still wins over the area's policy.
        if (
            not report_only
            and parts.config is None
            and request.path_info.startswith(admin_prefix())
        ):
            parts.config = default_config(settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"])
        return parts

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if getattr(request, "is_dummy", False):
            # Wagtail's previews run the page through the middleware again, with the
            # page's path: the admin request around it sets the admin's headers.
            return response
        response = super().process_response(request, response)
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = permissions_policy()
        return response
