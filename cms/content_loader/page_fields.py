"""The fields of each page type but the règlement's: ``_fields_<type>`` methods.

Each returns ``(fields, relations)``: the values set on the page, and the many-to-many
relations and tags, assigned once the page has an id.
"""

from __future__ import annotations

from typing import Any

from wagtail.models import Page

from cms.content_loader.errors import ContentError
from cms.content_loader.followup_fields import FOLLOWUP_KEYS, FollowupFields
from cms.content_loader.richtext import text_paragraphs, text_to_html
from cms.content_loader.streams import block_id, stream
from cms.content_loader.values import (
    check_keys,
    read_bool,
    read_choice,
    read_date,
    read_datetime,
    read_int,
    read_list,
    read_slug,
    read_strings,
    read_text,
    read_url,
)
from cms.models import ContributionPage, DossierPage, EventPage, StandardPage
from members.models import College, Territory

PRECONISATION_KEYS = {"key", "title", "description", "followup"}


class PageFields(FollowupFields):
    """Fields of conventions, dossiers, contributions, meetings, boards and standard pages."""

    _pending_meetings: list[tuple[Page, Any, str]]
    _read_followups: dict[str, list[tuple[str, Any, str]]]

    def _fields_convention(self, entry, path, page_path):
        territory = self._optional_ref(Territory, entry, "territory", path)
        objectives = read_strings(entry, "objectives", path)
        return {
            "territory": territory,
            "preamble": text_to_html(read_text(entry, "preamble", path)),
            "objectives": stream(
                page_path, "objectives", [("objective", text) for text in objectives]
            ),
            "perimeter": text_to_html(read_text(entry, "perimeter", path)),
        }, {}

    def _fields_dossier_index(self, entry, path, page_path):
        return {"intro": text_to_html(read_text(entry, "intro", path))}, {}

    _fields_event_index = _fields_dossier_index

    def _fields_standard(self, entry, path, page_path):
        footer_role = read_choice(
            entry, "footer_role", path, [""] + StandardPage.FooterRole.values, ""
        )
        if footer_role:
            taken = StandardPage.objects.filter(footer_role=footer_role).exclude(url_path=page_path)
            if taken.exists():
                raise ContentError(
                    f"{path}.footer_role", f"une autre page a déjà le rôle « {footer_role} »"
                )
        return {
            "intro": text_to_html(read_text(entry, "intro", path)),
            "body": stream(page_path, "body", self._text_blocks(entry, "body", path)),
            "footer_role": footer_role,
        }, {}

    @staticmethod
    def _text_blocks(entry: dict, key: str, path: str) -> list[tuple[str, Any]]:
        """Paragraphs of a text; a paragraph starting with "## " is a heading."""
        blocks: list[tuple[str, Any]] = []
        for paragraph in text_paragraphs(read_text(entry, key, path)):
            if paragraph.startswith("## "):
                blocks.append(("heading", {"text": paragraph[3:].strip(), "level": "h2"}))
            else:
                blocks.append(("paragraph", text_to_html(paragraph)))
        return blocks

    _fields_directory = _fields_dossier_index
    _fields_followup_board = _fields_dossier_index

    def _fields_dossier(self, entry, path, page_path):
        theme = read_text(entry, "theme", path, max_length=200)
        if not theme:
            raise ContentError(f"{path}.theme", "valeur obligatoire")
        return {
            "theme": theme,
            "status": read_choice(
                entry, "status", path, DossierPage.Status.values, DossierPage.Status.OUVERT
            ),
            "intro": text_to_html(read_text(entry, "intro", path)),
        }, {"coordinators": self._member_refs(entry, "coordinators", path)}

    def _fields_contribution(self, entry, path, page_path):
        date = read_date(entry, "date", path)
        if date is None:
            raise ContentError(f"{path}.date", "valeur obligatoire")
        blocks = self._text_blocks(entry, "body", path)
        for index, testimony in enumerate(read_list(entry, "testimonies", path)):
            testimony_path = f"{path}.testimonies[{index}]"
            check_keys(testimony, testimony_path, {"text", "author"}, required=("text",))
            blocks.append(
                (
                    "temoignage",
                    {
                        "text": read_text(testimony, "text", testimony_path),
                        "author": read_text(testimony, "author", testimony_path),
                    },
                )
            )
        preconisations = read_list(entry, "preconisations", path)
        if preconisations:
            blocks.append(("heading", {"text": "Préconisations", "level": "h2"}))
        keyed: dict[int, str] = {}  # position in the body: id given by the préconisation's key
        keys: dict[str, str] = {}
        followups: list[tuple[str, Any, str]] = []
        live = read_bool(entry, "live", path, True)
        for index, preconisation in enumerate(preconisations):
            item_path = f"{path}.preconisations[{index}]"
            check_keys(preconisation, item_path, PRECONISATION_KEYS, required=("title",))
            if "key" in preconisation:
                key = read_slug(preconisation, "key", item_path)
                if key in keys:
                    raise ContentError(
                        f"{item_path}.key", f"« {key} » est déjà utilisé en {keys[key]}"
                    )
                keys[key] = item_path
                keyed[len(blocks)] = block_id(page_path, "preconisations", key)
            if "followup" in preconisation:
                if not live:
                    raise ContentError(
                        f"{item_path}.followup",
                        "une contribution non publiée n'a pas de suivi : retirez « followup »",
                    )
                check_keys(preconisation["followup"], f"{item_path}.followup", FOLLOWUP_KEYS)
                block = keyed.get(len(blocks)) or block_id(page_path, "body", len(blocks))
                followups.append((block, preconisation["followup"], f"{item_path}.followup"))
            blocks.append(
                (
                    "preconisation",
                    {
                        "title": read_text(preconisation, "title", item_path, max_length=250),
                        "description": read_text(preconisation, "description", item_path),
                    },
                )
            )
        self._read_followups[page_path] = followups
        body = stream(page_path, "body", blocks)
        for position, keyed_id in keyed.items():
            body[position]["id"] = keyed_id
        return {
            "contribution_type": read_choice(
                entry,
                "contribution_type",
                path,
                ContributionPage.Type.values,
                ContributionPage.Type.SYNTHESE_ATELIER,
            ),
            "date": date,
            "summary": read_text(entry, "summary", path),
            "body": body,
        }, {
            "colleges": self._refs(College, entry, "colleges", path),
            "authors": self._member_refs(entry, "authors", path),
            "tags": read_strings(entry, "tags", path),
        }

    def _after_contribution(self, page, entry, path, page_path) -> None:
        # Follow-up data is written once every page is loaded (it may name later pages).
        self._queue_followups(page, self._read_followups.pop(page_path, []))
        # The meeting may come later in the file: it is linked once every page is loaded.
        if "meeting" in entry:
            self._pending_meetings.append((page, entry["meeting"], f"{path}.meeting"))

    def _link_meetings(self, home: Page) -> None:
        """Link contributions to their meeting, given by its path below the home page."""
        for page, value, path in self._pending_meetings:
            meeting = None
            if value is not None:
                if not isinstance(value, str) or not value.strip("/"):
                    raise ContentError(path, "le chemin d'une rencontre est attendu")
                meeting = EventPage.objects.filter(
                    url_path=f"{home.url_path}{value.strip('/')}/"
                ).first()
                if meeting is None:
                    raise ContentError(path, f"« {value} » : aucune rencontre à cette adresse")
            # Fresh from the database: publishing saved another copy of the page.
            page = type(page).objects.get(pk=page.pk)
            if page.meeting_id == (meeting.pk if meeting else None):
                continue
            page.meeting = meeting
            revision = page.save_revision(log_action=True)
            if page.live:
                revision.publish()
            self.report["contribution(s) liée(s) à une rencontre"] += 1

    def _fields_event(self, entry, path, page_path):
        start = read_datetime(entry, "start", path)
        if start is None:
            raise ContentError(f"{path}.start", "valeur obligatoire")
        end = read_datetime(entry, "end", path)
        if end is not None and end < start:
            raise ContentError(f"{path}.end", "la fin doit être après le début")
        return {
            "start": start,
            "end": end,
            "location": read_text(entry, "location", path, max_length=300),
            "video_url": read_url(entry, "video_url", path),
            "programme": text_to_html(read_text(entry, "programme", path)),
            "speakers": "\n".join(read_strings(entry, "speakers", path)),
            "capacity": read_int(entry, "capacity", path),
            "registration_deadline": read_date(entry, "registration_deadline", path),
        }, {}
