from django.apps import AppConfig
from django.db.models.signals import post_migrate


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Membres et collèges"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from members import roles, signals  # noqa: F401

        # Every app's post_migrate: the rights granted exist only once Wagtail's apps migrated.
        post_migrate.connect(
            roles.ensure_role_groups_after_migrate, dispatch_uid="members.ensure_role_groups"
        )
