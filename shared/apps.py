"""What the project's ``AppConfig`` classes share."""

from __future__ import annotations

from importlib import import_module


class ConnectsSignalsOnReady:
    """Mixed into an ``AppConfig``: once every app is loaded, calls ``connect()`` of the
    app's ``signals`` module, whose receivers name models of other apps.

    A mixin, not an ``AppConfig``: Django takes the one ``AppConfig`` subclass found in an
    ``apps.py``, and an imported base class would be a second one.
    """

    name: str

    def ready(self) -> None:
        import_module(f"{self.name}.signals").connect()
