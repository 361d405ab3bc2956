"""Wagtail admin for name change requests (registered from members.wagtail_hooks).

Members ask on « Mon profil »; coordination reads the pending requests here and confirms
or refuses each one (members.name_change). The admin never creates nor edits a request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin
from wagtail_modeladmin.options import modeladmin_register

from members import name_change
from members.admin_decision import (
    DecisionButtonHelper,
    DecisionModelAdmin,
    DecisionPermissionHelper,
    DecisionView,
)
from members.models import NameChangeRequest


class DecisionForm(forms.Form):
    note = forms.CharField(
        label="Message pour le membre (facultatif)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Ce message est repris dans le courriel envoyé au membre.",
    )


class NameChangePermissionHelper(DecisionPermissionHelper):
    def may_decide(self, user) -> bool:
        return name_change.may_decide(user)

    def user_can_delete_obj(self, user, obj) -> bool:
        return False


class NameChangeButtonHelper(DecisionButtonHelper):
    decision_labels = (("accept", "Confirmer"), ("decline", "Refuser"))


class NameChangeDecisionView(DecisionView):
    """Both decisions take the same note to the member and differ by their service only."""

    template_name = "members/admin/name_change_decision.html"
    form_class = DecisionForm
    # The service of members.name_change making the decision, and what coordination is told.
    service: Callable[[NameChangeRequest, Any, str], NameChangeRequest]
    done: str

    def decide(self, data: dict) -> str:
        self.service(self.instance, self.request.user, data["note"])
        return self.done


class AcceptView(NameChangeDecisionView):
    action = "accept"
    page_title = "Confirmer le changement de nom"
    service = staticmethod(name_change.accept)
    done = "Changement de nom confirmé : un courriel a été envoyé au membre."


class DeclineView(NameChangeDecisionView):
    action = "decline"
    page_title = "Refuser le changement de nom"
    service = staticmethod(name_change.decline)
    done = "Changement de nom refusé : un courriel a été envoyé au membre."


class NameChangeRequestAdmin(DecisionModelAdmin):
    model = NameChangeRequest
    menu_label = "Changements de nom"
    menu_order = 215
    permission_helper_class = NameChangePermissionHelper
    button_helper_class = NameChangeButtonHelper
    accept_view_class = AcceptView
    decline_view_class = DeclineView
    list_display = ("created_at", "previous_name", "new_name", "status")
    list_filter = ("status",)
    search_fields = ("first_name", "last_name", "previous_first_name", "previous_last_name")
    list_select_related = ("member__user",)
    request_fields = (
        "previous_first_name",
        "previous_last_name",
        "first_name",
        "last_name",
        "reason",
    )

    @admin.display(description="Nom actuel")
    def previous_name(self, obj: NameChangeRequest) -> str:
        return obj.previous_name

    @admin.display(description="Nom demandé")
    def new_name(self, obj: NameChangeRequest) -> str:
        return obj.new_name

    def describe(self, obj: NameChangeRequest) -> str:
        return obj.new_name


def register() -> None:
    """Register the admin views of name change requests."""
    modeladmin_register(NameChangeRequestAdmin)
