"""What every part of the loader shares: the report, the progress callback, references."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models

from cms.content_loader.errors import ContentError
from cms.content_loader.values import read_list
from members.models import Member


class LoaderBase:
    """The state of one load; the loading itself is in the classes built on this one."""

    def __init__(self, data: Any, progress: Callable[[str], None] | None = None) -> None:
        self.data = data
        self.report: Counter = Counter()
        self.progress = progress or (lambda message: None)

    def _each(self, key: str, load_one: Callable[[dict, str], str]) -> None:
        seen: dict[str, str] = {}
        entries = self.data.get(key, [])
        for index, entry in enumerate(entries):
            path = f"{key}[{index}]"
            identifier = load_one(entry, path)
            if identifier in seen:
                raise ContentError(path, f"« {identifier} » figure déjà en {seen[identifier]}")
            seen[identifier] = path
        if entries:
            self.progress(f"{key} : {len(entries)} entrée(s)")

    # -- reference lookups ------------------------------------------------

    def _ref(self, model: type[models.Model], value: Any, path: str, field: str = "slug"):
        if not isinstance(value, str):
            raise ContentError(path, "un identifiant (texte) est attendu")
        instance = model._default_manager.filter(**{field: value}).first()
        if instance is None:
            raise ContentError(path, f"« {value} » n'existe pas ({model._meta.verbose_name})")
        return instance

    def _optional_ref(self, model: type[models.Model], entry: dict, key: str, path: str):
        """The instance ``entry[key]`` names, or None when the key is absent or empty."""
        return self._ref(model, entry[key], f"{path}.{key}") if entry.get(key) else None

    def _refs(self, model, entry: dict, key: str, path: str, field: str = "slug") -> list:
        return [
            self._ref(model, value, f"{path}.{key}[{index}]", field)
            for index, value in enumerate(read_list(entry, key, path))
        ]

    def _member_refs(self, entry: dict, key: str, path: str) -> list[Member]:
        members = []
        for index, username in enumerate(read_list(entry, key, path)):
            user = self._ref(get_user_model(), username, f"{path}.{key}[{index}]", "username")
            member = Member.objects.filter(user=user).first()
            if member is None:
                raise ContentError(
                    f"{path}.{key}[{index}]", f"« {username} » n'a pas de profil de membre"
                )
            members.append(member)
        return members
