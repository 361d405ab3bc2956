"""The editorial sections of a member's home page (``members.space.home_sections``):
« À relire » for referents and coordination, « Mes propositions » for every member."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField
from django.db.models.functions import Cast
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, TaskState

from cms.access import visible_pages
from cms.dossiers.pages import DossierIndexPage
from cms.editorial.models import CollegeReviewTaskState
from cms.editorial.queries import proposals_of
from cms.member_home import first_visible_url, parent_path, parent_titles
from members.roles import COORDINATION_GROUP, REFERENTS_GROUP
from members.space.home_sections import SECTION_LENGTH, EmptyState, HomeItem, SectionContent

NO_REVIEW = "Aucune proposition n’attend votre relecture pour le moment."
NO_PROPOSAL = "Vous n’avez encore proposé aucune contribution."


def reviews_proposals(user) -> bool:
    """Referents (their colleges' proposals) and coordination review; other members do not."""
    if user.is_superuser:
        return True
    return user.groups.filter(name__in=(REFERENTS_GROUP, COORDINATION_GROUP)).exists()


def _in_dossier(titles: dict[str, str], page: Page) -> str:
    title = titles.get(parent_path(page))
    return f"Dossier « {title} »" if title else ""


def to_review(request: HttpRequest) -> SectionContent | None:
    """The pages waiting for this person's review at a step of the workflow, the latest
    sent first, among the pages they may see; None for someone who reviews nothing."""
    user = request.user
    if not reviews_proposals(user):
        return None
    visible_keys = (
        visible_pages(user, Page.objects.all())
        .annotate(key=Cast("pk", output_field=CharField()))
        .values("key")
    )
    states = list(
        TaskState.objects.reviewable_by(user)
        .filter(
            workflow_state__base_content_type=ContentType.objects.get_for_model(Page),
            workflow_state__object_id__in=visible_keys,
        )
        .select_related("workflow_state")
        .order_by("-started_at", "-pk")[:SECTION_LENGTH]
    )
    pages = Page.objects.in_bulk([int(state.workflow_state.object_id) for state in states])
    titles = parent_titles(pages.values())
    college_step = ContentType.objects.get_for_model(CollegeReviewTaskState).pk
    items = []
    for state in states:
        page = pages[int(state.workflow_state.object_id)]
        by_college = state.content_type_id == college_step
        items.append(
            HomeItem(
                title=page.draft_title or page.title,
                url=reverse("wagtailadmin_pages:edit", args=[page.pk]),
                meta=_in_dossier(titles, page),
                when=timezone.localdate(state.started_at),
                status="Relecture du collège" if by_college else "Relecture de la coordination",
                status_code="college_review" if by_college else "coordination_review",
            )
        )
    return SectionContent(
        items,
        reverse("wagtailadmin_home"),
        EmptyState(NO_REVIEW),
        more_label="Tout voir dans l’administration",
    )


def my_proposals(request: HttpRequest) -> SectionContent:
    """The person's proposals, newest first, each with where it stands."""
    user = request.user
    proposals = proposals_of(user)
    visible = set(
        visible_pages(
            user, Page.objects.filter(pk__in=[proposal.page.pk for proposal in proposals])
        ).values_list("pk", flat=True)
    )
    shown = [proposal for proposal in proposals if proposal.page.pk in visible][:SECTION_LENGTH]
    titles = parent_titles(proposal.page for proposal in shown)
    list_url = reverse("editorial:list")
    items = [
        HomeItem(
            title=proposal.title,
            url=proposal.url or proposal.edit_url or list_url,
            meta=_in_dossier(titles, proposal.page),
            when=timezone.localdate(proposal.proposal.created_at),
            status=proposal.status_label,
            status_code=proposal.status_code,
        )
        for proposal in shown
    ]
    dossiers_url = "" if items else first_visible_url(request, DossierIndexPage)
    empty = EmptyState(NO_PROPOSAL, "Choisir un dossier et proposer une contribution", dossiers_url)
    return SectionContent(items, list_url, empty)
