"""A page may only reference the documents and images its editor may view.

A file is as visible as the pages that use it (``cms.access.can_view_file``), and the
reviewers of a page may open its files. Without this check, an editor could attach a
file they may not open to a page of their own, submit it, and open the file as its
reviewer; or publish it where a wider audience reads. So the admin page form and the
site proposals refuse such a reference at save, in French.

References are found the way Wagtail's reference index finds them: foreign keys to a
document or image, and the ``extract_references`` of StreamFields and rich text fields
(chooser blocks, embedded images, document links), in the page and in its inline
children (the attachments of a contribution).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Model
from modelcluster.models import get_all_child_relations
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page

from cms.access import may_reference_file

FileRef = tuple[type[Model], int]


def _file_model(model: object) -> type[Model] | None:
    """The document or image model this related model stands for, if it is one of them."""
    # A relation's related_model may also be the string "self" or None.
    if not isinstance(model, type):
        return None
    for file_model in (get_document_model(), get_image_model()):
        if issubclass(model, file_model):
            return file_model
    return None


def _as_pk(value: object) -> int | None:
    if isinstance(value, Model):
        value = value.pk
    if not isinstance(value, int | str):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        # A rich text link with a malformed id points at nothing.
        return None


def references_in_values(model: type[Model], values: Mapping[str, object]) -> Iterator[FileRef]:
    """File references held by field values of ``model`` (a form's ``cleaned_data``)."""
    for name, value in values.items():
        if value is None or value == "":
            continue
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if field.is_relation and field.many_to_one:
            file_model = _file_model(field.related_model)
            pk = _as_pk(value)
            if file_model is not None and pk is not None:
                yield file_model, pk
        elif hasattr(field, "extract_references"):
            for to_model, to_id, _model_path, _content_path in field.extract_references(value):
                file_model = _file_model(to_model)
                pk = _as_pk(to_id)
                if file_model is not None and pk is not None:
                    yield file_model, pk


def references_in_object(obj: Model) -> Iterator[FileRef]:
    """File references of a model instance and of its inline children (in memory too)."""
    values = {
        field.name: field.value_from_object(obj)
        for field in obj._meta.concrete_fields
        if (field.is_relation and field.many_to_one) or hasattr(field, "extract_references")
    }
    yield from references_in_values(type(obj), values)
    for relation in get_all_child_relations(obj):
        for child in getattr(obj, relation.get_accessor_name()).all():
            yield from references_in_object(child)


def references_in_form(form) -> Iterator[FileRef]:
    """File references of a validated page form and of its inline formsets."""
    yield from references_in_values(form._meta.model, getattr(form, "cleaned_data", {}))
    for name, formset in getattr(form, "formsets", {}).items():
        if name == "comments":
            continue
        # Validating here is cached: Wagtail's own is_valid() reuses the result.
        formset.is_valid()
        for child_form in formset.forms:
            if formset.can_delete and formset._should_delete_form(child_form):
                continue
            yield from references_in_form(child_form)


def refused_files(user, references: Iterable[FileRef], already: Iterable[FileRef] = ()) -> list:
    """The referenced files this user may not put on a page, except those already on it."""
    wanted: dict[type[Model], set[int]] = {}
    for file_model, pk in set(references) - set(already):
        wanted.setdefault(file_model, set()).add(pk)
    refused = []
    for file_model, pks in wanted.items():
        for obj in file_model._default_manager.filter(pk__in=pks).select_related("collection"):
            if not may_reference_file(user, obj):
                refused.append(obj)
    return sorted(refused, key=lambda obj: (obj.title, obj.pk))


def refusal_message(refused: list) -> ValidationError:
    titles = ", ".join(f"« {obj.title} »" for obj in refused)
    if len(refused) == 1:
        text = (
            "Vous ne pouvez pas utiliser sur cette page le fichier %(titles)s : vous n'avez "
            "pas accès à ce fichier. Retirez-le, ou demandez à la coordination de l'ajouter."
        )
    else:
        text = (
            "Vous ne pouvez pas utiliser sur cette page les fichiers %(titles)s : vous n'avez "
            "pas accès à ces fichiers. Retirez-les, ou demandez à la coordination de les "
            "ajouter."
        )
    return ValidationError(text, code="file_not_allowed", params={"titles": titles})


def check_page_files(page: Model, user, already: Iterable[FileRef] = ()) -> None:
    """Raise a ``ValidationError`` when the page references a file the user may not view."""
    refused = refused_files(user, references_in_object(page), already)
    if refused:
        raise refusal_message(refused)


def saved_references(page: Page | None) -> set[FileRef]:
    """References the page already holds (its saved row and its latest revision).

    These stay allowed: they were put there by someone entitled to, and refusing them
    would stop an editor from saving any change to a page that shows a file they may
    not open. Serving that file to them is still decided by ``can_view_file``.
    """
    if page is None or page.pk is None:
        return set()
    saved = type(page).objects.filter(pk=page.pk).first()
    if saved is None:
        return set()
    references = set(references_in_object(saved))
    latest = saved.get_latest_revision_as_object()
    if latest is not None:
        references |= set(references_in_object(latest))
    return references


class IntranetPageForm(WagtailAdminPageForm):
    """The admin form of every page of the intranet: it refuses files its editor may not view."""

    def clean(self):
        cleaned_data = super().clean()
        user = self.for_user
        if user is None:
            return cleaned_data
        refused = refused_files(user, references_in_form(self), saved_references(self.instance))
        if refused:
            self.add_error(None, refusal_message(refused))
        return cleaned_data
