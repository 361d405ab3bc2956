"""Give Wagtail's default workflow and its task a French name.

Wagtail's migration named them after the « Moderators » group: « Moderators approval ».
cms 0006 deactivated them (the group is gone), but the admin still lists them, in English,
among the workflows and tasks coordination reads. Only rows that still bear Wagtail's
name are renamed; names someone chose stay.
"""

from django.db import migrations

WAGTAIL_NAME = "Moderators approval"
FRENCH_NAME = "Approbation par les modérateurs (Wagtail, désactivée)"


def rename(apps, schema_editor):
    for model in ("Task", "Workflow"):
        apps.get_model("wagtailcore", model).objects.filter(
            name=WAGTAIL_NAME, active=False
        ).update(name=FRENCH_NAME)


def rename_back(apps, schema_editor):
    for model in ("Task", "Workflow"):
        apps.get_model("wagtailcore", model).objects.filter(name=FRENCH_NAME).update(
            name=WAGTAIL_NAME
        )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0005_photo_visibility_name_change"),
        # cms 0006 deactivates Wagtail's default workflow and task.
        ("cms", "0006_remove_wagtail_default_groups"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
