"""Remove Wagtail's default "Moderators" and "Editors" groups.

Wagtail's first migrations create them with add, edit, publish and lock rights on the
root page (so on the whole site), access to the admin and rights on every collection of
images and documents. The project gives rights through its own role groups only
(``members.roles``, ``cms.spaces``): anyone put in one of these two groups would reach
pages the project's rule does not let them see. Their page and collection permissions go
with them (cascade).

Wagtail's own migration also made a "Moderators approval" workflow on the root page out
of the Moderators' publish right; without the group nobody could approve in it, so it goes
too if it is still the untouched default (one task, for Moderators only).
"""

from django.db import migrations

DEFAULT_GROUPS = ("Moderators", "Editors")


def remove_default_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    Workflow = apps.get_model("wagtailcore", "Workflow")

    moderators = Group.objects.filter(name="Moderators").first()
    if moderators is not None:
        for task in GroupApprovalTask.objects.filter(groups=moderators):
            if set(task.groups.values_list("pk", flat=True)) != {moderators.pk}:
                continue
            workflows = Workflow.objects.filter(workflow_tasks__task_id=task.pk).distinct()
            default = [w for w in workflows if w.workflow_tasks.count() == 1]
            if len(default) != workflows.count():
                continue  # the task is used in a workflow someone built: leave it
            # Deleting the workflow would cascade to its history: deactivate it and detach it.
            for workflow in default:
                workflow.workflow_pages.all().delete()
                workflow.active = False
                workflow.save(update_fields=["active"])
            task.active = False
            task.save(update_fields=["active"])
    Group.objects.filter(name__in=DEFAULT_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0005_standard_page_and_contribution_meeting"),
        # The migrations that create the groups and give them rights.
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [
        # Not reversible into the old state on purpose: recreating site-wide groups would
        # reopen the door.
        migrations.RunPython(remove_default_groups, migrations.RunPython.noop),
    ]
