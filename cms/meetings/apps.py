from django.apps import AppConfig

from shared.apps import ConnectsSignalsOnReady


class MeetingsConfig(ConnectsSignalsOnReady, AppConfig):
    name = "cms.meetings"
    label = "meetings"
    verbose_name = "Rencontres et inscriptions"
    default_auto_field = "django.db.models.BigAutoField"
