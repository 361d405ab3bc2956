"""Load colleges, territories, organisations, users and pages from one JSON document.

The format is described in ``content-format.md`` (shared) and ``docs/content-format.md``
(this project's extensions). Loading is all or nothing: the first faulty entry stops
the load with a ``ContentError`` naming its JSON path, and the transaction is rolled
back. Entries are matched by slug, username or page path, and an entry whose stored
state already matches the file is left untouched, so loading twice changes nothing.
"""

from __future__ import annotations

import datetime
import json
import re
import uuid
from collections import Counter
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email, validate_slug
from django.db import models, transaction
from django.utils import timezone
from wagtail.models import Page, Site

from cms.models import (
    ContributionPage,
    ConventionPage,
    DossierIndexPage,
    DossierPage,
    EventIndexPage,
    EventPage,
    HomePage,
    MemberDirectoryPage,
    ReglementPage,
    StandardPage,
)
from cms.visibility import Visibility, set_visibility
from members.models import College, CollegeMembership, Member, Organisation, Territory
from members.roles import ROLES, apply_roles

PAGE_TIME_ZONE = ZoneInfo("Europe/Paris")
BLOCK_ID_NAMESPACE = uuid.UUID("6f1c8b52-6a55-4f0e-9a8e-3c1d2b7f4a10")


class ContentError(Exception):
    """A refused content file: ``path`` is the JSON path of the faulty entry."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path} : {message}")
        self.path = path
        self.message = message


# ---------------------------------------------------------------------------
# Limits of the database, checked before anything is written

MAX_JSON_DEPTH = 64
# Tree paths hold 4 characters per level in 255: far more than a site needs.
MAX_PAGE_DEPTH = 20
MAX_INTEGER = 2**31 - 1  # PositiveIntegerField on every database
YEARS = range(1900, 2201)
TAG_LENGTH = 100  # django-taggit's Tag.name


def _check_document(data: Any) -> None:
    """Refuse what no database takes, wherever it is: NUL characters, runaway nesting.

    Walks the document without recursion, so that a file nested thousands of levels
    deep is refused with a path rather than a RecursionError.
    """
    stack: list[tuple[Any, str, int]] = [(data, "$", 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise ContentError(path, f"imbriqué sur plus de {MAX_JSON_DEPTH} niveaux")
        if isinstance(value, str):
            if "\x00" in value:
                raise ContentError(path, "caractère nul interdit dans un texte")
        elif isinstance(value, dict):
            for key, item in value.items():
                if "\x00" in key:
                    raise ContentError(path, "caractère nul interdit dans une clé")
                child = key if path == "$" else f"{path}.{key}"
                stack.append((item, child, depth + 1))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                stack.append((item, f"{path}[{index}]", depth + 1))


def _check_lengths(instance: models.Model, path: str) -> None:
    """Every text fits its column (PostgreSQL refuses what SQLite would store)."""
    for field in instance._meta.concrete_fields:
        limit = getattr(field, "max_length", None)
        value = getattr(instance, field.attname, None)
        if limit and isinstance(value, str) and len(value) > limit:
            raise ContentError(f"{path}.{field.name}", f"{limit} caractères au plus")


# ---------------------------------------------------------------------------
# Reading values


def _check_keys(entry: Any, path: str, allowed: set[str], required: tuple[str, ...] = ()) -> dict:
    if not isinstance(entry, dict):
        raise ContentError(path, "un objet JSON est attendu")
    for key in entry:
        if key not in allowed:
            raise ContentError(f"{path}.{key}", "clé inconnue")
    for key in required:
        if entry.get(key) in (None, ""):
            raise ContentError(f"{path}.{key}", "valeur obligatoire")
    return entry


def _text(
    entry: dict, key: str, path: str, default: str = "", max_length: int | None = None
) -> str:
    value = entry.get(key, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise ContentError(f"{path}.{key}", "un texte est attendu")
    if max_length is not None and len(value) > max_length:
        raise ContentError(f"{path}.{key}", f"{max_length} caractères au plus")
    return value.strip()


def _slug(entry: dict, key: str, path: str) -> str:
    value = _text(entry, key, path, max_length=80)
    try:
        validate_slug(value)
    except ValidationError:
        raise ContentError(
            f"{path}.{key}", f"identifiant invalide « {value} » (lettres, chiffres, tirets)"
        ) from None
    return value


def _bool(entry: dict, key: str, path: str, default: bool) -> bool:
    value = entry.get(key, default)
    if not isinstance(value, bool):
        raise ContentError(f"{path}.{key}", "true ou false est attendu")
    return value


def _choice(entry: dict, key: str, path: str, choices, default: str) -> str:
    value = entry.get(key, default)
    allowed = [str(choice) for choice in choices]
    if value not in allowed:
        raise ContentError(
            f"{path}.{key}", f"valeur « {value} » inconnue ; attendu : {', '.join(allowed)}"
        )
    return value


# « today+30 » or « today-7T14:00 »: a date counted in days from the day the file is loaded,
# so that demo and test meetings stay upcoming (or past) whatever the date.
_RELATIVE_DAY = re.compile(r"^today(?P<days>[+-]\d{1,5})?(?:T(?P<time>\d{2}:\d{2}))?$")


def _relative_day(value) -> tuple[datetime.date, str | None] | None:
    match = _RELATIVE_DAY.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    day = timezone.localdate(timezone=PAGE_TIME_ZONE) + datetime.timedelta(
        days=int(match["days"] or 0)
    )
    return day, match["time"]


def _date(entry: dict, key: str, path: str) -> datetime.date | None:
    value = entry.get(key)
    if value is None:
        return None
    try:
        relative = _relative_day(value)
    except OverflowError:
        relative = (datetime.date.max, None)  # refused below with the other years
    if relative is not None and relative[1] is None:
        value = relative[0].isoformat()
    try:
        day = datetime.date.fromisoformat(value)
    except (TypeError, ValueError, OverflowError):
        raise ContentError(
            f"{path}.{key}", f"date invalide « {value} » (format AAAA-MM-JJ ou today+N)"
        ) from None
    if day.year not in YEARS:
        raise ContentError(f"{path}.{key}", f"année entre {YEARS[0]} et {YEARS[-1]} attendue")
    return day


def _datetime(entry: dict, key: str, path: str) -> datetime.datetime | None:
    value = entry.get(key)
    if value is None:
        return None
    relative = _relative_day(value)
    if relative is not None:
        value = relative[0].isoformat() + "T" + (relative[1] or "00:00")
    try:
        moment = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError, OverflowError):
        raise ContentError(
            f"{path}.{key}",
            f"date et heure invalides « {value} » (format AAAA-MM-JJTHH:MM ou today+NTHH:MM)",
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=PAGE_TIME_ZONE)
    if moment.year not in YEARS:
        raise ContentError(f"{path}.{key}", f"année entre {YEARS[0]} et {YEARS[-1]} attendue")
    return moment


def _int(entry: dict, key: str, path: str) -> int | None:
    value = entry.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ContentError(f"{path}.{key}", "un nombre entier positif est attendu")
    if value > MAX_INTEGER:
        raise ContentError(f"{path}.{key}", f"{MAX_INTEGER} au plus")
    return value


def _list(entry: dict, key: str, path: str) -> list:
    value = entry.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        raise ContentError(f"{path}.{key}", "une liste est attendue")
    return value


def _strings(entry: dict, key: str, path: str) -> list[str]:
    values = _list(entry, key, path)
    for index, value in enumerate(values):
        if not isinstance(value, str) or not value.strip():
            raise ContentError(f"{path}.{key}[{index}]", "un texte non vide est attendu")
    return [value.strip() for value in values]


def _url(entry: dict, key: str, path: str) -> str:
    value = _text(entry, key, path)
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            raise ContentError(f"{path}.{key}", f"adresse web invalide « {value} »") from None
    return value


def text_paragraphs(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]


def text_to_html(text: str) -> str:
    """Plain text to rich text: blank lines separate paragraphs, '## ' starts a heading."""
    html = []
    for paragraph in text_paragraphs(text):
        if paragraph.startswith("## "):
            html.append(f"<h2>{escape(paragraph[3:].strip())}</h2>")
        else:
            html.append(
                "<p>" + "<br/>".join(escape(line) for line in paragraph.splitlines()) + "</p>"
            )
    return "".join(html)


# ---------------------------------------------------------------------------
# Writing only what changed


def _differs(current: Any, wanted: Any) -> bool:
    return current != wanted


def _upsert(
    model: type[models.Model],
    lookup: dict,
    values: dict,
    counter: Counter,
    label: str,
    path: str = "$",
):
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
        _check_lengths(instance, path)
        instance.save()
        counter[f"{label} créé(s)"] += 1
        return instance
    changed = [
        field for field, value in values.items() if _differs(getattr(instance, field), value)
    ]
    if changed:
        for field in changed:
            setattr(instance, field, values[field])
        _check_lengths(instance, path)
        instance.save()
        counter[f"{label} mis à jour"] += 1
    return instance


class ContentLoader:
    """Loads one content document; use ``load`` and read ``report`` afterwards."""

    PAGE_TYPES: dict[str, type[Page]] = {
        "convention": ConventionPage,
        "reglement": ReglementPage,
        "dossier_index": DossierIndexPage,
        "dossier": DossierPage,
        "contribution": ContributionPage,
        "event_index": EventIndexPage,
        "event": EventPage,
        "directory": MemberDirectoryPage,
        "standard": StandardPage,
    }
    TOP_LEVEL_KEYS = {"home", "colleges", "territories", "organisations", "users", "pages"}

    def __init__(self, data: Any, progress: Callable[[str], None] | None = None) -> None:
        self.data = data
        self.report: Counter = Counter()
        self.progress = progress or (lambda message: None)

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
        _check_document(self.data)
        data = _check_keys(self.data, "$", self.TOP_LEVEL_KEYS)
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
        self._load_pages(data.get("pages", []), home, "pages")
        self._link_meetings(home)
        return self.report

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
        instance = model.objects.filter(**{field: value}).first()
        if instance is None:
            raise ContentError(path, f"« {value} » n'existe pas ({model._meta.verbose_name})")
        return instance

    def _refs(self, model, entry: dict, key: str, path: str, field: str = "slug") -> list:
        return [
            self._ref(model, value, f"{path}.{key}[{index}]", field)
            for index, value in enumerate(_list(entry, key, path))
        ]

    def _member_refs(self, entry: dict, key: str, path: str) -> list[Member]:
        members = []
        for index, username in enumerate(_list(entry, key, path)):
            user = self._ref(get_user_model(), username, f"{path}.{key}[{index}]", "username")
            member = Member.objects.filter(user=user).first()
            if member is None:
                raise ContentError(
                    f"{path}.{key}[{index}]", f"« {username} » n'a pas de profil de membre"
                )
            members.append(member)
        return members

    # -- home, colleges, territories, organisations ---------------------------

    def _home(self) -> HomePage:
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site is None or not isinstance(site.root_page.specific, HomePage):
            raise ContentError(
                "$", "le site n'a pas de page d'accueil : lancez d'abord « manage.py migrate »"
            )
        return site.root_page.specific

    def _load_home(self, home: HomePage, entry: Any) -> None:
        _check_keys(entry, "home", {"title", "intro"})
        wanted = {
            "title": _text(entry, "title", "home", default=home.title, max_length=255)
            or home.title,
            "intro": text_to_html(_text(entry, "intro", "home")),
        }
        if any(_differs(getattr(home, field), value) for field, value in wanted.items()):
            for field, value in wanted.items():
                setattr(home, field, value)
            home.draft_title = home.title
            home.save_revision().publish()
            self.report["page d'accueil mise à jour"] += 1

    def _load_college(self, entry: Any, path: str) -> str:
        _check_keys(entry, path, {"slug", "name", "description"}, required=("slug", "name"))
        slug = _slug(entry, "slug", path)
        name = _text(entry, "name", path, max_length=150)
        clash = College.objects.filter(name=name).exclude(slug=slug).first()
        if clash:
            raise ContentError(f"{path}.name", f"le collège « {clash.slug} » porte déjà ce nom")
        _upsert(
            College,
            {"slug": slug},
            {
                "name": name,
                "description": _text(entry, "description", path),
                "sort_order": int(path[9:-1]),
            },
            self.report,
            "collège(s)",
            path,
        )
        return slug

    def _load_territory(self, entry: Any, path: str) -> str:
        _check_keys(entry, path, {"slug", "name", "parent", "kind"}, required=("slug", "name"))
        slug = _slug(entry, "slug", path)
        parent = (
            self._ref(Territory, entry["parent"], f"{path}.parent") if entry.get("parent") else None
        )
        if parent is not None and (parent.slug == slug or slug in self._ancestor_slugs(parent)):
            raise ContentError(f"{path}.parent", "un territoire ne peut pas être son propre parent")
        default_kind = Territory.Kind.DEPARTEMENT if parent else Territory.Kind.REGION
        values = {
            "name": _text(entry, "name", path, max_length=150),
            "parent": parent,
            "kind": _choice(entry, "kind", path, Territory.Kind.values, default_kind),
        }
        _upsert(Territory, {"slug": slug}, values, self.report, "territoire(s)", path)
        return slug

    @staticmethod
    def _ancestor_slugs(territory: Territory) -> set[str]:
        slugs = set()
        while territory is not None and territory.slug not in slugs:
            slugs.add(territory.slug)
            territory = territory.parent
        return slugs

    def _load_organisation(self, entry: Any, path: str) -> str:
        allowed = {
            "slug",
            "name",
            "college",
            "territory",
            "adhesion_date",
            "website",
            "type",
            "status",
            "description",
        }
        _check_keys(entry, path, allowed, required=("slug", "name", "college"))
        slug = _slug(entry, "slug", path)
        values = {
            "name": _text(entry, "name", path, max_length=200),
            "college": self._ref(College, entry["college"], f"{path}.college"),
            "territory": self._ref(Territory, entry["territory"], f"{path}.territory")
            if entry.get("territory")
            else None,
            "adhesion_date": _date(entry, "adhesion_date", path),
            "website": _url(entry, "website", path),
            "type": _choice(
                entry, "type", path, Organisation.Type.values, Organisation.Type.ASSOCIATION
            ),
            "status": _choice(
                entry, "status", path, Organisation.Status.values, Organisation.Status.ACTIVE
            ),
            "description": _text(entry, "description", path),
        }
        _upsert(Organisation, {"slug": slug}, values, self.report, "structure(s)", path)
        return slug

    # -- users and member profiles -----------------------------------------

    USER_KEYS = {
        "username", "password", "first_name", "last_name", "email", "colleges", "organisation",
        "roles", "profile", "visibility", "status", "territory",
    }  # fmt: skip
    PROFILE_KEYS = {"fonction", "phone", "address", "bio", "expertise", "show_full_name"}

    def _load_user(self, entry: Any, path: str) -> str:
        _check_keys(entry, path, self.USER_KEYS, required=("username",))
        username = _text(entry, "username", path, max_length=150)
        try:
            get_user_model().username_validator(username)
        except ValidationError:
            raise ContentError(f"{path}.username", f"identifiant invalide « {username} »") from None
        email = _text(entry, "email", path, max_length=254)
        if email:
            try:
                validate_email(email)
            except ValidationError:
                raise ContentError(
                    f"{path}.email", f"adresse électronique invalide « {email} »"
                ) from None
        colleges = self._refs(College, entry, "colleges", path)
        organisation = (
            self._ref(Organisation, entry["organisation"], f"{path}.organisation")
            if entry.get("organisation")
            else None
        )
        roles = _strings(entry, "roles", path)
        for index, role in enumerate(roles):
            if role not in ROLES:
                raise ContentError(
                    f"{path}.roles[{index}]",
                    f"rôle « {role} » inconnu ; attendu : {', '.join(ROLES)}",
                )
        if "referent" in roles and not colleges:
            raise ContentError(f"{path}.roles", "un référent doit appartenir à au moins un collège")
        territory = (
            self._ref(Territory, entry["territory"], f"{path}.territory")
            if entry.get("territory")
            else None
        )
        profile = entry.get("profile", {}) or {}
        _check_keys(profile, f"{path}.profile", self.PROFILE_KEYS)
        visibility = self._visibility_choices(
            entry.get("visibility", {}) or {}, f"{path}.visibility"
        )
        password = entry.get("password")
        if password is not None and (not isinstance(password, str) or not password):
            raise ContentError(f"{path}.password", "un mot de passe non vide est attendu")

        user = _upsert(
            get_user_model(),
            {"username": username},
            {
                "first_name": _text(entry, "first_name", path, max_length=150),
                "last_name": _text(entry, "last_name", path, max_length=150),
                "email": email,
            },
            self.report,
            "compte(s)",
            path,
        )
        if password and not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        member = _upsert(
            Member,
            {"user": user},
            {
                "organisation": organisation,
                "territory": territory or (organisation.territory if organisation else None),
                "fonction": _text(profile, "fonction", f"{path}.profile", max_length=200),
                "phone": _text(profile, "phone", f"{path}.profile", max_length=40),
                "address": _text(profile, "address", f"{path}.profile"),
                "bio": _text(profile, "bio", f"{path}.profile"),
                "show_full_name": _bool(profile, "show_full_name", f"{path}.profile", False),
                "visibility": visibility,
                "status": _choice(
                    entry, "status", path, Member.Status.values, Member.Status.ACTIVE
                ),
            },
            self.report,
            "profil(s)",
            f"{path}.profile",
        )
        expertise = _strings(profile, "expertise", f"{path}.profile")
        for index, tag in enumerate(expertise):
            if len(tag) > TAG_LENGTH:
                raise ContentError(
                    f"{path}.profile.expertise[{index}]", f"{TAG_LENGTH} caractères au plus"
                )
        if sorted(tag.name for tag in member.expertise.all()) != sorted(set(expertise)):
            member.expertise.set(expertise)
            member.save()
            self.report["expertise(s) de membre mise(s) à jour"] += 1
        before = self._roles_snapshot(member)
        self._set_colleges(member, colleges)
        apply_roles(member, roles)
        if self._roles_snapshot(member) != before:
            self.report["collège(s) ou rôle(s) de membre modifié(s)"] += 1
        return username

    @staticmethod
    def _roles_snapshot(member: Member) -> tuple:
        member.refresh_from_db(fields=["is_coordination", "is_platform_admin"])
        memberships = sorted(member.memberships.values_list("college_id", "is_referent"))
        return (memberships, member.is_coordination, member.is_platform_admin)

    @staticmethod
    def _visibility_choices(value: Any, path: str) -> dict[str, str]:
        _check_keys(value, path, set(Member.VISIBILITY_FIELDS))
        for field, level in value.items():
            if level not in Member.Visibility.values:
                raise ContentError(
                    f"{path}.{field}",
                    f"niveau « {level} » inconnu ; attendu : {', '.join(Member.Visibility.values)}",
                )
        return dict(value)

    @staticmethod
    def _set_colleges(member: Member, colleges: list[College]) -> None:
        wanted = {college.pk for college in colleges}
        current = set(member.memberships.values_list("college_id", flat=True))
        if current - wanted:
            member.memberships.filter(college_id__in=current - wanted).delete()
        for college_id in wanted - current:
            CollegeMembership.objects.create(member=member, college_id=college_id)

    # -- pages --------------------------------------------------------------

    COMMON_PAGE_KEYS = {"type", "slug", "title", "visibility", "live", "children"}
    PAGE_KEYS = {
        "convention": {"territory", "preamble", "objectives", "perimeter"},
        "reglement": {"version", "adopted_on", "approved_by", "intro", "articles", "versions"},
        "dossier_index": {"intro"},
        "dossier": {"theme", "status", "coordinators", "intro"},
        "contribution": {
            "contribution_type",
            "date",
            "colleges",
            "authors",
            "summary",
            "body",
            "preconisations",
            "testimonies",
            "tags",
            "meeting",
        },  # fmt: skip
        "event_index": {"intro"},
        "event": {
            "start",
            "end",
            "location",
            "video_url",
            "programme",
            "speakers",
            "capacity",
            "registration_deadline",
        },  # fmt: skip
        "directory": {"intro"},
        "standard": {"intro", "body", "footer_role"},
    }

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
        page_type = _choice(entry, "type", path, self.PAGE_TYPES, "")
        model = self.PAGE_TYPES[page_type]
        if (
            not model.can_create_at(parent)
            and not model.objects.child_of(parent).filter(slug=entry.get("slug")).exists()
        ):
            raise ContentError(
                f"{path}.type",
                f"une page « {page_type} » ne peut pas être placée sous « {parent.title} »",
            )
        _check_keys(
            entry,
            path,
            self.COMMON_PAGE_KEYS | self.PAGE_KEYS[page_type],
            required=("slug", "title"),
        )
        slug = _slug(entry, "slug", path)
        title = _text(entry, "title", path, max_length=255)
        live = _bool(entry, "live", path, True)
        visibility = self._page_visibility(entry.get("visibility", "public"), f"{path}.visibility")
        fields, relations = getattr(self, f"_fields_{page_type}")(
            entry, path, f"{parent.url_path}{slug}/"
        )
        for index, tag in enumerate(relations.get("tags", [])):
            if len(tag) > TAG_LENGTH:
                raise ContentError(f"{path}.tags[{index}]", f"{TAG_LENGTH} caractères au plus")
        _check_lengths(model(title=title, slug=slug, **fields), path)

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
            _differs(self._comparable(page, name), self._comparable_value(page, name, value))
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

    # -- fields of each page type ---------------------------------------------

    @staticmethod
    def _block_id(page_path: str, field: str, index: int) -> str:
        return str(uuid.uuid5(BLOCK_ID_NAMESPACE, f"{page_path}#{field}#{index}"))

    def _stream(self, page_path: str, field: str, items: list[tuple[str, Any]]) -> list[dict]:
        return [
            {"type": block_type, "value": value, "id": self._block_id(page_path, field, index)}
            for index, (block_type, value) in enumerate(items)
        ]

    def _fields_convention(self, entry, path, page_path):
        territory = (
            self._ref(Territory, entry["territory"], f"{path}.territory")
            if entry.get("territory")
            else None
        )
        objectives = _strings(entry, "objectives", path)
        return {
            "territory": territory,
            "preamble": text_to_html(_text(entry, "preamble", path)),
            "objectives": self._stream(
                page_path, "objectives", [("objective", text) for text in objectives]
            ),
            "perimeter": text_to_html(_text(entry, "perimeter", path)),
        }, {}

    ARTICLE_KEYS = {"key", "title", "body"}
    VERSION_KEYS = {"version", "adopted_on", "approved_by", "intro", "articles"}

    def _articles(self, entry, path, page_path) -> list[dict]:
        """``[{"id", "title", "body"}]``: an article's ``key`` gives it the same block id in
        every version, so the comparison of versions follows it through renames."""
        articles, keys = [], {}
        for index, article in enumerate(_list(entry, "articles", path)):
            article_path = f"{path}.articles[{index}]"
            _check_keys(article, article_path, self.ARTICLE_KEYS, required=("title",))
            key = _slug(article, "key", article_path) if "key" in article else ""
            if key in keys:
                raise ContentError(
                    f"{article_path}.key", f"« {key} » est déjà utilisé en {keys[key]}"
                )
            if key:
                keys[key] = article_path
            articles.append(
                {
                    "id": str(uuid.uuid5(BLOCK_ID_NAMESPACE, f"{page_path}#articles#{key}"))
                    if key
                    else "",
                    "title": _text(article, "title", article_path, max_length=200),
                    "body": text_to_html(_text(article, "body", article_path)),
                }
            )
        return articles

    def _fields_reglement(self, entry, path, page_path):
        _list(entry, "versions", path)  # checked here, loaded by _after_reglement
        articles = self._articles(entry, path, page_path)
        stream = self._stream(
            page_path,
            "articles",
            [("article", {"title": a["title"], "body": a["body"]}) for a in articles],
        )
        for block, article in zip(stream, articles, strict=True):
            block["id"] = article["id"] or block["id"]
        return {
            "version_label": _text(entry, "version", path, max_length=40),
            "adopted_on": _date(entry, "adopted_on", path),
            "intro": text_to_html(_text(entry, "intro", path)),
            "articles": stream,
        }, {"approved_by": self._refs(College, entry, "approved_by", path)}

    def _after_reglement(self, page, entry, path, page_path) -> None:
        """Earlier adopted versions, kept as ``ReglementVersion`` rows (matched by label)."""
        seen: dict[str, str] = {}
        for index, item in enumerate(_list(entry, "versions", path)):
            version_path = f"{path}.versions[{index}]"
            _check_keys(item, version_path, self.VERSION_KEYS, required=("version",))
            label = _text(item, "version", version_path, max_length=40)
            if not label:
                raise ContentError(f"{version_path}.version", "un numéro de version est attendu")
            if label in seen or label == page.version_label:
                where = seen.get(label, f"{path}.version")
                raise ContentError(f"{version_path}.version", f"« {label} » figure déjà en {where}")
            seen[label] = version_path
            self._load_version(page, item, label, version_path, page_path)

    def _load_version(self, page, item: dict, label: str, path: str, page_path: str) -> None:
        from cms.reglement.models import ReglementVersion

        adopted_on = _date(item, "adopted_on", path)
        colleges = self._refs(College, item, "approved_by", path)
        version = _upsert(
            ReglementVersion,
            {"page": page, "label": label},
            {
                "adopted_on": adopted_on,
                "intro": text_to_html(_text(item, "intro", path)),
                "articles": self._articles(item, path, page_path),
            },
            self.report,
            "version(s) du règlement",
            path,
        )
        if self._sync_version_approvals(version, {college.pk for college in colleges}, adopted_on):
            self.report["approbation(s) de version mise(s) à jour"] += 1

    @staticmethod
    def _sync_version_approvals(version, wanted: set[int], approved_on) -> bool:
        """The version's approvals become exactly ``wanted``, dated ``approved_on``."""
        from cms.reglement.models import VersionApproval

        current = {a.college_id: a for a in VersionApproval.objects.filter(version=version)}
        stale = [pk for pk in current if pk not in wanted]
        redated = [a for pk, a in current.items() if pk in wanted and a.approved_on != approved_on]
        missing = [pk for pk in wanted if pk not in current]
        if stale:
            VersionApproval.objects.filter(version=version, college_id__in=stale).delete()
        for approval in redated:
            approval.approved_on = approved_on
            approval.save(update_fields=["approved_on"])
        VersionApproval.objects.bulk_create(
            VersionApproval(version=version, college_id=pk, approved_on=approved_on)
            for pk in missing
        )
        return bool(stale or redated or missing)

    def _fields_dossier_index(self, entry, path, page_path):
        return {"intro": text_to_html(_text(entry, "intro", path))}, {}

    _fields_event_index = _fields_dossier_index

    def _fields_standard(self, entry, path, page_path):
        footer_role = _choice(entry, "footer_role", path, [""] + StandardPage.FooterRole.values, "")
        if footer_role:
            taken = StandardPage.objects.filter(footer_role=footer_role).exclude(url_path=page_path)
            if taken.exists():
                raise ContentError(
                    f"{path}.footer_role", f"une autre page a déjà le rôle « {footer_role} »"
                )
        return {
            "intro": text_to_html(_text(entry, "intro", path)),
            "body": self._stream(page_path, "body", self._text_blocks(entry, "body", path)),
            "footer_role": footer_role,
        }, {}

    @staticmethod
    def _text_blocks(entry: dict, key: str, path: str) -> list[tuple[str, Any]]:
        """Paragraphs of a text; a paragraph starting with "## " is a heading."""
        blocks: list[tuple[str, Any]] = []
        for paragraph in text_paragraphs(_text(entry, key, path)):
            if paragraph.startswith("## "):
                blocks.append(("heading", {"text": paragraph[3:].strip(), "level": "h2"}))
            else:
                blocks.append(("paragraph", text_to_html(paragraph)))
        return blocks

    _fields_directory = _fields_dossier_index

    def _fields_dossier(self, entry, path, page_path):
        theme = _text(entry, "theme", path, max_length=200)
        if not theme:
            raise ContentError(f"{path}.theme", "valeur obligatoire")
        return {
            "theme": theme,
            "status": _choice(
                entry, "status", path, DossierPage.Status.values, DossierPage.Status.OUVERT
            ),
            "intro": text_to_html(_text(entry, "intro", path)),
        }, {"coordinators": self._member_refs(entry, "coordinators", path)}

    def _fields_contribution(self, entry, path, page_path):
        date = _date(entry, "date", path)
        if date is None:
            raise ContentError(f"{path}.date", "valeur obligatoire")
        blocks = self._text_blocks(entry, "body", path)
        for index, testimony in enumerate(_list(entry, "testimonies", path)):
            testimony_path = f"{path}.testimonies[{index}]"
            _check_keys(testimony, testimony_path, {"text", "author"}, required=("text",))
            blocks.append(
                (
                    "temoignage",
                    {
                        "text": _text(testimony, "text", testimony_path),
                        "author": _text(testimony, "author", testimony_path),
                    },
                )
            )
        preconisations = _list(entry, "preconisations", path)
        if preconisations:
            blocks.append(("heading", {"text": "Préconisations", "level": "h2"}))
        for index, preconisation in enumerate(preconisations):
            item_path = f"{path}.preconisations[{index}]"
            _check_keys(preconisation, item_path, {"title", "description"}, required=("title",))
            blocks.append(
                (
                    "preconisation",
                    {
                        "title": _text(preconisation, "title", item_path, max_length=250),
                        "description": _text(preconisation, "description", item_path),
                    },
                )
            )
        return {
            "contribution_type": _choice(
                entry,
                "contribution_type",
                path,
                ContributionPage.Type.values,
                ContributionPage.Type.SYNTHESE_ATELIER,
            ),
            "date": date,
            "summary": _text(entry, "summary", path),
            "body": self._stream(page_path, "body", blocks),
        }, {
            "colleges": self._refs(College, entry, "colleges", path),
            "authors": self._member_refs(entry, "authors", path),
            "tags": _strings(entry, "tags", path),
        }

    def _after_contribution(self, page, entry, path, page_path) -> None:
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
        start = _datetime(entry, "start", path)
        if start is None:
            raise ContentError(f"{path}.start", "valeur obligatoire")
        end = _datetime(entry, "end", path)
        if end is not None and end < start:
            raise ContentError(f"{path}.end", "la fin doit être après le début")
        return {
            "start": start,
            "end": end,
            "location": _text(entry, "location", path, max_length=300),
            "video_url": _url(entry, "video_url", path),
            "programme": text_to_html(_text(entry, "programme", path)),
            "speakers": "\n".join(_strings(entry, "speakers", path)),
            "capacity": _int(entry, "capacity", path),
            "registration_deadline": _date(entry, "registration_deadline", path),
        }, {}
