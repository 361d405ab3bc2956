"""The annual restitution of a convention (issue 15, item 6): what a year produced and became.

For a year and a convention (regional or local: the pages under that convention), the
report gathers the year's dossiers and contributions, every préconisation born that year
or followed up during it and where it stands, the meetings held that year and how many
people of each college took part, with two charts (statuses, participation) each followed
by its data table. No person is ever named: carriers are organisations (people are
counted), participants are counted per college, authors and speakers are left out.

Who the report is for decides what it holds, through the one access rule (``cms.access``)
applied to a made-up reader: an anonymous visitor for « public », an authenticated member
of no college for « membres » (content open to every member, never a college's own).

The generation runs as a background task (``cms.followup.tasks.generate_restitution``),
writing its progress on the ``RestitutionReport`` row; the PDF and the ODT are kept under
``prive/`` and handed out only to coordination (``cms.followup.restitution_views``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import AnonymousUser, Group
from django.core.files.base import ContentFile
from django.db.models import Count, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format

from cms.access import visible_pages
from cms.exports.downloads import filename
from cms.followup.access import visible_items
from cms.followup.board import status_counts
from cms.followup.models import RestitutionReport, TrackedItem
from cms.followup.restitution_charts import Chart
from cms.meetings.models import Registration
from cms.models import ContributionPage, ConventionPage, DossierPage, EventPage
from members.roles import MEMBERS_GROUP
from shared.links import absolute_url

Audience = RestitutionReport.Audience
NO_COLLEGE = "Sans collège"
logger = logging.getLogger(__name__)


class MemberReader(AnonymousUser):
    """A made-up reader: logged in, in the members' group and no other (no college).

    ``cms.access`` decides on ``is_authenticated``, ``is_superuser`` and the user's
    groups; nothing is saved and nobody can log in as this reader.
    """

    is_active = True  # type: ignore[assignment]

    @property
    def is_anonymous(self) -> bool:  # type: ignore[override]
        return False

    @property
    def is_authenticated(self) -> bool:  # type: ignore[override]
        return True

    @property
    def groups(self):
        return Group.objects.filter(name=MEMBERS_GROUP)


def reader_for(audience: str) -> AnonymousUser:
    """The reader whose rights the report of this audience gets."""
    return MemberReader() if audience == Audience.MEMBERS else AnonymousUser()


@dataclass
class DossierSection:
    dossier: DossierPage
    contributions: list[ContributionPage] = field(default_factory=list)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count < 2 else many}"


def long_date(value: date) -> str:
    """« 1er juin 2024 », « 12 septembre 2024 »."""
    text = date_format(value, "j F Y")
    return "1er" + text[1:] if value.day == 1 else text


@dataclass
class ItemRow:
    item: TrackedItem
    # This year's changes: (date, [« État : Retenue → En cours », …]).
    changes: list[tuple[date, list[str]]]
    carrier_people: int

    @property
    def lines(self) -> list[str]:
        """Where the préconisation stands, one sentence a line (the PDF and the ODT)."""
        item = self.item
        state = f"État : {item.get_status_display()} — avancement {item.progress} %"
        if item.target_date:
            state += f" — échéance le {long_date(item.target_date)}"
        lines = [state]
        if item.description:
            lines.append(item.description)
        if item.status_reason:
            lines.append(f"Motif : {item.status_reason}")
        dossier = f"Dossier « {item.dossier.title} » — " if item.dossier else ""
        lines.append(
            f"{dossier}contribution d'origine : « {item.contribution.title} » "
            f"({long_date(item.source_date)})"
        )
        colleges = [college.name for college in item.colleges.all()]
        if colleges:
            lines.append("Collèges à l'origine : " + ", ".join(colleges))
        carriers = [organisation.name for organisation in item.carrier_organisations.all()]
        if self.carrier_people:
            carriers.append(_plural(self.carrier_people, "personne", "personnes"))
        lines.append(
            "Porté par : " + (", ".join(carriers) if carriers else "personne pour l'instant")
        )
        for day, changes in self.changes:
            lines.append(f"Le {long_date(day)} : " + " ; ".join(changes))
        return lines


@dataclass
class Restitution:
    """Everything the report shows, already filtered for its reader."""

    convention: ConventionPage
    year: int
    audience: str
    dossiers: list[DossierSection]
    items: list[ItemRow]
    status_counts: list[tuple[str, str, int]]
    meetings: list[EventPage]
    participation: list[tuple[str, int, int]]  # (college, registrations, people)
    registrations: int
    participants: int
    generated_on: date

    @property
    def audience_label(self) -> str:
        return str(Audience(self.audience).label)

    @property
    def contribution_count(self) -> int:
        return sum(len(section.contributions) for section in self.dossiers)

    @property
    def intro_lines(self) -> list[str]:
        contributions = self.contribution_count
        return [
            f"Public : {self.audience_label}.",
            f"En {self.year} : "
            + _plural(contributions, "contribution", "contributions")
            + " dans "
            + _plural(len(self.dossiers), "dossier", "dossiers")
            + ", "
            + _plural(len(self.items), "préconisation suivie", "préconisations suivies")
            + ", "
            + _plural(len(self.meetings), "rencontre", "rencontres")
            + ".",
            "Personne n'est nommé dans ce document : la participation est comptée par collège, "
            "les personnes porteuses d'une préconisation sont comptées.",
        ]

    @property
    def total_line(self) -> str:
        return (
            "En tout : "
            + _plural(self.registrations, "inscription confirmée", "inscriptions confirmées")
            + ", "
            + _plural(self.participants, "personne différente", "personnes différentes")
            + ". Une personne membre de deux collèges compte dans chacun."
        )

    @property
    def is_empty(self) -> bool:
        return not (self.dossiers or self.items or self.meetings)

    @property
    def status_chart(self) -> Chart:
        return Chart(
            slug="etats",
            title=f"Préconisations par état en {self.year}",
            rows=[(label.capitalize(), count) for _value, label, count in self.status_counts],
            value_label="Préconisations",
        )

    @property
    def participation_chart(self) -> Chart:
        return Chart(
            slug="participation",
            title=f"Participation aux rencontres de {self.year} par collège",
            rows=[(college, registrations) for college, registrations, _ in self.participation],
            value_label="Inscriptions confirmées",
        )

    @property
    def title(self) -> str:
        return f"Restitution {self.year} — {self.convention.title}"


def _year_contributions(convention: ConventionPage, year: int, reader) -> QuerySet:
    contributions = ContributionPage.objects.live().descendant_of(convention)
    return visible_pages(reader, contributions.filter(date__year=year))


def _dossier_sections(convention: ConventionPage, year: int, reader) -> list[DossierSection]:
    """The dossiers with a contribution of the year, each with those contributions (2 queries)."""
    contributions = list(_year_contributions(convention, year, reader).order_by("date", "pk"))
    parent_paths = {page.path[: -ContributionPage.steplen] for page in contributions}
    dossiers = DossierPage.objects.live().filter(path__in=parent_paths).order_by("path")
    sections = {
        dossier.path: DossierSection(dossier) for dossier in visible_pages(reader, dossiers)
    }
    for page in contributions:
        section = sections.get(page.path[: -ContributionPage.steplen])
        if section is not None:
            section.contributions.append(page)
    return list(sections.values())


def year_items(convention: ConventionPage, year: int, reader) -> QuerySet:
    """Current préconisations of the convention's contributions born this year, or followed up
    during it (a timeline entry dated this year), that this reader may see."""
    touched = TrackedItem.objects.filter(
        Q(source_date__year=year) | Q(entries__date__year=year),
        contribution__path__startswith=convention.path,
        archived_at__isnull=True,
    ).values("pk")
    return visible_items(reader, TrackedItem.objects.filter(pk__in=touched))


def _item_rows(items: QuerySet, year: int) -> list[ItemRow]:
    listed = (
        items.select_related("dossier", "contribution")
        .prefetch_related("carrier_organisations", "colleges", "entries")
        .annotate(carrier_people=Count("carrier_members", distinct=True))
        .order_by("dossier__path", "source_date", "pk")
    )
    rows = []
    for item in listed:
        changes = [
            (entry.date, [f"{c['label']} : {c['before']} → {c['after']}" for c in entry.changes])
            for entry in sorted(item.entries.all(), key=lambda entry: (entry.date, entry.pk))
            if entry.date.year == year and entry.changes
        ]
        rows.append(ItemRow(item, changes, item.carrier_people))
    return rows


def _meetings(convention: ConventionPage, year: int, reader) -> list[EventPage]:
    events = EventPage.objects.live().descendant_of(convention).filter(start__year=year)
    confirmed = Q(registrations__status=Registration.Status.CONFIRMED)
    return list(
        visible_pages(reader, events)
        .annotate(confirmed=Count("registrations", filter=confirmed))
        .order_by("start", "pk")
    )


def participation_by_college(meetings: list[EventPage]) -> list[tuple[str, int, int]]:
    """(college, confirmed registrations, people) over these meetings, in one grouped query.

    A person of two colleges counts in each; people of no college are counted apart. Only
    numbers leave the database: nobody is named.
    """
    rows = (
        Registration.objects.filter(
            event__in=[meeting.pk for meeting in meetings],
            status=Registration.Status.CONFIRMED,
        )
        .values("user__member__memberships__college__name", "user__member__memberships__college")
        .annotate(registrations=Count("pk"), people=Count("user", distinct=True))
        .order_by(
            "user__member__memberships__college__sort_order",
            "user__member__memberships__college__name",
        )
    )
    counted = [
        (row["user__member__memberships__college__name"], row["registrations"], row["people"])
        for row in rows
    ]
    # People of no college last (NULL sorts first or last depending on the database).
    return [row for row in counted if row[0]] + [
        (NO_COLLEGE, registrations, people) for name, registrations, people in counted if not name
    ]


def collect(convention: ConventionPage, year: int, audience: str) -> Restitution:
    """The report's content for this audience, decided by ``cms.access`` for its reader."""
    reader = reader_for(audience)
    items = year_items(convention, year, reader)
    meetings = _meetings(convention, year, reader)
    confirmed = Registration.objects.filter(
        event__in=[meeting.pk for meeting in meetings], status=Registration.Status.CONFIRMED
    ).aggregate(registrations=Count("pk"), people=Count("user", distinct=True))
    return Restitution(
        convention=convention,
        year=year,
        audience=audience,
        dossiers=_dossier_sections(convention, year, reader),
        items=_item_rows(items, year),
        status_counts=status_counts(items),
        meetings=meetings,
        participation=participation_by_college(meetings),
        registrations=confirmed["registrations"],
        participants=confirmed["people"],
        generated_on=timezone.localdate(),
    )


def render_html(restitution: Restitution) -> str:
    """The report as HTML: the PDF's source and the admin's preview (one template)."""
    return render_to_string(
        "followup/restitution_report.html",
        {
            "report": restitution,
            "page_url": restitution.convention.get_full_url(),
            "generated_on": restitution.generated_on,
        },
    )


def render_pdf(restitution: Restitution) -> bytes:
    from cms.exports.pdf import html_to_pdf  # WeasyPrint takes a second to import

    return html_to_pdf(render_html(restitution), absolute_url("/"))


# ---------------------------------------------------------------------------
# Generation, step by step (the task calls ``generate``)

Progress = Callable[[int, str], None]


def _progress_of(report: RestitutionReport) -> Progress:
    def advance(percent: int, step: str) -> None:
        report.progress, report.step = percent, step
        report.save(update_fields=["progress", "step", "state"])

    return advance


def generate(report: RestitutionReport) -> RestitutionReport:
    """Collect, draw, write the PDF and the ODT, keep them on the report; progress saved."""
    from cms.followup.restitution_odt import restitution_odt

    advance = _progress_of(report)
    report.state = RestitutionReport.State.RUNNING
    advance(5, "Démarrage")
    try:
        convention = report.convention
        if convention is None:
            raise ValueError("La convention de cette restitution n'existe plus.")
        advance(15, "Collecte des dossiers, contributions et préconisations")
        restitution = collect(convention, report.year, report.audience)
        advance(45, "Écriture du PDF")
        pdf = render_pdf(restitution)
        advance(75, "Écriture du document ODT")
        odt = restitution_odt(restitution)
        advance(90, "Enregistrement des fichiers")
        parts = ("restitution", str(report.year), convention.slug, report.audience, str(report.pk))
        report.pdf_file.save(filename(*parts, extension="pdf"), ContentFile(pdf), save=False)
        report.odt_file.save(filename(*parts, extension="odt"), ContentFile(odt), save=False)
    except Exception as error:  # the report says it failed instead of staying « en cours »
        logger.exception("Restitution %s: generation failed", report.pk)
        report.state = RestitutionReport.State.FAILED
        report.error = str(error)[:1000] or error.__class__.__name__
        report.finished_at = timezone.now()
        report.save()
        return report
    report.state = RestitutionReport.State.DONE
    report.progress, report.step = 100, "Terminée"
    report.finished_at = timezone.now()
    report.save()
    return report
