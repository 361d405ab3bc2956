"""Write a checked import plan: all rows or none, in one transaction."""

from __future__ import annotations

from collections import Counter

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from members import email_change
from members.imports.rows import ImportPlan, MemberRow, Progress
from members.memberships import set_colleges
from members.models import College, Member, Organisation, Territory
from members.roles import apply_roles, roles_of


class PlanHasErrors(ValueError):
    pass


@transaction.atomic
def apply_plan(plan: ImportPlan, progress: Progress | None = None, importer=None) -> Counter:
    """Create or update one account and profile per row; refuse a plan that has errors.

    A new address for an existing account waits for its owner's confirmation, as on the
    profile page (``members.email_change``): a file never hands an account over.
    """
    if not plan.ok:
        raise PlanHasErrors(f"{len(plan.errors)} erreur(s) : rien n'est importé")
    lookups = {
        "colleges": {college.slug: college for college in College.objects.all()},
        "organisations": {
            organisation.slug: organisation
            for organisation in Organisation.objects.select_related("territory")
        },
        "territories": {territory.slug: territory for territory in Territory.objects.all()},
    }
    report: Counter = Counter()
    total = len(plan.rows)
    for index, row in enumerate(plan.rows, start=1):
        existed, address_to_confirm = _import_row(row, lookups, importer)
        report["mis à jour" if existed else "créés"] += 1
        if address_to_confirm:
            report["adresses à confirmer par leur titulaire"] += 1
        if progress:
            progress(index, total)
    return report


def _import_row(row: MemberRow, lookups: dict, importer=None) -> tuple[bool, bool]:
    """Import one row; (whether the account existed, whether its new address awaits)."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=row.username).first()
    existed = user is not None
    if user is None:
        user = user_model(username=row.username, email=row.email)
        user.set_unusable_password()  # people set their password through the reset e-mail
    user.first_name, user.last_name = row.first_name, row.last_name
    user.save()

    member, created = Member.objects.get_or_create(
        user=user, defaults={"status": Member.Status.ACTIVE, "joined_on": timezone.localdate()}
    )
    roles_before = [] if created else roles_of(member)
    organisation = lookups["organisations"].get(row.organisation or "")
    if row.organisation is not None:
        member.organisation = organisation
    if row.territory is not None:
        member.territory = lookups["territories"].get(row.territory)
    if member.territory is None and organisation is not None:
        member.territory = organisation.territory
    if row.fonction is not None:
        member.fonction = row.fonction
    if row.phone is not None:
        member.phone = row.phone
    member.save()

    set_colleges(member, [lookups["colleges"][slug] for slug in row.colleges])
    # Without a « roles » cell an existing person keeps their roles; a new one is a member.
    roles = row.roles if row.roles is not None else (roles_before or ["member"])
    apply_roles(member, roles)
    address_to_confirm = existed and email_change.request_change(
        member, row.email, by_user=importer
    )
    return existed, address_to_confirm
