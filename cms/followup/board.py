"""The board « Suivi des préconisations »: filters, counts per status, sort, pages, CSV.

The board lists the visible items of its convention, and of every convention whose
territory lies inside the convention's own (a regional board shows the local comités'
préconisations too). Filters take slugs or ids from the query string; an unknown value
is ignored and said so, never an error.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from cms.exports.downloads import download, filename
from cms.followup.access import visible_items
from cms.followup.models import Status, TrackedItem
from cms.models import ConventionPage
from members.models import College, Organisation, Territory
from shared.spreadsheet import csv_bytes, xlsx_bytes

ITEMS_PER_PAGE = 20
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

SORTS = {
    "recent": ("Dernières mises à jour", ("-updated_at", "-pk")),
    "date": ("Date de la contribution, récentes d'abord", ("-source_date", "-pk")),
    "date_asc": ("Date de la contribution, anciennes d'abord", ("source_date", "pk")),
    "progress": ("Avancement, le plus avancé d'abord", ("-progress", "-source_date", "-pk")),
    "progress_asc": ("Avancement, le moins avancé d'abord", ("progress", "-source_date", "-pk")),
}
DEFAULT_SORT = "recent"


@dataclass
class Filters:
    theme: str = ""
    territory: Territory | None = None
    college: College | None = None
    status: str = ""
    carrier: Organisation | None = None
    year: int | None = None
    archived: bool = False
    sort: str = DEFAULT_SORT
    ignored: bool = False

    @property
    def narrowing(self) -> bool:
        """Whether the reader chose anything: the folded filters then open (small screens)."""
        return bool(
            self.theme or self.territory or self.college or self.status or self.carrier
            or self.year or self.archived or self.sort != DEFAULT_SORT
        )  # fmt: skip


def scope(board) -> QuerySet:
    """The items a board covers, before visibility: its convention's and its territory's."""
    convention = ConventionPage.objects.filter(pk=board.get_parent().pk).first()
    items = TrackedItem.objects.all()
    if convention is None:
        return items.none()
    territories = convention.territory_ids()
    if territories is None:
        return items.filter(convention=convention)
    return items.filter(Q(convention=convention) | Q(territory__in=territories))


def _lookup(model, value: str, field: str):
    if not value:
        return None, False
    if "\x00" in value:  # no slug holds one, and PostgreSQL refuses it in a query
        return None, True
    try:
        return model.objects.get(**{field: value}), False
    except (model.DoesNotExist, ValueError):
        return None, True


def parse_filters(params) -> Filters:
    # A NUL character cannot reach PostgreSQL: it would be a database error, not a filter.
    filters = Filters(theme=params.get("theme", "").replace("\x00", "").strip()[:200])
    filters.territory, bad_territory = _lookup(Territory, params.get("territoire", ""), "slug")
    filters.college, bad_college = _lookup(College, params.get("college", ""), "slug")
    carrier = params.get("porteur", "")
    filters.carrier, bad_carrier = _lookup(Organisation, carrier, "slug")
    status = params.get("etat", "")
    bad_status = bool(status) and status not in Status.values
    filters.status = "" if bad_status else status
    year = params.get("annee", "")
    # isascii: "²".isdigit() is true, but int("²") fails.
    bad_year = bool(year) and not (year.isascii() and year.isdigit() and 1900 <= int(year) <= 2200)
    filters.year = int(year) if year and not bad_year else None
    sort = params.get("tri", DEFAULT_SORT)
    bad_sort = sort not in SORTS
    filters.sort = DEFAULT_SORT if bad_sort else sort
    filters.archived = params.get("archives") == "1"
    filters.ignored = any((bad_territory, bad_college, bad_carrier, bad_status, bad_year, bad_sort))
    return filters


def _filtered(items: QuerySet, filters: Filters, *, with_status: bool = True) -> QuerySet:
    items = items.filter(archived_at__isnull=not filters.archived)
    if filters.theme:
        items = items.filter(theme=filters.theme)
    if filters.territory:
        items = items.filter(territory__in=filters.territory.subtree_ids())
    if filters.college:
        items = items.filter(colleges=filters.college)
    if filters.carrier:
        items = items.filter(carrier_organisations=filters.carrier)
    if filters.year:
        items = items.filter(source_date__year=filters.year)
    if with_status and filters.status:
        items = items.filter(status=filters.status)
    return items


def counted(label: str, count: int) -> str:
    """« 1 proposée », « 3 proposées », « 2 en cours » (already plural)."""
    label = label.lower()
    return label if count < 2 or label.endswith("s") else label + "s"


def status_counts(items: QuerySet) -> list[tuple[str, str, int]]:
    """(value, label for its count, count) for every status, zeros included, in one query."""
    counts = dict(items.order_by().values_list("status").annotate(n=Count("pk", distinct=True)))
    return [
        (value, counted(str(label), counts.get(value, 0)), counts.get(value, 0))
        for value, label in Status.choices
    ]


def listed(items: QuerySet, filters: Filters) -> QuerySet:
    """What the listing shows of each item, in a constant number of queries."""
    return (
        items.select_related("contribution", "dossier", "territory")
        .prefetch_related("colleges", "carrier_organisations")
        .annotate(endorsement_count=Count("endorsements", distinct=True))
        .order_by(*SORTS[filters.sort][1])
    )


@dataclass
class Menu:
    """One filter of the board's form: a query parameter and its options."""

    name: str
    label: str
    all_label: str  # the option that filters nothing; empty for the sort, which always has one
    options: list[tuple[str, str, bool]]  # (value, label, selected)


# Each menu of the filter form: its query parameter, label, and the option that filters
# nothing (none for the sort, which always has one).
MENU_LABELS = {
    "theme": ("Thème", "Tous les thèmes"),
    "territoire": ("Territoire", "Tous les territoires"),
    "college": ("Collège à l’origine", "Tous les collèges"),
    "etat": ("État", "Tous les états"),
    "porteur": ("Structure porteuse", "Toutes les structures"),
    "annee": ("Année", "Toutes les années"),
    "tri": ("Trier par", ""),
}


def _by_slug(objects) -> list[tuple[str, str]]:
    return [(obj.slug, obj.name) for obj in objects]


def _slug(obj) -> str:
    return obj.slug if obj is not None else ""


def filter_menus(items: QuerySet, filters: Filters) -> list[Menu]:
    """The menus of the filter form, with the values present on the board (one query each)."""
    themes = items.exclude(theme="").order_by("theme").values_list("theme", flat=True).distinct()
    territories = Territory.objects.filter(tracked_items__in=items).distinct().order_by("name")
    carriers = Organisation.objects.filter(carried_items__in=items).distinct().order_by("name")
    years = sorted({date.year for date in items.dates("source_date", "year")}, reverse=True)
    options = {  # parameter: ((value, label) of each option, the chosen value)
        "theme": ([(theme, theme) for theme in themes], filters.theme),
        "territoire": (_by_slug(territories), _slug(filters.territory)),
        "college": (_by_slug(College.objects.all()), _slug(filters.college)),
        "etat": (Status.choices, filters.status),
        "porteur": (_by_slug(carriers), _slug(filters.carrier)),
        "annee": ([(year, year) for year in years], filters.year or ""),
        "tri": ([(key, sort[0]) for key, sort in SORTS.items()], filters.sort),
    }
    return [
        Menu(
            name,
            *MENU_LABELS[name],
            [(str(value), str(text), str(value) == str(chosen)) for value, text in pairs],
        )
        for name, (pairs, chosen) in options.items()
    ]


def board_context(board, request: HttpRequest) -> dict:
    filters = parse_filters(request.GET)
    visible = visible_items(request.user, scope(board))
    without_status = _filtered(visible, filters, with_status=False)
    shown = _filtered(visible, filters)
    page = Paginator(listed(shown, filters), ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    return {
        "filters": filters,
        "items": page,
        "item_count": page.paginator.count,
        "status_counts": status_counts(without_status),
        "filter_menus": filter_menus(visible.filter(archived_at__isnull=True), filters),
        "csv_url": board.url + board.reverse_subpage("csv") if board.url else "",
        "xlsx_url": board.url + board.reverse_subpage("xlsx") if board.url else "",
        "query_string": request.GET.urlencode(),
    }


CSV_HEADER = [
    "Préconisation",
    "Description",
    "État",
    "Motif",
    "Avancement (%)",
    "Échéance",
    "Structures porteuses",
    "Collèges à l'origine",
    "Thème",
    "Dossier",
    "Contribution",
    "Date de la contribution",
    "Soutiens",
]


def csv_rows(items) -> list[list[object]]:
    return [
        [
            item.title,
            item.description,
            item.get_status_display(),
            item.status_reason,
            item.progress,
            item.target_date.strftime("%d/%m/%Y") if item.target_date else "",
            ", ".join(org.name for org in item.carrier_organisations.all()),
            ", ".join(college.name for college in item.colleges.all()),
            item.theme,
            item.dossier.title if item.dossier else "",
            item.contribution.title,
            item.source_date.strftime("%d/%m/%Y"),
            item.endorsement_count,
        ]
        for item in items
    ]


def board_export(board, request: HttpRequest, kind: str) -> HttpResponse:
    """The filtered board (every page of it) as CSV or XLSX, through the formula-safe writers."""
    filters = parse_filters(request.GET)
    items = listed(_filtered(visible_items(request.user, scope(board)), filters), filters)
    rows = csv_rows(items)
    stamp = timezone.localdate().isoformat()
    name = filename("preconisations-suivi", board.slug, stamp, extension=kind)
    if kind == "xlsx":
        return download(xlsx_bytes(CSV_HEADER, rows, "Suivi des préconisations"), XLSX_TYPE, name)
    return download(csv_bytes(CSV_HEADER, rows), "text/csv; charset=utf-8", name)
