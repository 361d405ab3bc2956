"""A member's e-mail change waits for confirmation; adhesion requests point at their account.

The personal data export now finds adhesion requests by the member they created, no longer
by e-mail address (an address can be borrowed). Accepted requests saved without that link
are linked here when the account they created can be told for sure.
"""

from django.db import migrations, models


def link_accepted_requests(apps, schema_editor) -> None:
    AdhesionRequest = apps.get_model("members", "AdhesionRequest")
    Member = apps.get_model("members", "Member")
    unlinked = AdhesionRequest.objects.filter(status="accepted", member__isnull=True)
    for adhesion in unlinked.iterator():
        # Accepting a request copies its consent date onto the new member and creates the
        # account after the request: both together single out that account. An address
        # alone does not (anyone may file a request under someone else's address).
        candidates = list(
            Member.objects.filter(
                consent_at=adhesion.consent_at,
                user__email__iexact=adhesion.email,
                user__date_joined__gte=adhesion.created_at,
            ).values_list("pk", flat=True)[:2]
        )
        if len(candidates) == 1:
            adhesion.member_id = candidates[0]
            adhesion.save(update_fields=["member"])


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_adhesion_referents_rgpd"),
    ]

    operations = [
        migrations.AddField(
            model_name="member",
            name="pending_email",
            field=models.EmailField(
                blank=True,
                max_length=254,
                verbose_name="nouvelle adresse en attente de confirmation",
            ),
        ),
        migrations.AddField(
            model_name="member",
            name="pending_email_requested_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="nouvelle adresse demandée le"
            ),
        ),
        migrations.RunPython(link_accepted_requests, migrations.RunPython.noop),
    ]
