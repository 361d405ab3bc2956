"""Load colleges, territories, organisations, users and pages from one JSON document.

The format is described in ``content-format.md`` (shared) and ``docs/content-format.md``
(this project's extensions). Loading is all or nothing: the first faulty entry stops
the load with a ``ContentError`` naming its JSON path, and the transaction is rolled
back. Entries are matched by slug, username or page path, and an entry whose stored
state already matches the file is left untouched, so loading twice changes nothing.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from django.db import transaction
from wagtail.models import Page

from cms.content_loader.errors import ContentError
from cms.content_loader.page_fields import PageFields
from cms.content_loader.page_tree import PageTreeLoader
from cms.content_loader.people import PeopleLoader
from cms.content_loader.reglement_fields import ReglementFields
from cms.content_loader.values import MAX_JSON_DEPTH, check_document, check_keys


class ContentLoader(PeopleLoader, PageTreeLoader, PageFields, ReglementFields):
    """Loads one content document; use ``load`` and read ``report`` afterwards."""

    TOP_LEVEL_KEYS = {"home", "colleges", "territories", "organisations", "users", "pages"}

    @classmethod
    def from_file(cls, path: str | Path, **kwargs) -> ContentLoader:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ContentError(str(path), "fichier introuvable") from None
        except (OSError, UnicodeDecodeError) as error:
            raise ContentError(str(path), f"fichier illisible ({error})") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ContentError(
                "$", f"JSON invalide ligne {error.lineno}, colonne {error.colno} : {error.msg}"
            ) from None
        except RecursionError:
            raise ContentError("$", f"JSON imbriqué sur plus de {MAX_JSON_DEPTH} niveaux") from None
        return cls(data, **kwargs)

    @transaction.atomic
    def load(self) -> Counter:
        check_document(self.data)
        data = check_keys(self.data, "$", self.TOP_LEVEL_KEYS)
        for key in self.TOP_LEVEL_KEYS - {"home"}:
            if not isinstance(data.get(key, []), list):
                raise ContentError(key, "une liste est attendue")
        home = self._home()
        if "home" in data:
            self._load_home(home, data["home"])
        self._each("colleges", self._load_college)
        self._each("territories", self._load_territory)
        self._each("organisations", self._load_organisation)
        self._each("users", self._load_user)
        self._pending_meetings: list[tuple[Page, Any, str]] = []
        self._read_followups = {}
        self._pending_followups = []
        self._load_pages(data.get("pages", []), home, "pages")
        self._link_meetings(home)
        self._load_followups(home)
        return self.report
