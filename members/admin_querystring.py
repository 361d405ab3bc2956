"""Modeladmin listings that read from the query string only what they declare.

wagtail-modeladmin's ``IndexView`` hands every parameter its filters do not take to the
ORM as a lookup, with no ``lookup_allowed`` check (Django's admin has one): a referent
could then filter the members on ``user__password__startswith=…`` and read a password
hash one character at a time, or filter on fields the listing does not show. An unknown
parameter, such as ``?page=2``, was a field error, hence a 500.

The listings of the project keep modeladmin but accept only their declared filters (the
parameters Django's list filters declare through ``expected_parameters()``), the search,
the ordering, the page and the export. Any other parameter is ignored, and a declared
filter whose value does not fit its field is ignored too, so the listing shows what it
actually applies.

Wagtail's own listings (the ModelViewSets of meetings and notifications) build a
django-filter form from their declared filters and ignore any other parameter; their
relation filters only need to take an id too large for the database as no row.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.contrib.admin import FieldListFilter
from django.contrib.admin.filters import ListFilter
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import get_fields_from_path, lookup_spawns_duplicates
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django_filters import ModelChoiceFilter, ModelMultipleChoiceFilter
from django_filters.fields import ModelChoiceField, ModelMultipleChoiceField
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views.generic import IndexView as GenericIndexView
from wagtail_modeladmin.views import IndexView

BAD_QUERY_MESSAGE = (
    "Les paramètres de cette adresse ne correspondent à aucun filtre de la liste. "
    "Revenez à la liste et choisissez les filtres proposés."
)


def without_nul_characters(query: QueryDict) -> QueryDict:
    """The query string without NUL characters, which PostgreSQL refuses in any text
    (an error at the database, hence a 500, for a search or a filter value)."""
    if not any(
        "\x00" in key or "\x00" in value for key, values in query.lists() for value in values
    ):
        return query
    cleaned = QueryDict(mutable=True, encoding=query.encoding)
    for key, values in query.lists():
        cleaned.setlist(key.replace("\x00", ""), [value.replace("\x00", "") for value in values])
    cleaned._mutable = False
    return cleaned


class DeclaredQueryIndexView(IndexView):
    """A modeladmin listing that applies no lookup but its declared list filters."""

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # The stubs type GET as their immutable QueryDict, which the cleaned copy is too.
        request.GET = without_nul_characters(request.GET)  # type: ignore[assignment]
        try:
            return super().dispatch(request, *args, **kwargs)
        except IncorrectLookupParameters:
            # Declared filters with bad values are dropped before this: this is a last guard
            # (a custom filter refusing its value late) so that it is never a 500.
            return HttpResponseBadRequest(
                BAD_QUERY_MESSAGE, content_type="text/plain; charset=utf-8"
            )

    def get_filters(self, request: HttpRequest) -> tuple[list[ListFilter], bool, dict, bool]:
        """The declared filters, and no other lookup: the third item, the parameters left
        for modeladmin to apply as lookups, is always empty."""
        lookup_params = self.get_filters_params()
        filter_specs = []
        use_distinct = False
        for list_filter in self.list_filter or ():
            spec, field_path = self.make_filter_spec(list_filter, request, lookup_params)
            if spec is not None and not self.filter_accepts_its_values(request, spec):
                self.forget_params(spec.expected_parameters())
                spec, field_path = self.make_filter_spec(list_filter, request, {})
            if field_path is not None:
                use_distinct = use_distinct or lookup_spawns_duplicates(self.opts, field_path)
            if spec is not None and spec.has_output():
                filter_specs.append(spec)
        # Each filter took its own parameters out of lookup_params: what is left is declared
        # by none. Forgotten too, so that the search form and links do not carry it on.
        self.forget_params(lookup_params)
        return filter_specs, bool(filter_specs), {}, use_distinct

    def make_filter_spec(
        self, list_filter, request: HttpRequest, lookup_params: dict
    ) -> tuple[ListFilter | None, str | None]:
        """A list filter built the way modeladmin builds it; it takes its parameters out of
        ``lookup_params``. Also returns its field path, if it filters on a field."""
        if callable(list_filter):
            return list_filter(request, lookup_params, self.model, self.model_admin), None
        field_path = None
        if isinstance(list_filter, (tuple, list)):
            field, field_list_filter_class = list_filter
        else:
            field, field_list_filter_class = list_filter, FieldListFilter.create
        if not isinstance(field, models.Field):
            field_path = field
            field = get_fields_from_path(self.model, field_path)[-1]
        spec = field_list_filter_class(
            field, request, lookup_params, self.model, self.model_admin, field_path=field_path
        )
        return spec, field_path

    def filter_accepts_its_values(self, request: HttpRequest, spec: ListFilter) -> bool:
        """Whether the filter can apply its values (``?colleges__id__exact=abc`` cannot).

        Tried on an empty queryset: values are converted when the lookup is built, so
        nothing reaches the database."""
        try:
            spec.queryset(request, self.model._default_manager.none())
        except (IncorrectLookupParameters, ValueError, ValidationError):
            return False
        return True

    def forget_params(self, keys: Iterable[str | None]) -> None:
        for key in list(keys):
            self.params.pop(key, None)


# -- Wagtail's generic listings --------------------------------------------------------------


class BoundedIdMixin(forms.Field):
    """An id beyond what the database stores is no row. SQLite cannot even be asked about
    it (an OverflowError, hence a 500, for ``?dossier=99999999999999999999``).

    Mixed in before a (model) choice field, which comes before ``forms.Field`` in the MRO."""

    def clean(self, value):
        try:
            return super().clean(value)
        except OverflowError:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            ) from None


class BoundedModelChoiceField(BoundedIdMixin, ModelChoiceField):
    pass


class BoundedModelMultipleChoiceField(BoundedIdMixin, ModelMultipleChoiceField):
    pass


class BoundedModelChoiceFilter(ModelChoiceFilter):
    field_class = BoundedModelChoiceField


class BoundedModelMultipleChoiceFilter(ModelMultipleChoiceFilter):
    field_class = BoundedModelMultipleChoiceField


_BOUNDED = {
    ModelChoiceFilter: BoundedModelChoiceFilter,
    ModelMultipleChoiceFilter: BoundedModelMultipleChoiceFilter,
}


class BoundedFilterSet(WagtailFilterSet):
    """Wagtail's filter set, whose relation filters take an out-of-range id as no row."""

    FILTER_DEFAULTS = {
        field_class: {
            **spec,
            "filter_class": _BOUNDED.get(spec["filter_class"], spec["filter_class"]),
        }
        for field_class, spec in WagtailFilterSet.FILTER_DEFAULTS.items()
    }


class BoundedFiltersIndexView(GenericIndexView):
    """The index view of the project's ModelViewSets: filters built from
    ``list_filter`` with :class:`BoundedFilterSet`."""

    base_filterset_class = BoundedFilterSet
