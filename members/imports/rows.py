"""Check every row of a members table and say what importing it would do, without writing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q

from members.imports.reading import Table
from members.models import College, Member, Organisation, Territory
from members.permissions import outranks

Progress = Callable[[int, int], None]

# Column (normalised header) -> what it holds, in the order documented to users.
COLUMNS = {
    "identifiant": "identifiant de connexion (lettres, chiffres, . @ + - _)",
    "prenom": "prénom",
    "nom": "nom de famille",
    "email": "adresse électronique",
    "colleges": "identifiants des collèges, séparés par |",
    "structure": "identifiant de la structure (facultatif)",
    "territoire": "identifiant du territoire (facultatif)",
    "fonction": "fonction (facultatif)",
    "telephone": "téléphone (facultatif)",
    "roles": "member, referent ou coordination, séparés par | (facultatif ; member par défaut)",
}
REQUIRED_COLUMNS = ("identifiant", "prenom", "nom", "email", "colleges")
IMPORTABLE_ROLES = ("member", "referent", "coordination")
MAX_LENGTHS = {"identifiant": 150, "prenom": 150, "nom": 150, "email": 254}
MAX_LENGTHS |= {"fonction": 200, "telephone": 40}


@dataclass
class RowError:
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"Ligne {self.line}")
        if self.column:
            where.append(f"colonne « {self.column} »")
        prefix = ", ".join(where)
        return f"{prefix} : {self.message}" if prefix else self.message


@dataclass
class MemberRow:
    """One valid row. Optional fields are None when their column is absent (left unchanged)."""

    line: int
    username: str
    first_name: str
    last_name: str
    email: str
    colleges: list[str]
    organisation: str | None = None
    territory: str | None = None
    fonction: str | None = None
    phone: str | None = None
    roles: list[str] | None = None
    exists: bool = False

    @property
    def action(self) -> str:
        return "Mise à jour" if self.exists else "Création"


@dataclass
class ImportPlan:
    rows: list[MemberRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def created(self) -> int:
        return sum(not row.exists for row in self.rows)

    @property
    def updated(self) -> int:
        return sum(row.exists for row in self.rows)


class _Checker:
    """Validates rows against the database, loaded once for the whole file."""

    def __init__(self, table: Table, importer=None) -> None:
        self.table = table
        self.colleges = set(College.objects.values_list("slug", flat=True))
        self.organisations = set(Organisation.objects.values_list("slug", flat=True))
        self.territories = set(Territory.objects.values_list("slug", flat=True))
        column = table.headers.index("identifiant")
        usernames = {row[column] for row in table.rows if len(row) > column}
        users = get_user_model().objects.filter(username__in=usernames)
        self.existing = set(users.values_list("username", flat=True))
        # Accounts an import must never touch: changing their e-mail would hand them over.
        self.protected = _protected_usernames(users, importer)
        self.anonymised = set(
            users.filter(member__anonymised_at__isnull=False).values_list("username", flat=True)
        )
        self.seen: dict[str, int] = {}

    def check(self, line: int, cells: list[str], errors: list[RowError]) -> MemberRow | None:
        values = dict(zip(self.table.headers, cells + [""] * len(self.table.headers), strict=False))
        found: list[RowError] = []

        def error(column: str, message: str) -> None:
            found.append(RowError(line, column, message))

        for column, limit in MAX_LENGTHS.items():
            if len(values.get(column, "")) > limit:
                error(column, f"{limit} caractères au plus")
        for column in REQUIRED_COLUMNS:
            if not values.get(column):
                error(column, "valeur obligatoire")

        username = values.get("identifiant", "")
        if username:
            self._check_username(username, line, error)
        email = values.get("email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                error("email", f"adresse invalide « {email} »")
        colleges = _split(values.get("colleges", ""))
        for slug in colleges:
            if slug not in self.colleges:
                error("colleges", f"collège « {slug} » inconnu")
        for column, known in (("structure", self.organisations), ("territoire", self.territories)):
            if values.get(column) and values[column] not in known:
                error(column, f"« {values[column]} » inconnu")
        roles = _split(values["roles"]) if values.get("roles") else None
        for role in roles or []:
            if role not in IMPORTABLE_ROLES:
                error("roles", f"rôle « {role} » inconnu ; attendu : {', '.join(IMPORTABLE_ROLES)}")

        errors.extend(found)
        if found:
            return None
        present = set(self.table.headers)
        return MemberRow(
            line=line,
            username=username,
            first_name=values["prenom"],
            last_name=values["nom"],
            email=email,
            colleges=colleges,
            organisation=values["structure"] if "structure" in present else None,
            territory=values["territoire"] if "territoire" in present else None,
            fonction=values["fonction"] if "fonction" in present else None,
            phone=values["telephone"] if "telephone" in present else None,
            roles=roles,
            exists=username in self.existing,
        )

    def _check_username(self, username: str, line: int, error) -> None:
        try:
            get_user_model().username_validator(username)
        except ValidationError:
            error("identifiant", f"identifiant invalide « {username} »")
        if username in self.seen:
            error("identifiant", f"« {username} » figure déjà ligne {self.seen[username]}")
        else:
            self.seen[username] = line
        if username in self.protected:
            error("identifiant", "compte d'administration : il ne peut pas être modifié par import")
        if username in self.anonymised:
            error("identifiant", "ce membre a été anonymisé")


def _protected_usernames(users, importer) -> set[str]:
    """Accounts that hold rights the importer lacks: the admin's rule (``outranks``).

    Without an importer (``manage.py import_members``), every account with coordination
    or administration rights is protected: a file never hands one over.
    """
    if importer is None:
        return set(
            users.filter(
                Q(is_superuser=True)
                | Q(member__is_platform_admin=True)
                | Q(member__is_coordination=True)
            ).values_list("username", flat=True)
        )
    protected = set()
    if not importer.is_superuser:
        protected |= set(users.filter(is_superuser=True).values_list("username", flat=True))
    for member in Member.objects.filter(user__in=users).select_related("user"):
        if outranks(member, importer):
            protected.add(member.user.username)
    return protected


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split("|") if part.strip()]


def check_headers(table: Table) -> list[RowError]:
    errors = []
    for header in table.headers:
        if header and header not in COLUMNS:
            errors.append(RowError(1, header, "colonne inconnue"))
    missing = [column for column in REQUIRED_COLUMNS if column not in table.headers]
    if missing:
        names = ", ".join(f"« {column} »" for column in missing)
        errors.append(RowError(1, None, f"colonne(s) obligatoire(s) absente(s) : {names}"))
    duplicates = {header for header in table.headers if header and table.headers.count(header) > 1}
    for header in sorted(duplicates):
        errors.append(RowError(1, header, "colonne en double"))
    return errors


def validate_table(table: Table, progress: Progress | None = None, importer=None) -> ImportPlan:
    """Check every row (not only up to the first error) and plan the import."""
    plan = ImportPlan(errors=check_headers(table))
    if not plan.ok:
        return plan
    if not table.rows:
        plan.errors.append(RowError(None, None, "le fichier ne contient aucune ligne de données"))
        return plan
    checker = _Checker(table, importer)
    total = len(table.rows)
    for index, (line, cells) in enumerate(zip(table.lines, table.rows, strict=True), start=1):
        row = checker.check(line, cells, plan.errors)
        if row is not None:
            plan.rows.append(row)
        if progress:
            progress(index, total)
    return plan
