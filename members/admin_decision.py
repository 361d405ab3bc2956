"""The admin's screens for requests coordination decides once (``members.models.DecidedRequest``):
adhesion requests (``members.adhesion.admin``) and name changes (``members.admin_name_change``).

Requests are listed and inspected, never created nor edited in the admin; « Accepter » and
« Refuser » buttons open a confirmation page (GET) whose POST decides, once. A request
decided meanwhile is not decided again: the page says so and nothing changes. Each admin
says who decides (``may_decide``), how a request is named, and what its decision does
(``DecisionView.decide``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import re_path
from django.utils.functional import cached_property
from wagtail_modeladmin.helpers import ButtonHelper, PermissionHelper
from wagtail_modeladmin.options import ModelAdmin
from wagtail_modeladmin.views import InstanceSpecificView

from members.admin_querystring import DeclaredQueryIndexView
from members.models import AlreadyDecided, DecidedRequest, DecisionStatus

# What the inspect view shows of the decision, after what the request says.
DECISION_FIELDS = ("decided_at", "decided_by", "decision_note")


class DecisionRefused(Exception):
    """The decision cannot be made as it stands; the message says why and what to do."""


class DecisionPermissionHelper(PermissionHelper):
    """Nobody creates nor edits a request; those who may decide decide pending ones."""

    def may_decide(self, user) -> bool:
        raise NotImplementedError

    def user_can_create(self, user) -> bool:
        return False

    def user_can_edit_obj(self, user, obj) -> bool:
        return False

    def user_can_decide(self, user, obj: DecidedRequest | None = None) -> bool:
        allowed = self.may_decide(user)
        if obj is None:
            return allowed
        return allowed and obj.is_pending


class DecisionButtonHelper(ButtonHelper):
    """The listing's and the inspect view's buttons, with « Accepter » and « Refuser »."""

    # (action, label) of the two decisions, as each admin words them.
    decision_labels: Sequence[tuple[str, str]] = (("accept", "Accepter"), ("decline", "Refuser"))

    def get_buttons_for_obj(
        self, obj, exclude=None, classnames_add=None, classnames_exclude=None
    ) -> list[dict]:
        buttons = super().get_buttons_for_obj(obj, exclude, classnames_add, classnames_exclude)
        if not self.permission_helper.user_can_decide(self.request.user, obj):
            return buttons
        for action, label in self.decision_labels:
            if action in (exclude or []):
                continue
            extra = [] if action == "accept" else ["button-secondary"]
            buttons.append(
                {
                    "url": self.url_helper.get_action_url(action, quote(obj.pk)),
                    "label": label,
                    "classname": self.finalise_classname([*(classnames_add or []), *extra]),
                    "title": f"{label} : {self.view.model_admin.describe(obj)}",
                }
            )
        return buttons


class DecisionView(InstanceSpecificView):
    """GET shows the request and a confirmation form; POST decides, once.

    Without the right to decide, Wagtail's dispatch refuses before anything is shown.
    """

    action = ""
    # The optional message to the person, or None for a decision without a form.
    form_class: type[forms.Form] | None = None

    def check_action_permitted(self, user) -> bool:
        return self.permission_helper.user_can_decide(user)

    @cached_property
    def inspect_url(self) -> str:
        return self.url_helper.get_action_url("inspect", self.pk_quoted)

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not self.instance.is_pending and self.check_action_permitted(request.user):
            return self.already_decided(request)
        return super().dispatch(request, *args, **kwargs)

    def already_decided(self, request: HttpRequest) -> HttpResponse:
        messages.error(
            request,
            f"Cette demande a déjà été traitée ({self.instance.get_status_display().lower()}) : "
            "rien n'a été modifié.",
        )
        return redirect(self.inspect_url)

    def get_page_subtitle(self) -> str:
        return self.model_admin.describe(self.instance)

    def get_form(self, data=None) -> forms.Form | None:
        return self.form_class(data) if self.form_class is not None else None

    def get_context_data(self, **kwargs) -> dict:
        kwargs.setdefault("form", self.get_form())
        kwargs["action"] = self.action
        return super().get_context_data(**kwargs)

    def decide(self, data: dict) -> str:
        """Make the decision with the form's cleaned data; returns the message of success.

        Raises ``AlreadyDecided``, ``PermissionError`` or ``DecisionRefused``."""
        raise NotImplementedError

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        form = self.get_form(request.POST)
        if form is not None and not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            done = self.decide(form.cleaned_data if form is not None else {})
        except AlreadyDecided:
            return self.already_decided(request)
        except PermissionError:
            raise PermissionDenied from None
        except DecisionRefused as refusal:
            messages.error(request, str(refusal))
            return redirect(self.inspect_url)
        messages.success(request, done)
        return redirect(self.index_url)


class DecisionModelAdmin(ModelAdmin):
    """A listing of requests, pending first, with an accept and a decline view."""

    accept_view_class: type[DecisionView]
    decline_view_class: type[DecisionView]
    button_helper_class = DecisionButtonHelper
    index_view_class = DeclaredQueryIndexView
    inspect_view_enabled = True
    menu_icon = "user"
    add_to_admin_menu = True
    # The inspect view: when the request came and its state, what it says
    # (``request_fields``), the decision, then what the decision made (``outcome_fields``).
    request_fields: Sequence[str] = ()
    outcome_fields: Sequence[str] = ()

    def get_inspect_view_fields(self) -> list[str]:
        return [
            "created_at",
            "status",
            *self.request_fields,
            *DECISION_FIELDS,
            *self.outcome_fields,
        ]

    def describe(self, obj: Any) -> str:
        """How the buttons and the decision pages name a request."""
        return str(obj)

    def get_queryset(self, request: HttpRequest):
        # Pending requests first: they are what coordination comes here for.
        return super().get_queryset(request).order_by(pending_first(), "-created_at")

    def accept_view(self, request: HttpRequest, instance_pk: str) -> HttpResponse:
        return self.accept_view_class.as_view(model_admin=self, instance_pk=instance_pk)(request)

    def decline_view(self, request: HttpRequest, instance_pk: str) -> HttpResponse:
        return self.decline_view_class.as_view(model_admin=self, instance_pk=instance_pk)(request)

    def get_admin_urls_for_registration(self) -> tuple:
        return super().get_admin_urls_for_registration() + tuple(
            re_path(
                self.url_helper.get_action_url_pattern(action),
                view,
                name=self.url_helper.get_action_url_name(action),
            )
            for action, view in (("accept", self.accept_view), ("decline", self.decline_view))
        )


def pending_first() -> Case:
    return Case(
        When(status=DecisionStatus.PENDING, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
