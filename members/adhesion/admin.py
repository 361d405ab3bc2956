"""Wagtail admin for adhesion requests (registered from members.wagtail_hooks)."""


def register() -> None:
    """Register the admin views of this feature."""
