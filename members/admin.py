"""Wagtail admin (wagtail-modeladmin) for colleges, territories, organisations and members."""


def register() -> None:
    """Register the admin views of this feature."""
