from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Search over published contributions (Elasticsearch or the database)."""

    name = "search"
    verbose_name = "Recherche"
