"""What readers of the règlement see besides the text: its versions and what changed.

These are views of ``ReglementPage`` sub-routes (``RoutablePageMixin``): Wagtail has
already checked the page's view restrictions before any of them runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from cms.reglement.diff import Text, compare
from cms.reglement.models import ReglementVersion, VersionApproval
from cms.reglement.texts import page_text

CURRENT = "en-vigueur"
VERSIONS_PER_PAGE = 20


@dataclass(frozen=True)
class Choice:
    """One text that can be compared: a recorded version, or the text in force."""

    key: str
    label: str
    text: Text
    version: ReglementVersion | None = None


def versions_of(page) -> QuerySet:
    return page.versions.prefetch_related(
        Prefetch("approvals", VersionApproval.objects.select_related("college"))
    )


def current_choice(page) -> Choice:
    label = (
        f"Texte en vigueur (version {page.version_label})"
        if page.version_label
        else ("Texte en vigueur")
    )
    return Choice(CURRENT, label, page_text(page))


def version_choice(version: ReglementVersion) -> Choice:
    adopted = f", adoptée le {version.adopted_on:%d/%m/%Y}" if version.adopted_on else ""
    return Choice(str(version.pk), f"Version {version.label}{adopted}", version.text(), version)


def choices_of(page) -> list[Choice]:
    return [current_choice(page), *(version_choice(v) for v in page.versions.all())]


def default_pair(page, choices: list[Choice]) -> tuple[str, str]:
    """The latest earlier version against the text in force."""
    # Every choice after the first (the text in force) is a stored version.
    earlier = [
        c for c in choices[1:] if c.version is not None and c.version.label != page.version_label
    ]
    if earlier:
        return earlier[0].key, CURRENT
    if len(choices) > 1:
        return choices[1].key, CURRENT
    return CURRENT, CURRENT


def compare_with_current_url(page, request: HttpRequest, version: ReglementVersion) -> str:
    """The comparison of ``version`` with the text in force."""
    return f"{page.sub_url(request, 'compare')}?de={version.pk}&a={CURRENT}"


def version_list(page, request: HttpRequest) -> HttpResponse:
    versions = Paginator(versions_of(page), VERSIONS_PER_PAGE).get_page(request.GET.get("page"))
    for version in versions:
        version.url = page.sub_url(request, "version", version.pk)
        version.pdf_url = page.sub_url(request, "version_pdf", version.pk)
        version.compare_url = compare_with_current_url(page, request, version)
    return page.render(
        request,
        template="reglement/versions.html",
        context_overrides={
            "versions": versions,
            "current_url": page.get_url(request),
            "current_pdf_url": page.sub_url(request, "pdf"),
            "compare_url": page.sub_url(request, "compare"),
            "choices": choices_of(page),
            "default_from": default_pair(page, choices_of(page))[0],
            "current_key": CURRENT,
        },
    )


def version_detail(page, request: HttpRequest, pk: int) -> HttpResponse:
    version = versions_of(page).filter(pk=pk).first()
    if version is None:
        raise Http404("Cette version du règlement n'existe pas.")
    return page.render(
        request,
        template="reglement/version_detail.html",
        context_overrides={
            "version": version,
            "in_force": version.label == page.version_label,
            "versions_url": page.sub_url(request, "versions"),
            "pdf_url": page.sub_url(request, "version_pdf", version.pk),
            "compare_url": compare_with_current_url(page, request, version),
        },
    )


def version_compare(page, request: HttpRequest) -> HttpResponse:
    choices = choices_of(page)
    by_key = {choice.key: choice for choice in choices}
    default_from, default_to = default_pair(page, choices)
    wanted_from = request.GET.get("de", default_from)
    wanted_to = request.GET.get("a", default_to)
    context = {
        "choices": choices,
        "versions_url": page.sub_url(request, "versions"),
        "compare_url": page.sub_url(request, "compare"),
        "selected_from": wanted_from if wanted_from in by_key else default_from,
        "selected_to": wanted_to if wanted_to in by_key else default_to,
    }
    if wanted_from not in by_key or wanted_to not in by_key:
        context["error"] = (
            "Version inconnue : choisissez les deux versions à comparer dans les listes."
        )
        response = page.render(
            request, template="reglement/compare.html", context_overrides=context
        )
        response.status_code = 404
        return response
    old, new = by_key[wanted_from], by_key[wanted_to]
    context.update({"old": old, "new": new, "same": old.key == new.key})
    if old.key != new.key:
        context["diff"] = compare(old.text, new.text)
    return page.render(request, template="reglement/compare.html", context_overrides=context)
