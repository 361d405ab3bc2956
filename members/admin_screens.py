"""The base of the project's own screens in the Wagtail admin that only some people open.

A screen says who may open it (``may_open``: coordination unless it says otherwise); anyone
else gets Wagtail's 403 page before anything is read. Its title is also the last step of
its breadcrumbs, as on Wagtail's own screens.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from members.permissions import is_coordination


class RestrictedAdminScreen(WagtailAdminTemplateMixin, TemplateView):
    """A template screen of the admin for the people ``may_open`` admits."""

    def may_open(self, user) -> bool:
        return is_coordination(user)

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        if not self.may_open(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict]:
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]
