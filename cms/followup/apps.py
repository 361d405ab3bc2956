from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "cms.followup"
    label = "followup"
    verbose_name = "Suivi des préconisations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cms.followup import signals

        signals.connect()
