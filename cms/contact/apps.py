from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ContactConfig(AppConfig):
    name = "cms.contact"
    label = "contact"
    verbose_name = "Messages à la coordination"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cms.contact.permissions import grant_settings_to_coordination

        # Every app's post_migrate: the group and the permission may come in either order.
        post_migrate.connect(
            grant_settings_to_coordination, dispatch_uid="contact.settings_permission"
        )
