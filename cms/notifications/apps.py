from django.apps import AppConfig

from shared.apps import ConnectsSignalsOnReady


class NotificationsConfig(ConnectsSignalsOnReady, AppConfig):
    name = "cms.notifications"
    label = "notifications"
    verbose_name = "Notifications"
    default_auto_field = "django.db.models.BigAutoField"
