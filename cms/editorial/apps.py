from django.apps import AppConfig


class EditorialConfig(AppConfig):
    name = "cms.editorial"
    label = "editorial"
    verbose_name = "Relecture et propositions"
    default_auto_field = "django.db.models.BigAutoField"
