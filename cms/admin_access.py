"""The admin lists, chooses and reports only pages the user may view.

Rights on pages are narrowed in ``cms.models.base`` (the page permission tester and
policy): this covers every screen Wagtail builds from rights (explorer listings, admin
search, the sidebar explorer, locked pages, aging pages, workflow reports, site history).
This module covers the screens Wagtail builds from other queries:

- the explorer of a page one may not view (its title, status and breadcrumbs): refused;
- the page chooser (browse and search), which lists the whole tree: filtered, and the
  browse of a page one may not view refused;
- the dashboard panels (pages awaiting one's review, one's submissions, recent edits,
  locked pages), built from the workflow and the audit log: filtered;
- four screens without a hook, patched here: the workflow action messages (they quote
  the title of any page id: not of a page one may not view), the "page types usage"
  report (it counts and names the last edited page of each type over the whole tree:
  refused to whoever does not see every page), the chooser's "chosen" endpoint (titles by
  id: filtered) and the external link form (it turns a URL into the title of the matching
  page: no conversion for whoever does not see every page).

Coordination and superusers see everything (``cms.models.base.sees_every_page``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, QueryDict
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.ui.components import Component
from wagtail.admin.views import home
from wagtail.admin.views.chooser import (
    BaseLinkFormView,
    ChosenMultipleView,
    ExternalLinkView,
    page_models_from_string,
)
from wagtail.admin.views.pages.workflow import PreviewRevisionForTaskView, WorkflowPageViewMixin
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView
from wagtail.models import Page

from cms.models.base import admin_can_view, admin_visible_pages, sees_every_page

# -- explorer ------------------------------------------------------------------------


@hooks.register("construct_explorer_page_queryset")
def explore_only_visible_pages(parent_page: Page, pages, request: HttpRequest):
    # The explorer of a page shows its title, status and ancestors before any child.
    if not admin_can_view(request.user, parent_page):
        raise PermissionDenied
    return admin_visible_pages(request.user, pages)


# -- page chooser ------------------------------------------------------------------------


def _chooser_parent(request: HttpRequest) -> Page | None:
    """The page whose children the chooser shows, as Wagtail's BrowseView finds it."""
    match = request.resolver_match
    if match is None or match.url_name not in {
        "wagtailadmin_choose_page",
        "wagtailadmin_choose_page_child",
    }:
        return None
    parent_id = match.kwargs.get("parent_page_id")
    if parent_id:
        return Page.objects.filter(pk=parent_id).first()
    page_type = request.GET.get("page_type")
    if not page_type:
        return None  # the root, which is no one's secret
    try:
        models = page_models_from_string(page_type)
    except (ValueError, LookupError):
        return None  # Wagtail answers 404
    # Without a parent, Wagtail opens the common ancestor of the pages of these types.
    if models == (Page,):
        return None
    return Page.objects.type(*models).first_common_ancestor()


@hooks.register("construct_page_chooser_queryset")
def choose_only_visible_pages(pages, request: HttpRequest):
    parent = _chooser_parent(request)
    if parent is not None and not admin_can_view(request.user, parent):
        # Its title heads the list; none of its pages may be chosen anyway.
        raise PermissionDenied
    return admin_visible_pages(request.user, pages)


_chosen_multiple = ChosenMultipleView.get


def _chosen_multiple_visible(self, request: HttpRequest, *args, **kwargs):
    # Answers with the title and URL of the pages named in the query string.
    ids = [pk for pk in request.GET.getlist("id") if pk.isdigit()]
    visible = admin_visible_pages(request.user, Page.objects.filter(pk__in=ids))
    query = request.GET.copy()
    query.setlist("id", [str(pk) for pk in visible.values_list("pk", flat=True)])
    request.GET = QueryDict(query.urlencode())
    return _chosen_multiple(self, request, *args, **kwargs)


ChosenMultipleView.get = _chosen_multiple_visible

_external_link_post = ExternalLinkView.post


def _external_link_post_without_conversion(self, request: HttpRequest, *args, **kwargs):
    # Converting a URL to an internal link answers with the matching page's draft title.
    if sees_every_page(request.user):
        return _external_link_post(self, request, *args, **kwargs)
    return BaseLinkFormView.post(self, request, *args, **kwargs)


ExternalLinkView.post = _external_link_post_without_conversion


# -- reports -------------------------------------------------------------------------------

PAGE_TYPES_USAGE_MENU_NAME = "page-types-usage"

_page_types_usage_dispatch = PageTypesUsageReportView.dispatch


def _page_types_usage_for_those_who_see_all(self, request: HttpRequest, *args, **kwargs):
    # The report counts and names pages over the whole tree: no hook filters it.
    if not sees_every_page(request.user):
        raise PermissionDenied
    return _page_types_usage_dispatch(self, request, *args, **kwargs)


PageTypesUsageReportView.dispatch = _page_types_usage_for_those_who_see_all


@hooks.register("construct_reports_menu")
def hide_page_types_usage(request: HttpRequest, menu_items: list) -> None:
    if not sees_every_page(request.user):
        menu_items[:] = [item for item in menu_items if item.name != PAGE_TYPES_USAGE_MENU_NAME]


# -- dashboard -------------------------------------------------------------------------------


def _shown(user, obj) -> bool:
    """Whether a panel may list this workflow object: any object but a page one may not view."""
    return not isinstance(obj, Page) or admin_can_view(user, obj)


class _VisibleOnly(Component):
    """A dashboard panel whose context keeps, of what it lists, what its reader may view."""

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        self.keep_visible(parent_context["request"].user, context)
        return context

    def keep_visible(self, user, context: dict) -> None:
        raise NotImplementedError


class WorkflowObjectsToModeratePanel(_VisibleOnly, home.WorkflowObjectsToModeratePanel):
    def keep_visible(self, user, context: dict) -> None:
        context["states"] = [state for state in context["states"] if _shown(user, state["obj"])]


class UserObjectsInWorkflowModerationPanel(_VisibleOnly, home.UserObjectsInWorkflowModerationPanel):
    def keep_visible(self, user, context: dict) -> None:
        context["workflow_states"] = [
            state for state in context["workflow_states"] if _shown(user, state.content_object)
        ]


class RecentEditsPanel(_VisibleOnly, home.RecentEditsPanel):
    def keep_visible(self, user, context: dict) -> None:
        context["last_edits"] = [
            (date, page) for date, page in context["last_edits"] if admin_can_view(user, page)
        ]


class LockedPagesPanel(_VisibleOnly, home.LockedPagesPanel):
    def keep_visible(self, user, context: dict) -> None:
        context["locked_pages"] = admin_visible_pages(user, context["locked_pages"])


FILTERED_PANELS = {
    home.WorkflowObjectsToModeratePanel: WorkflowObjectsToModeratePanel,
    home.UserObjectsInWorkflowModerationPanel: UserObjectsInWorkflowModerationPanel,
    home.RecentEditsPanel: RecentEditsPanel,
    home.LockedPagesPanel: LockedPagesPanel,
}


@hooks.register("construct_homepage_panels")
def show_only_visible_pages_on_dashboard(request: HttpRequest, panels: list) -> None:
    # A page's visibility can narrow after one edited, submitted or locked it.
    for index, panel in enumerate(panels):
        filtered = FILTERED_PANELS.get(type(panel))
        if filtered is not None:
            panels[index] = filtered()


# -- workflow actions -----------------------------------------------------------------------

NOT_IN_REVIEW = "Cette page n'attend pas de relecture de votre part."


def _without_the_title_of_hidden_pages(view_class: type, name: str) -> None:
    original = getattr(view_class, name)

    def message(self, *args, **kwargs):
        # Wagtail's message quotes the page's title, for any page id in the URL.
        if admin_can_view(self.request.user, self.object):
            return original(self, *args, **kwargs)
        messages.error(self.request, NOT_IN_REVIEW)
        return None

    setattr(view_class, name, message)


_without_the_title_of_hidden_pages(WorkflowPageViewMixin, "add_not_in_moderation_error")
_without_the_title_of_hidden_pages(PreviewRevisionForTaskView, "add_error_message")
