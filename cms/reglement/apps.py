from django.apps import AppConfig


class ReglementConfig(AppConfig):
    name = "cms.reglement"
    label = "reglement"
    verbose_name = "Versions du règlement"
    default_auto_field = "django.db.models.BigAutoField"
