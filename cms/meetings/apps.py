from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "cms.meetings"
    label = "meetings"
    verbose_name = "Rencontres et inscriptions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cms.meetings import signals

        signals.connect()
