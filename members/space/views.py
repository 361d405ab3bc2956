"""The member's own space at /mon-espace/: their colleges, the features' panels, their profile.

What the features know of the person (contributions, meetings, follows) comes in as panels
through the ``construct_my_space_panels`` hook (``members.space.panels``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from members.models import College, CollegeMembership, Member
from members.space.panels import space_panels
from members.visibility import MemberCard, Viewer, card_for

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass
class CollegeSummary:
    college: College
    is_referent: bool
    referents: list[MemberCard]


def _member_of(user) -> Member | None:
    return (
        Member.objects.select_related("user", "organisation", "territory")
        .prefetch_related("memberships__college")
        .filter(user=user)
        .first()
    )


def college_summaries(member: Member, viewer: Viewer) -> list[CollegeSummary]:
    """The member's colleges, each with its referents as this member may see them."""
    referent_memberships = CollegeMembership.objects.filter(
        is_referent=True, member__status=Member.Status.ACTIVE
    ).select_related("member__user")
    memberships = (
        CollegeMembership.objects.filter(member=member)
        .select_related("college")
        .prefetch_related(
            Prefetch(
                "college__memberships",
                # The stubs cannot see that taggit's manager on "expertise" supports prefetching.
                queryset=referent_memberships.prefetch_related(  # type: ignore[misc]
                    "member__memberships__college", "member__expertise"
                ),
                to_attr="referent_memberships",
            )
        )
        .order_by("college__name")
    )
    return [
        CollegeSummary(
            membership.college,
            membership.is_referent,
            [
                card_for(viewer, referent.member)
                # Set by the Prefetch's to_attr above, which the stubs cannot follow.
                for referent in membership.college.referent_memberships  # type: ignore[attr-defined]
            ],
        )
        for membership in memberships
    ]


def visibility_choices(member: Member) -> list[tuple[str, StrOrPromise]]:
    """(field label, who may see it) for each contact field whose visibility the member chose."""
    labels = {
        "email": "Adresse électronique",
        "phone": "Téléphone",
        "address": "Adresse postale",
        "bio": "Présentation",
        "expertise": "Expertises",
    }
    levels = dict(Member.Visibility.choices)
    return [(labels[field], levels[member.visibility_of(field)]) for field in labels]


@login_required
def my_space(request: HttpRequest) -> HttpResponse:
    member = _member_of(request.user)
    if member is None:
        return render(request, "members/space/no_member.html", status=404)
    viewer = Viewer.of(request.user)
    context = {
        "member": member,
        "card": card_for(viewer, member),
        "colleges": college_summaries(member, viewer),
        "panels": [(panel, panel.render_html(request)) for panel in space_panels(request, member)],
        "visibility": visibility_choices(member),
    }
    return render(request, "members/space/home.html", context)
