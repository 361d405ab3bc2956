from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "cms.notifications"
    label = "notifications"
    verbose_name = "Notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cms.notifications import signals  # noqa: F401
