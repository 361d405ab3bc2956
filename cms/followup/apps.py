from django.apps import AppConfig


class FollowupConfig(AppConfig):
    # The label ("followup") and the BigAutoField ids are Django's defaults and the settings'.
    name = "cms.followup"
    verbose_name = "Suivi des préconisations"

    def ready(self) -> None:
        from cms.followup import signals

        signals.connect()
