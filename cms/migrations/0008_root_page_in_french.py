"""The tree's root page, created by Wagtail as « Root », gets a French title.

Editors see it at the top of the page explorer and in every breadcrumb; it is never
published on the site, so only the admin shows the name.
"""

from django.db import migrations

FRENCH_TITLE = "Racine du site"


def rename_root(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Page.objects.filter(depth=1, title="Root").update(title=FRENCH_TITLE, draft_title=FRENCH_TITLE)


def restore_root(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Page.objects.filter(depth=1, title=FRENCH_TITLE).update(title="Root", draft_title="Root")


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0007_site_branding"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(rename_root, restore_root)]
