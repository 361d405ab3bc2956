"""Wagtail admin for adhesion requests (registered from members.wagtail_hooks).

Requests come from the public form only, and are decided through the accept and
decline views below: the admin never creates nor edits them directly.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import RelatedFieldListFilter
from django.contrib.admin.utils import quote
from django.shortcuts import redirect
from django.urls import re_path
from django.utils.functional import cached_property
from wagtail_modeladmin.helpers import ButtonHelper, PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, modeladmin_register
from wagtail_modeladmin.views import InstanceSpecificView

from members.adhesion import services
from members.adhesion.emails import requester
from members.adhesion.forms import AdhesionForm, DeclineForm
from members.admin_querystring import DeclaredQueryIndexView
from members.models import AdhesionRequest

DECIDE_PERMISSION = "members.change_adhesionrequest"


class RelatedFilter(RelatedFieldListFilter):
    """Django's filter asks django.contrib.admin's site for an ordering: that app is not
    installed here, so the related model's own ordering is used."""

    def field_admin_ordering(self, field, request, model_admin) -> tuple:
        return ()


class AdhesionPermissionHelper(PermissionHelper):
    def user_can_create(self, user) -> bool:
        return False

    def user_can_edit_obj(self, user, obj) -> bool:
        return False

    def user_can_decide(self, user, obj: AdhesionRequest | None = None) -> bool:
        """Deciding needs the change permission; a decided request stays as it is."""
        allowed = user.has_perm(DECIDE_PERMISSION)
        if obj is None:
            return allowed
        return allowed and obj.status == AdhesionRequest.Status.PENDING


class AdhesionButtonHelper(ButtonHelper):
    def decision_button(self, action: str, label: str, obj, classnames_add=None) -> dict:
        return {
            "url": self.url_helper.get_action_url(action, quote(obj.pk)),
            "label": label,
            "classname": self.finalise_classname(classnames_add or []),
            "title": f"{label} : {requester(obj)}",
        }

    def get_buttons_for_obj(
        self, obj, exclude=None, classnames_add=None, classnames_exclude=None
    ) -> list[dict]:
        buttons = super().get_buttons_for_obj(obj, exclude, classnames_add, classnames_exclude)
        exclude = exclude or []
        if self.permission_helper.user_can_decide(self.request.user, obj):
            if "accept" not in exclude:
                buttons.append(self.decision_button("accept", "Accepter", obj, classnames_add))
            if "decline" not in exclude:
                buttons.append(
                    self.decision_button(
                        "decline", "Refuser", obj, [*(classnames_add or []), "button-secondary"]
                    )
                )
        return buttons


class DecisionView(InstanceSpecificView):
    """GET shows a confirmation page; POST decides. Only pending requests can be decided."""

    def check_action_permitted(self, user) -> bool:
        return self.permission_helper.user_can_decide(user)

    @cached_property
    def inspect_url(self) -> str:
        return self.url_helper.get_action_url("inspect", self.pk_quoted)

    def dispatch(self, request, *args, **kwargs):
        # Without the permission, the parent's dispatch refuses before anything is shown.
        decided = self.instance.status != AdhesionRequest.Status.PENDING
        if decided and self.check_action_permitted(request.user):
            return self.already_decided(request)
        return super().dispatch(request, *args, **kwargs)

    def already_decided(self, request):
        messages.error(
            request,
            f"Cette demande a déjà été traitée ({self.instance.get_status_display().lower()}) : "
            "rien n'a été modifié.",
        )
        return redirect(self.inspect_url)

    def get_page_subtitle(self) -> str:
        return requester(self.instance)


class AcceptView(DecisionView):
    page_title = "Accepter la demande d'adhésion"

    def get_template_names(self) -> list[str]:
        return ["members/adhesion/admin_accept.html"]

    def post(self, request, *args, **kwargs):
        try:
            member = services.accept(self.instance, request.user)
        except services.AlreadyDecided:
            return self.already_decided(request)
        except services.EmailAlreadyUsed as error:
            messages.error(
                request,
                f"Le compte « {error.username} » utilise déjà l'adresse {self.instance.email} : "
                "aucun compte n'a été créé. Si c'est la même personne, ajoutez le collège demandé "
                "à sa fiche de membre, puis refusez cette demande en expliquant pourquoi.",
            )
            return redirect(self.inspect_url)
        messages.success(
            request,
            f"Demande acceptée : le compte « {member.user.username} » a été créé et un courriel "
            f"a été envoyé à {member.user.email} pour choisir un mot de passe.",
        )
        return redirect(self.index_url)


class DeclineView(DecisionView):
    page_title = "Refuser la demande d'adhésion"

    def get_template_names(self) -> list[str]:
        return ["members/adhesion/admin_decline.html"]

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", DeclineForm())
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        form = DeclineForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            services.decline(self.instance, request.user, form.cleaned_data["reason"])
        except services.AlreadyDecided:
            return self.already_decided(request)
        messages.success(
            request,
            f"Demande refusée : un courriel a été envoyé à {self.instance.email}.",
        )
        return redirect(self.index_url)


class AdhesionRequestAdmin(ModelAdmin):
    model = AdhesionRequest
    menu_label = "Demandes d'adhésion"
    menu_icon = "user"
    menu_order = 210
    add_to_admin_menu = True
    permission_helper_class = AdhesionPermissionHelper
    button_helper_class = AdhesionButtonHelper
    index_view_class = DeclaredQueryIndexView
    list_display = ("created_at", "requester", "college", "kind", "status")
    list_filter = ("status", ("college", RelatedFilter), "kind")
    search_fields = ("first_name", "last_name", "email", "organisation_name")
    list_select_related = ("college",)
    inspect_view_enabled = True
    # What the requester filled in, between the request's state and its decision.
    inspect_view_fields = [
        "created_at",
        "status",
        *AdhesionForm.Meta.fields,
        "consent_at",
        "decided_at",
        "decided_by",
        "decision_note",
        "member",
        "organisation",
    ]

    @admin.display(description="Demandeur")
    def requester(self, obj: AdhesionRequest) -> str:
        return requester(obj)

    def accept_view(self, request, instance_pk):
        return AcceptView.as_view(model_admin=self, instance_pk=instance_pk)(request)

    def decline_view(self, request, instance_pk):
        return DeclineView.as_view(model_admin=self, instance_pk=instance_pk)(request)

    def get_admin_urls_for_registration(self):
        return super().get_admin_urls_for_registration() + tuple(
            re_path(
                self.url_helper.get_action_url_pattern(action),
                view,
                name=self.url_helper.get_action_url_name(action),
            )
            for action, view in (("accept", self.accept_view), ("decline", self.decline_view))
        )


def register() -> None:
    """Register the admin views of this feature."""
    modeladmin_register(AdhesionRequestAdmin)
