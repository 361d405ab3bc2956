"""A local comité's directory shows its own territory first; the regional one shows everyone."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q

from members.models import Member, Territory

LOCAL_DIRECTORY = "/comite-toulon/annuaire/"
REGIONAL_DIRECTORY = "/paca/annuaire/"


def member_names(html: str) -> set[str]:
    return {
        member.user.first_name
        for member in Member.objects.filter(status=Member.Status.ACTIVE).select_related("user")
        if f">{member.user.first_name} " in html
    }


def local_members() -> set[str]:
    ids = Territory.objects.get(slug="toulon-provence").subtree_ids()
    inside = Q(territory_id__in=ids) | Q(territory__isnull=True, organisation__territory_id__in=ids)
    return set(
        Member.objects.filter(inside, status=Member.Status.ACTIVE).values_list(
            "user__first_name", flat=True
        )
    )


def open_as_member(client, path: str) -> str:
    client.force_login(get_user_model().objects.get(username="membre"))
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_local_directory_lists_the_members_of_its_territory_by_default(client, demo):
    html = open_as_member(client, LOCAL_DIRECTORY)

    assert local_members()
    assert member_names(html) == local_members()
    assert "montre d’abord les membres du territoire Toulon Provence Méditerranée" in html


def test_local_directory_lists_everyone_when_asked_for_every_territory(client, demo):
    html = open_as_member(client, LOCAL_DIRECTORY + "?territory=tous")

    assert member_names(html) - local_members()
    assert "Un filtre inconnu a été ignoré" not in html
    assert "montre d’abord" not in html


def test_regional_directory_lists_everyone_by_default(client, demo):
    html = open_as_member(client, REGIONAL_DIRECTORY)

    assert member_names(html) - local_members()
    assert "montre d’abord" not in html
    assert "Effacer les filtres" not in html
