from django.apps import AppConfig


class DossiersConfig(AppConfig):
    """Thematic dossiers and their contributions.

    The page types (``cms.dossiers.pages``) keep the ``cms`` app label; this app holds
    their behaviour, their exports and their templates.
    """

    name = "cms.dossiers"
    label = "dossiers"
    verbose_name = "Dossiers thématiques"
    default_auto_field = "django.db.models.BigAutoField"
