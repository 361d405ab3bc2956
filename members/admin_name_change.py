"""Wagtail admin for name change requests (registered from members.wagtail_hooks).

Members ask on « Mon profil »; coordination reads the pending requests here and confirms
or refuses each one (members.name_change). The admin never creates nor edits a request.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import redirect
from django.urls import re_path
from django.utils.functional import cached_property
from wagtail_modeladmin.helpers import ButtonHelper, PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, modeladmin_register
from wagtail_modeladmin.views import InstanceSpecificView

from members import name_change
from members.admin_querystring import DeclaredQueryIndexView
from members.models import NameChangeRequest


class DecisionForm(forms.Form):
    note = forms.CharField(
        label="Message pour le membre (facultatif)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Ce message est repris dans le courriel envoyé au membre.",
    )


class NameChangePermissionHelper(PermissionHelper):
    def user_can_create(self, user) -> bool:
        return False

    def user_can_edit_obj(self, user, obj) -> bool:
        return False

    def user_can_delete_obj(self, user, obj) -> bool:
        return False

    def user_can_decide(self, user, obj: NameChangeRequest | None = None) -> bool:
        allowed = name_change.may_decide(user)
        if obj is None:
            return allowed
        return allowed and obj.status == NameChangeRequest.Status.PENDING


class NameChangeButtonHelper(ButtonHelper):
    def get_buttons_for_obj(
        self, obj, exclude=None, classnames_add=None, classnames_exclude=None
    ) -> list[dict]:
        buttons = super().get_buttons_for_obj(obj, exclude, classnames_add, classnames_exclude)
        if not self.permission_helper.user_can_decide(self.request.user, obj):
            return buttons
        for action, label, extra in (
            ("accept", "Confirmer", []),
            ("decline", "Refuser", ["button-secondary"]),
        ):
            if action not in (exclude or []):
                buttons.append(
                    {
                        "url": self.url_helper.get_action_url(action, quote(obj.pk)),
                        "label": label,
                        "classname": self.finalise_classname([*(classnames_add or []), *extra]),
                        "title": f"{label} : {obj.new_name}",
                    }
                )
        return buttons


class DecisionView(InstanceSpecificView):
    """GET shows the request and a confirmation form; POST decides, once."""

    action = ""
    template_name = "members/admin/name_change_decision.html"

    def check_action_permitted(self, user) -> bool:
        return self.permission_helper.user_can_decide(user)

    @cached_property
    def inspect_url(self) -> str:
        return self.url_helper.get_action_url("inspect", self.pk_quoted)

    def dispatch(self, request, *args, **kwargs):
        decided = self.instance.status != NameChangeRequest.Status.PENDING
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
        return self.instance.new_name

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", DecisionForm())
        kwargs["action"] = self.action
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        form = DecisionForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        decide = name_change.accept if self.action == "accept" else name_change.decline
        try:
            decide(self.instance, request.user, form.cleaned_data["note"])
        except name_change.AlreadyDecided:
            return self.already_decided(request)
        except PermissionError:
            raise PermissionDenied from None
        done = "confirmé" if self.action == "accept" else "refusé"
        messages.success(request, f"Changement de nom {done} : un courriel a été envoyé au membre.")
        return redirect(self.index_url)


class AcceptView(DecisionView):
    action = "accept"
    page_title = "Confirmer le changement de nom"


class DeclineView(DecisionView):
    action = "decline"
    page_title = "Refuser le changement de nom"


class NameChangeRequestAdmin(ModelAdmin):
    model = NameChangeRequest
    menu_label = "Changements de nom"
    menu_icon = "user"
    menu_order = 215
    add_to_admin_menu = True
    permission_helper_class = NameChangePermissionHelper
    button_helper_class = NameChangeButtonHelper
    index_view_class = DeclaredQueryIndexView
    list_display = ("created_at", "previous_name", "new_name", "status")
    list_filter = ("status",)
    search_fields = ("first_name", "last_name", "previous_first_name", "previous_last_name")
    list_select_related = ("member__user",)
    inspect_view_enabled = True
    inspect_view_fields = [
        "created_at",
        "status",
        "previous_first_name",
        "previous_last_name",
        "first_name",
        "last_name",
        "reason",
        "decided_at",
        "decided_by",
        "decision_note",
    ]

    @admin.display(description="Nom actuel")
    def previous_name(self, obj: NameChangeRequest) -> str:
        return obj.previous_name

    @admin.display(description="Nom demandé")
    def new_name(self, obj: NameChangeRequest) -> str:
        return obj.new_name

    def get_queryset(self, request):
        # Pending requests first: they are what coordination comes here for.
        return (
            super()
            .get_queryset(request)
            .order_by(
                pending_first(),
                "-created_at",
            )
        )

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


def pending_first() -> Case:
    return Case(
        When(status=NameChangeRequest.Status.PENDING, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )


def register() -> None:
    """Register the admin views of name change requests."""
    modeladmin_register(NameChangeRequestAdmin)
