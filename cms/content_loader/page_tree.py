"""The page tree below the home page: pages matched by path, created, updated, published.

What a page holds besides its title is read by the ``_fields_<type>`` method of its type
(``page_fields``); an ``_after_<type>`` method, where there is one, loads what the page
keeps beside itself once it is saved.
"""

from __future__ import annotations

import json
from typing import Any

from wagtail.models import Page, Site

from cms.content_loader.base import LoaderBase
from cms.content_loader.errors import ContentError
from cms.content_loader.page_types import COMMON_PAGE_KEYS, PAGE_KEYS, PAGE_TYPES
from cms.content_loader.richtext import text_to_html
from cms.content_loader.values import (
    TAG_LENGTH,
    check_keys,
    read_bool,
    read_choice,
    read_slug,
    read_text,
)
from cms.content_loader.writing import check_lengths, differs
from cms.models import ConventionPage, HomePage
from cms.visibility import Visibility, set_visibility
from members.models import College

# Tree paths hold 4 characters per level in 255: far more than a site needs.
MAX_PAGE_DEPTH = 20


class PageTreeLoader(LoaderBase):
    """Loads the home page's title and intro, then the ``pages`` tree below it."""

    def _home(self) -> HomePage:
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site is None or not isinstance(site.root_page.specific, HomePage):
            raise ContentError(
                "$", "le site n'a pas de page d'accueil : lancez d'abord « manage.py migrate »"
            )
        return site.root_page.specific

    def _load_home(self, home: HomePage, entry: Any) -> None:
        check_keys(entry, "home", {"title", "intro"})
        wanted = {
            "title": read_text(entry, "title", "home", default=home.title, max_length=255)
            or home.title,
            "intro": text_to_html(read_text(entry, "intro", "home")),
        }
        if any(differs(getattr(home, field), value) for field, value in wanted.items()):
            for field, value in wanted.items():
                setattr(home, field, value)
            home.draft_title = home.title
            home.save_revision().publish()
            self.report["page d'accueil mise à jour"] += 1

    def _load_pages(self, entries: Any, parent: Page, path: str) -> None:
        if not isinstance(entries, list):
            raise ContentError(path, "une liste est attendue")
        if entries and parent.depth >= MAX_PAGE_DEPTH:
            raise ContentError(path, f"pages imbriquées sur plus de {MAX_PAGE_DEPTH} niveaux")
        seen: dict[str, str] = {}
        for index, entry in enumerate(entries):
            entry_path = f"{path}[{index}]"
            slug = self._load_page(entry, parent, entry_path)
            if slug in seen:
                raise ContentError(
                    f"{entry_path}.slug", f"« {slug} » est déjà utilisé en {seen[slug]}"
                )
            seen[slug] = entry_path

    def _load_page(self, entry: Any, parent: Page, path: str) -> str:
        if not isinstance(entry, dict):
            raise ContentError(path, "un objet JSON est attendu")
        page_type = read_choice(entry, "type", path, PAGE_TYPES, "")
        model = PAGE_TYPES[page_type]
        if (
            not model.can_create_at(parent)
            and not model.objects.child_of(parent).filter(slug=entry.get("slug")).exists()
        ):
            raise ContentError(
                f"{path}.type",
                f"une page « {page_type} » ne peut pas être placée sous « {parent.title} »",
            )
        check_keys(
            entry,
            path,
            COMMON_PAGE_KEYS | PAGE_KEYS[page_type],
            required=("slug", "title"),
        )
        slug = read_slug(entry, "slug", path)
        title = read_text(entry, "title", path, max_length=255)
        live = read_bool(entry, "live", path, True)
        visibility = self._page_visibility(entry.get("visibility", "public"), f"{path}.visibility")
        fields, relations = getattr(self, f"_fields_{page_type}")(
            entry, path, f"{parent.url_path}{slug}/"
        )
        for index, tag in enumerate(relations.get("tags", [])):
            if len(tag) > TAG_LENGTH:
                raise ContentError(f"{path}.tags[{index}]", f"{TAG_LENGTH} caractères au plus")
        check_lengths(model(title=title, slug=slug, **fields), path)

        page = parent.get_children().filter(slug=slug).first()
        if page is not None:
            page = page.specific
            if not isinstance(page, model):
                raise ContentError(
                    f"{path}.type", f"la page « {slug} » existe déjà avec un autre type"
                )
            self._update_page(page, title, fields, relations, live)
        else:
            page = self._create_page(parent, model, slug, title, fields, relations, live)
        if set_visibility(page, visibility):
            self.report["visibilité(s) de page modifiée(s)"] += 1
        # What a page type keeps beside the page itself (e.g. the règlement's versions).
        after = getattr(self, f"_after_{page_type}", None)
        if after is not None:
            after(page, entry, path, f"{parent.url_path}{slug}/")
        self._load_pages(entry.get("children", []), page, f"{path}.children")
        return slug

    def _page_visibility(self, value: Any, path: str) -> Visibility:
        if value == "public":
            return Visibility.public()
        if value == "members":
            return Visibility.members()
        if isinstance(value, dict) and set(value) == {"colleges"}:
            slugs = value["colleges"]
            if not isinstance(slugs, list) or not slugs:
                raise ContentError(
                    f"{path}.colleges", "une liste non vide de collèges est attendue"
                )
            for index, slug in enumerate(slugs):
                self._ref(College, slug, f"{path}.colleges[{index}]")
            return Visibility.colleges(slugs)
        raise ContentError(path, 'attendu : "public", "members" ou {"colleges": [...]}')

    def _create_page(self, parent, model, slug, title, fields, relations, live) -> Page:
        # Conventions and their sections make the site's menus.
        in_menus = model is ConventionPage or isinstance(parent.specific, ConventionPage)
        page = model(
            title=title, draft_title=title, slug=slug, live=False, show_in_menus=in_menus, **fields
        )
        self._assign_relations(page, relations)
        parent.add_child(instance=page)
        revision = page.save_revision(log_action=True)
        if live:
            revision.publish()
        self.report["page(s) créée(s)"] += 1
        return page

    def _update_page(self, page, title, fields, relations, live) -> None:
        wanted = {"title": title, **fields}
        changed = any(
            differs(self._comparable(page, name), self._comparable_value(page, name, value))
            for name, value in wanted.items()
        )
        changed = changed or any(
            sorted(self._relation_keys(page, name)) != sorted(self._wanted_keys(name, values))
            for name, values in relations.items()
        )
        if changed or (live and page.has_unpublished_changes):
            for name, value in wanted.items():
                setattr(page, name, value)
            page.draft_title = title
            self._assign_relations(page, relations)
            revision = page.save_revision(log_action=True)
            if live:
                revision.publish()
            self.report["page(s) mise(s) à jour"] += 1
        if live and not page.live:
            page.get_latest_revision().publish()
            self.report["page(s) publiée(s)"] += 1
        elif not live and page.live:
            page.unpublish()
            self.report["page(s) dépubliée(s)"] += 1

    @staticmethod
    def _comparable(page: Page, name: str):
        value = getattr(page, name)
        if hasattr(value, "raw_data"):  # StreamValue
            return json.dumps(list(value.raw_data), sort_keys=True, default=str)
        return value

    @staticmethod
    def _comparable_value(page: Page, name: str, value):
        if isinstance(value, list) and hasattr(getattr(page, name), "raw_data"):
            return json.dumps(value, sort_keys=True, default=str)
        return value

    @staticmethod
    def _relation_keys(page: Page, name: str) -> list:
        if name == "tags":
            return [tag.name for tag in page.tags.all()]
        return [obj.pk for obj in getattr(page, name).all()]

    @staticmethod
    def _wanted_keys(name: str, values: list) -> list:
        return list(dict.fromkeys(values)) if name == "tags" else [obj.pk for obj in values]

    @staticmethod
    def _assign_relations(page: Page, relations: dict) -> None:
        for name, values in relations.items():
            if name == "tags":
                page.tags.set(list(dict.fromkeys(values)))
            else:
                setattr(page, name, values)
