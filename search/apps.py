from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Search over published contributions (Elasticsearch or the database)."""

    name = "search"
    verbose_name = "Recherche"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from search import signals  # noqa: F401
