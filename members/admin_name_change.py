"""Wagtail admin for name change requests (registered from members.wagtail_hooks).

Members ask on « Mon profil »; coordination reads the pending requests here and confirms
or refuses each one (members.name_change). The admin never creates nor edits a request.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from wagtail_modeladmin.options import modeladmin_register

from members import name_change
from members.admin_decision import (
    DECISION_FIELDS,
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
    template_name = "members/admin/name_change_decision.html"
    form_class = DecisionForm


class AcceptView(NameChangeDecisionView):
    action = "accept"
    page_title = "Confirmer le changement de nom"

    def decide(self, data: dict) -> str:
        name_change.accept(self.instance, self.request.user, data["note"])
        return "Changement de nom confirmé : un courriel a été envoyé au membre."


class DeclineView(NameChangeDecisionView):
    action = "decline"
    page_title = "Refuser le changement de nom"

    def decide(self, data: dict) -> str:
        name_change.decline(self.instance, self.request.user, data["note"])
        return "Changement de nom refusé : un courriel a été envoyé au membre."


class NameChangeRequestAdmin(DecisionModelAdmin):
    model = NameChangeRequest
    menu_label = "Changements de nom"
    menu_icon = "user"
    menu_order = 215
    add_to_admin_menu = True
    permission_helper_class = NameChangePermissionHelper
    button_helper_class = NameChangeButtonHelper
    accept_view_class = AcceptView
    decline_view_class = DeclineView
    list_display = ("created_at", "previous_name", "new_name", "status")
    list_filter = ("status",)
    search_fields = ("first_name", "last_name", "previous_first_name", "previous_last_name")
    list_select_related = ("member__user",)
    inspect_view_fields = [
        "created_at",
        "status",
        "previous_first_name",
        "previous_last_name",
        "first_name",
        "last_name",
        "reason",
        *DECISION_FIELDS,
    ]

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
