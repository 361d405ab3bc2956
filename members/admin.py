"""Wagtail admin (wagtail-modeladmin) for colleges, territories, organisations and members.

The « Convention » menu groups four listings. Colleges and territories follow model
permissions (coordination only). Members and organisations follow the object
permissions of ``members.permissions``: each editor lists, exports and edits only what
they may change (coordination: everything; a college referent: their college's).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.filters import RelatedFieldListFilter
from django.db import transaction
from django.urls import re_path
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup, modeladmin_register
from wagtail_modeladmin.views import DeleteView, EditView, HistoryView

from members import admin_views, audit, email_change
from members.admin_forms import MemberAdminForm, OrganisationAdminForm, visibility_field_name
from members.admin_querystring import DeclaredQueryIndexView
from members.models import College, Member, Organisation, Territory
from members.permissions import (
    CHANGE_MEMBER,
    can_change_member,
    can_change_organisation,
    changeable_members,
    changeable_organisations,
    is_coordination,
)
from members.roles import REFERENTS_GROUP, sync_access
from shared.spreadsheet import safe_cell

# -- permissions -------------------------------------------------------------


def is_referent(user) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and user.groups.filter(name=REFERENTS_GROUP).exists()
    )


def manages_members(user) -> bool:
    """Coordination and college referents: the people who see the members' listings."""
    return is_coordination(user) or is_referent(user)


class MemberPermissionHelper(PermissionHelper):
    # Referents have no model-wide permission: the menu and listing are theirs through their role.
    def user_can_list(self, user) -> bool:
        return manages_members(user)

    def user_can_create(self, user) -> bool:
        return False  # accounts come from the import or from accepted adhesion requests

    def user_can_edit_obj(self, user, obj: Member) -> bool:
        return can_change_member(user, obj)

    def user_can_delete_obj(self, user, obj: Member) -> bool:
        return is_coordination(user) and can_change_member(user, obj)


class OrganisationPermissionHelper(PermissionHelper):
    def user_can_list(self, user) -> bool:
        return manages_members(user)

    def user_can_edit_obj(self, user, obj: Organisation) -> bool:
        return can_change_organisation(user, obj)

    def user_can_delete_obj(self, user, obj: Organisation) -> bool:
        return is_coordination(user) and super().user_can_delete_obj(user, obj)


# -- filters -------------------------------------------------------------------


class RelatedFilter(RelatedFieldListFilter):
    """Django's related-field filter without django.contrib.admin (not installed here),
    whose registry it would ask for an ordering; choices keep the model's own ordering."""

    def field_admin_ordering(self, field, request, model_admin):
        return ()


# -- views ---------------------------------------------------------------------


class ExportIndexView(DeclaredQueryIndexView):
    """Listing whose spreadsheet export has French headings and is safe to open in a spreadsheet."""

    @property
    def export_headings(self) -> dict:
        return getattr(self.model_admin, "export_headings", {})

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        # A cell starting with « = » would run as a formula when the CSV is opened.
        if export_format == self.FORMAT_CSV and isinstance(value, str):
            return safe_cell(value)
        return value

    def stream_csv(self, queryset):
        yield "\ufeff"  # byte order mark: spreadsheets then read the accents right
        yield from super().stream_csv(queryset)


class EditorsHistoryView(HistoryView):
    """Modeladmin shows any object's history to any admin user: only its editors here."""

    def check_action_permitted(self, user) -> bool:
        return self.permission_helper.user_can_edit_obj(user, self.instance)


class MemberIndexView(ExportIndexView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if is_coordination(self.request.user):
            context["import_url"] = self.url_helper.get_action_url("import")
            context["anonymise_url"] = self.url_helper.get_action_url("anonymise")
        return context


class MemberEditView(EditView):
    def form_valid(self, form: MemberAdminForm):
        changed = form.changed_fields()
        # One transaction: the account, the profile, the access and the log entry change
        # together, and the confirmation e-mails leave only once they are committed.
        with transaction.atomic():
            # ModelFormView's save and redirect, without EditView's generic « edited »
            # entry: the entry below says which fields changed.
            response = super(EditView, self).form_valid(form)
            # A status change (ending a membership) must change access at once.
            sync_access(self.instance)
            audit.log_member_change(
                self.instance,
                self.request.user,
                changed,
                email_pending=bool(form.pending_email_requested),
            )
        if form.pending_email_requested:
            messages.info(self.request, email_change.pending_message(form.pending_email_requested))
        return response


class MemberDeleteView(DeleteView):
    def confirmation_message(self) -> str:
        return (
            "Supprimer ce membre supprime aussi son compte : il ne pourra plus se connecter "
            "et ses contributions n'auront plus d'auteur. Pour garder les statistiques, "
            "préférez le statut « Ancien membre » puis l'anonymisation."
        )

    def delete_instance(self) -> None:
        self.instance.user.delete()  # the profile goes with the account


# -- model admins ----------------------------------------------------------------


class ConventionModelAdmin(ModelAdmin):
    index_view_class = ExportIndexView
    history_view_class = EditorsHistoryView


class CollegeAdmin(ConventionModelAdmin):
    model = College
    menu_label = "Collèges"
    menu_icon = "group"
    list_display = ("name", "slug", "member_count")
    search_fields = ("name", "slug", "description")
    list_export = ("name", "slug", "description", "member_count")
    export_filename = "colleges"
    export_headings = {
        "name": "Nom", "slug": "Identifiant", "description": "Description",
        "member_count": "Membres actifs",
    }  # fmt: skip
    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
    ]

    @admin.display(description="Membres actifs")
    def member_count(self, obj: College) -> int:
        return obj.memberships.filter(member__status=Member.Status.ACTIVE).count()


class TerritoryAdmin(ConventionModelAdmin):
    model = Territory
    menu_label = "Territoires"
    menu_icon = "site"
    list_display = ("name", "kind", "parent", "slug")
    list_filter = ("kind",)
    search_fields = ("name", "slug")
    list_export = ("name", "slug", "kind", "parent")
    export_filename = "territoires"
    export_headings = {"name": "Nom", "slug": "Identifiant", "kind": "Niveau", "parent": "Parent"}


class OrganisationAdmin(ConventionModelAdmin):
    model = Organisation
    menu_label = "Structures"
    menu_icon = "home"
    permission_helper_class = OrganisationPermissionHelper
    list_display = ("name", "type", "college", "territory", "status", "adhesion_date")
    list_filter = (("college", RelatedFilter), ("territory", RelatedFilter), "status", "type")
    search_fields = ("name", "slug", "college__name", "territory__name")
    list_select_related = ("college", "territory")
    list_export = (
        "name", "slug", "type", "college", "territory", "website", "adhesion_date", "status",
    )  # fmt: skip
    export_filename = "structures"
    export_headings = {
        "name": "Nom", "slug": "Identifiant", "type": "Type", "college": "Collège",
        "territory": "Territoire", "website": "Site internet",
        "adhesion_date": "Date d'adhésion", "status": "Statut",
    }  # fmt: skip
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("slug"),
            FieldPanel("type"),
            FieldPanel("college"),
            FieldPanel("territory"),
            FieldPanel("website"),
            FieldPanel("description"),
            FieldPanel("adhesion_date"),
            FieldPanel("status"),
        ],
        base_form_class=OrganisationAdminForm,
    )

    def get_queryset(self, request):
        return changeable_organisations(request.user).select_related("college", "territory")


class MemberAdmin(ConventionModelAdmin):
    model = Member
    menu_label = "Membres"
    menu_icon = "user"
    permission_helper_class = MemberPermissionHelper
    index_view_class = MemberIndexView
    edit_view_class = MemberEditView
    delete_view_class = MemberDeleteView
    index_template_name = "members/admin/member_index.html"
    list_display = ("full_name", "email", "college_names", "organisation", "status")
    list_filter = (("colleges", RelatedFilter), ("territory", RelatedFilter), "status")
    search_fields = (
        "user__first_name", "user__last_name", "user__username", "user__email",
        "organisation__name",
    )  # fmt: skip
    list_per_page = 50
    list_export = (
        "last_name", "first_name", "email", "college_names", "organisation", "territory",
        "fonction", "phone", "status_label",
    )  # fmt: skip
    export_filename = "annuaire-membres"
    export_headings = {
        "last_name": "Nom", "first_name": "Prénom", "email": "Adresse électronique",
        "college_names": "Collèges", "organisation": "Structure", "territory": "Territoire",
        "fonction": "Fonction", "phone": "Téléphone", "status_label": "Statut",
    }  # fmt: skip
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [FieldPanel("first_name"), FieldPanel("last_name"), FieldPanel("email")],
                heading="Identité",
            ),
            MultiFieldPanel(
                [
                    FieldPanel("organisation"),
                    FieldPanel("territory"),
                    FieldPanel("fonction"),
                    FieldPanel("phone"),
                    FieldPanel("address"),
                    FieldPanel("bio"),
                    FieldPanel("expertise"),
                    # Set by the member on « Mon profil » (checked, cleaned, its own
                    # visibility): choosing any image here would bypass all of it.
                    FieldPanel("photo", read_only=True),
                ],
                heading="Profil",
            ),
            MultiFieldPanel(
                [FieldPanel(visibility_field_name(field)) for field in Member.VISIBILITY_FIELDS]
                + [FieldPanel("show_full_name")],
                heading="Visibilité des coordonnées",
            ),
            MultiFieldPanel(
                [
                    FieldPanel("status"),
                    FieldPanel("joined_on"),
                    FieldPanel("left_on"),
                    FieldPanel("colleges_choice", permission=CHANGE_MEMBER),
                    FieldPanel("referent", permission=CHANGE_MEMBER),
                    FieldPanel("is_coordination", permission=CHANGE_MEMBER),
                    FieldPanel("consent_at", read_only=True),
                    FieldPanel("removal_requested_at", read_only=True),
                    FieldPanel("anonymised_at", read_only=True),
                ],
                heading="Adhésion",
            ),
        ],
        base_form_class=MemberAdminForm,
    )

    def get_queryset(self, request):
        return (
            changeable_members(request.user)
            .select_related("user", "organisation", "territory")
            .prefetch_related("colleges")
        )

    def get_admin_urls_for_registration(self):
        base = self.url_helper.base_url_path
        return super().get_admin_urls_for_registration() + (
            re_path(
                rf"^{base}/importer/$",
                admin_views.ImportView.as_view(model_admin=self),
                name=self.url_helper.get_action_url_name("import"),
            ),
            re_path(
                rf"^{base}/anonymiser/$",
                admin_views.AnonymiseView.as_view(model_admin=self),
                name=self.url_helper.get_action_url_name("anonymise"),
            ),
        )

    # Columns of the listing and of the export.

    @admin.display(description="Nom", ordering="user__last_name")
    def full_name(self, obj: Member) -> str:
        return obj.user.get_full_name() or obj.user.username

    @admin.display(description="Nom")
    def last_name(self, obj: Member) -> str:
        return obj.user.last_name

    @admin.display(description="Prénom")
    def first_name(self, obj: Member) -> str:
        return obj.user.first_name

    @admin.display(description="Adresse électronique", ordering="user__email")
    def email(self, obj: Member) -> str:
        return obj.user.email

    @admin.display(description="Collèges")
    def college_names(self, obj: Member) -> str:
        return ", ".join(college.name for college in obj.colleges.all())

    @admin.display(description="Statut")
    def status_label(self, obj: Member) -> str:
        return obj.get_status_display()


class ConventionAdminGroup(ModelAdminGroup):
    menu_label = "Convention"
    menu_icon = "group"
    menu_order = 250
    items = (MemberAdmin, OrganisationAdmin, CollegeAdmin, TerritoryAdmin)


def register() -> None:
    """Register the admin views of this feature."""
    modeladmin_register(ConventionAdminGroup)
