from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Site de la convention"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cms import signals  # noqa: F401
        from cms.cache import connect_purge_signals

        connect_purge_signals()
