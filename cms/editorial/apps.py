"""Per-college review workflow and contributions proposed from the site."""

from django.apps import AppConfig

from shared.apps import ConnectsSignalsOnReady


class EditorialConfig(ConnectsSignalsOnReady, AppConfig):
    name = "cms.editorial"
    label = "editorial"
    verbose_name = "Relecture et propositions"
    default_auto_field = "django.db.models.BigAutoField"
