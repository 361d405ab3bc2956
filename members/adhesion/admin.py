"""Wagtail admin for adhesion requests (registered from members.wagtail_hooks).

Requests come from the public form only, and are decided through the accept and
decline views below: the admin never creates nor edits them directly.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin import RelatedFieldListFilter
from wagtail_modeladmin.options import modeladmin_register

from members.adhesion import services
from members.adhesion.emails import requester
from members.adhesion.forms import AdhesionForm, DeclineForm
from members.admin_decision import (
    DecisionModelAdmin,
    DecisionPermissionHelper,
    DecisionRefused,
    DecisionView,
)
from members.models import AdhesionRequest

DECIDE_PERMISSION = "members.change_adhesionrequest"


class RelatedFilter(RelatedFieldListFilter):
    """Django's filter asks django.contrib.admin's site for an ordering: that app is not
    installed here, so the related model's own ordering is used."""

    def field_admin_ordering(self, field, request, model_admin) -> tuple:
        return ()


class AdhesionPermissionHelper(DecisionPermissionHelper):
    def may_decide(self, user) -> bool:
        """Deciding needs the change permission (coordination's)."""
        return user.has_perm(DECIDE_PERMISSION)


class AcceptView(DecisionView):
    action = "accept"
    page_title = "Accepter la demande d'adhésion"
    template_name = "members/adhesion/admin_accept.html"

    def decide(self, data: dict) -> str:
        try:
            member = services.accept(self.instance, self.request.user)
        except services.EmailAlreadyUsed as error:
            raise DecisionRefused(
                f"Le compte « {error.username} » utilise déjà l'adresse {self.instance.email} : "
                "aucun compte n'a été créé. Si c'est la même personne, ajoutez le collège demandé "
                "à sa fiche de membre, puis refusez cette demande en expliquant pourquoi."
            ) from error
        return (
            f"Demande acceptée : le compte « {member.user.username} » a été créé et un courriel "
            f"a été envoyé à {member.user.email} pour choisir un mot de passe."
        )


class DeclineView(DecisionView):
    action = "decline"
    page_title = "Refuser la demande d'adhésion"
    template_name = "members/adhesion/admin_decline.html"
    form_class = DeclineForm

    def decide(self, data: dict) -> str:
        services.decline(self.instance, self.request.user, data["reason"])
        return f"Demande refusée : un courriel a été envoyé à {self.instance.email}."


class AdhesionRequestAdmin(DecisionModelAdmin):
    model = AdhesionRequest
    menu_label = "Demandes d'adhésion"
    menu_order = 210
    permission_helper_class = AdhesionPermissionHelper
    accept_view_class = AcceptView
    decline_view_class = DeclineView
    list_display = ("created_at", "requester", "college", "kind", "status")
    list_filter = ("status", ("college", RelatedFilter), "kind")
    search_fields = ("first_name", "last_name", "email", "organisation_name")
    list_select_related = ("college",)
    # What the requester filled in, and the account and structure an acceptance created.
    request_fields = (*AdhesionForm.Meta.fields, "consent_at")
    outcome_fields = ("member", "organisation")

    @admin.display(description="Demandeur")
    def requester(self, obj: AdhesionRequest) -> str:
        return requester(obj)

    def describe(self, obj: AdhesionRequest) -> str:
        return requester(obj)


def register() -> None:
    """Register the admin views of this feature."""
    modeladmin_register(AdhesionRequestAdmin)
