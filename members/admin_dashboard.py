"""The Wagtail admin's dashboard for coordination and referents.

Two jobs, both on Wagtail's home page (``/admin/``):

- **The site summary counts only what its reader may see.** Wagtail counts every page under
  the reader's explorable root: a referent whose spaces sit under the home page read « 48
  pages », pages of other colleges included. ``VisiblePagesSummaryItem`` counts the pages
  Wagtail's page policy lets the reader explore; the project registers that policy in
  ``cms.models.base``, which narrows it with the one access rule (``cms.access``), so the
  number is that of the pages the explorer lists to them. The image and document counts are
  Wagtail's own: they count the files of the collections where the reader may change or
  choose files, which are the files the access rule lets them open in the admin
  (``cms.access._edits_files`` asks the same policy).
- **Panels of what waits for the reader**: adhesion and name change requests (members),
  the proposals they review (the editorial feature's « À relire » section of the member
  home, read through its hook), recent changes in the pages they edit, and whatever the
  features hand in (messages received: ``cms.contact.dashboard``; next meetings:
  ``cms.meetings.dashboard``). ``members`` imports no feature (docs/architecture.md): a feature
  registers its panel in its ``wagtail_hooks.py`` with ``dashboard_panel``::

      @dashboard_panel("messages-recus", "Messages reçus", 130)
      def messages_panel(request):
          if not may_read(request.user):
              return None  # not for this reader
          return listed_panel(waiting_messages, line_of_message, ("message", "messages"),
                              more_url=…, more_label=…, empty=…)

  The function returns None when the panel is not for this reader; otherwise what the
  reader may see and act on, at most ``PANEL_LENGTH`` lines, in a fixed number of queries.
  Every panel looks the same (one template): its heading, a count, a short list, a link to
  the full screen, or a sentence when there is nothing to do.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.navigation import get_site_for_user
from wagtail.admin.site_summary import PagesSummaryItem
from wagtail.admin.ui.components import Component
from wagtail.models import Page, Site
from wagtail.permissions import policy_registry

from members import name_change
from members.adhesion.admin import DECIDE_PERMISSION as DECIDE_ADHESION
from members.adhesion.emails import requester
from members.models import AdhesionRequest, DecidedRequest, DecisionStatus, NameChangeRequest
from members.space.home_sections import HomeItem, HomeSection, member_home_sections

# Lines a panel lists; the full list is one link away.
PANEL_LENGTH = 5
PANEL_TEMPLATE = "members/admin_dashboard/panel.html"


def count_text(count: int, singular: str, plural: str) -> str:
    """« 0 demande », « 1 demande », « 3 demandes »: French takes the singular below 2."""
    return f"{count} {singular if count < 2 else plural}"


# -- the site summary ------------------------------------------------------------------------


def explorable_pages(user):
    """The pages the admin's explorer may list to this user (the project's page policy)."""
    return policy_registry.get_by_type(Page).explorable_instances(user)


class VisiblePagesSummaryItem(PagesSummaryItem):
    """« N pages », counting only the pages the reader may see in the explorer."""

    def get_context_data(self, parent_context: Mapping[str, Any]) -> Mapping[str, Any]:
        site_details = get_site_for_user(self.request.user)
        root_page = site_details["root_page"]
        total = 0
        if root_page:
            total = (
                explorable_pages(self.request.user)
                .descendant_of(root_page, inclusive=True)
                .filter(depth__gt=1)  # the tree's root is no page of the site
                .count()
            )
            if root_page.is_root():
                # As Wagtail does: with one site, link to its home rather than to the root.
                site = Site.objects.filter(is_default_site=True).select_related("root_page")
                root_page = next((s.root_page for s in site), root_page)
        return {
            "root_page": root_page,
            "total_pages": total,
            "site_name": site_details["site_name"],
        }


@hooks.register("construct_homepage_summary_items", order=100)
def count_only_visible_pages(request: HttpRequest, items: list) -> None:
    # Registered after Wagtail's own hook (order 100): replaces its pages item.
    items[:] = [
        VisiblePagesSummaryItem(request) if type(item) is PagesSummaryItem else item
        for item in items
    ]


# -- the panels --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PanelContent:
    """What a panel shows one reader: how many wait, the first lines, where to see them all."""

    count: int
    count_text: str
    lines: Sequence[HomeItem]
    more_url: str
    empty: str
    more_label: str = "Tout voir"


def listed_panel(
    queryset: QuerySet[Any],
    line: Callable[[Any], HomeItem],
    counted: tuple[str, str],
    *,
    more_url: str,
    more_label: str,
    empty: str,
) -> PanelContent:
    """A panel of the first rows of ``queryset``, counted as « N <singular|plural> »: one
    query, and a second for the count only when there are more rows than lines."""
    rows = list(queryset[:PANEL_LENGTH])
    count = len(rows) if len(rows) < PANEL_LENGTH else queryset.count()
    return PanelContent(
        count=count,
        count_text=count_text(count, *counted),
        lines=[line(row) for row in rows],
        more_url=more_url,
        more_label=more_label,
        empty=empty,
    )


class DashboardPanel(Component):
    """A panel of the admin's dashboard, drawn by one template for every feature."""

    template_name = PANEL_TEMPLATE

    def __init__(self, name: str, heading: str, order: int, content: PanelContent) -> None:
        self.name = name
        self.heading = heading
        self.order = order
        self.content = content

    def get_context_data(self, parent_context: Mapping[str, Any] | None = None) -> dict:
        return {
            "panel": self,
            "content": self.content,
            "lines": list(self.content.lines[:PANEL_LENGTH]),
        }


PanelOf = Callable[[HttpRequest], PanelContent | None]


def dashboard_panel(name: str, heading: str, order: int) -> Callable[[PanelOf], PanelOf]:
    """Registers the decorated function, which returns a panel's content for a request (or
    None: not for this reader), as a panel of the admin's dashboard."""

    def register(content_of: PanelOf) -> PanelOf:
        def add_panel(request: HttpRequest, panels: list) -> None:
            content = content_of(request)
            if content is not None:
                panels.append(DashboardPanel(name, heading, order, content))

        hooks.register("construct_homepage_panels", add_panel)
        return content_of

    return register


def _pending_requests_panel(
    model: type[DecidedRequest],
    describe: Callable[[Any], tuple[str, str]],
    *,
    related: tuple[str, ...] = (),
    more_label: str,
    empty: str,
) -> PanelContent:
    """The requests of ``model`` waiting for coordination's decision, oldest first; each
    line is the request's (title, meta) by ``describe``, linked to its inspect view."""
    name = model._meta.model_name
    index_url = reverse(f"members_{name}_modeladmin_index")

    def line(row: Any) -> HomeItem:
        title, meta = describe(row)
        url = reverse(f"members_{name}_modeladmin_inspect", args=[row.pk])
        return HomeItem(title, url, meta=meta, when=timezone.localtime(row.created_at))

    pending = model._default_manager.filter(status=DecisionStatus.PENDING)
    return listed_panel(
        pending.select_related(*related).order_by("created_at"),
        line,
        ("demande en attente", "demandes en attente"),
        more_url=f"{index_url}?status={DecisionStatus.PENDING}",
        more_label=more_label,
        empty=empty,
    )


@dashboard_panel("demandes-adhesion", "Demandes d'adhésion à examiner", 100)
def adhesion_requests_panel(request: HttpRequest) -> PanelContent | None:
    """Coordination decides on adhesion requests."""
    if not request.user.has_perm(DECIDE_ADHESION):
        return None
    return _pending_requests_panel(
        AdhesionRequest,
        lambda row: (requester(row), f"Collège « {row.college} »"),
        related=("college",),
        more_label="Toutes les demandes d'adhésion",
        empty="Aucune demande d'adhésion n'attend de réponse.",
    )


@dashboard_panel("changements-nom", "Changements de nom à confirmer", 110)
def name_change_requests_panel(request: HttpRequest) -> PanelContent | None:
    """Coordination confirms name changes."""
    if not name_change.may_decide(request.user):
        return None
    return _pending_requests_panel(
        NameChangeRequest,
        lambda row: (f"{row.previous_name} → {row.new_name}", ""),
        more_label="Tous les changements de nom",
        empty="Aucun changement de nom n'attend de réponse.",
    )


@dashboard_panel("propositions-a-relire", "Propositions à relire", 120)
def proposals_to_review_panel(request: HttpRequest) -> PanelContent | None:
    """What waits for the reader's review, as the editorial feature lists it on their home
    page (« À relire », ``cms.editorial``): the same section, read through its hook."""
    member = getattr(request.user, "member", None)
    if member is None:
        return None
    section = next(
        (
            s
            for s in member_home_sections(request, member)
            if isinstance(s, HomeSection) and s.anchor == "a-relire"
        ),
        None,
    )
    if section is None:  # the reader reviews nothing
        return None
    lines = list(section.items)
    count = len(lines)
    shown = count_text(count, "proposition attend", "propositions attendent")
    if count >= PANEL_LENGTH:
        shown = f"Au moins {PANEL_LENGTH} propositions attendent"
    return PanelContent(
        count=count,
        count_text=f"{shown} votre relecture",
        lines=lines,
        more_url=reverse("wagtailadmin_reports:workflow"),
        more_label="Suivi des relectures",
        empty="Aucune proposition n'attend votre relecture pour le moment.",
    )


@dashboard_panel("modifications-recentes", "Modifications récentes", 150)
def recent_changes_panel(request: HttpRequest) -> PanelContent | None:
    """The pages last changed, by anyone, among those the reader may change (the project's
    page policy: never a page they may not view)."""
    editable = policy_registry.get_by_type(Page).instances_user_has_any_permission_for(
        request.user, ["change", "publish"]
    )
    rows = list(
        editable.filter(depth__gt=1, latest_revision_created_at__isnull=False).order_by(
            "-latest_revision_created_at", "-pk"
        )[:PANEL_LENGTH]
    )
    if not rows and not editable.exists():
        return None  # the reader edits no page
    return PanelContent(
        count=len(rows),
        count_text=count_text(len(rows), "page modifiée", "dernières pages modifiées"),
        lines=[
            HomeItem(
                page.draft_title or page.title,
                reverse("wagtailadmin_pages:edit", args=[page.pk]),
                meta="Publiée" if page.live and not page.has_unpublished_changes else "Brouillon",
                when=timezone.localtime(page.latest_revision_created_at),
            )
            for page in rows
        ],
        more_url=reverse("wagtailadmin_reports:site_history"),
        more_label="Tout l'historique",
        empty="Aucune page n'a encore été modifiée.",
    )
