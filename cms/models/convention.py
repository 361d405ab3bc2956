from __future__ import annotations

from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField

from cms.blocks import RICH_TEXT_FEATURES
from cms.models.base import IntranetPage
from members.models import College, Member, Organisation, Territory


class ConventionPage(IntranetPage):
    """A convention: the regional one or a local comité, with its colleges and signatories."""

    # Annotated fields: on a subclass of an untyped Wagtail class, django-stubs infers none.
    territory: models.ForeignKey[Territory | None, Territory | None] = models.ForeignKey(
        "members.Territory",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("territoire"),
        help_text=_(
            "Les membres et signataires de ce territoire, et des territoires qu'il contient, "
            "sont comptés ici."
        ),
    )
    preamble = RichTextField(
        _("préambule"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_("Pourquoi cette convention existe."),
    )
    objectives = StreamField(
        [("objective", blocks.CharBlock(label=_("Objectif"), max_length=300))],
        verbose_name=_("objectifs"),
        blank=True,
        help_text=_("Un objectif par ligne, affichés sous forme de liste."),
    )
    perimeter = RichTextField(
        _("périmètre"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_("Le territoire et les publics couverts."),
    )

    content_panels = IntranetPage.content_panels + [
        FieldPanel("territory"),
        FieldPanel("preamble"),
        FieldPanel("objectives"),
        FieldPanel("perimeter"),
    ]
    parent_page_types = ["cms.HomePage"]
    subpage_types = [
        "cms.ReglementPage",
        "cms.DossierIndexPage",
        "cms.EventIndexPage",
        "cms.MemberDirectoryPage",
        "cms.StandardPage",
        "followup.FollowupBoardPage",
    ]

    class Meta:
        verbose_name = _("convention")

    def territory_ids(self) -> set[int] | None:
        return self.territory.subtree_ids() if self.territory is not None else None

    def colleges_with_member_counts(self):
        active = Q(memberships__member__status=Member.Status.ACTIVE)
        territories = self.territory_ids()
        if territories is not None:
            active &= Q(memberships__member__territory__in=territories)
        return College.objects.annotate(member_count=Count("memberships", filter=active))

    def signatories(self):
        organisations = Organisation.objects.filter(
            adhesion_date__isnull=False, status=Organisation.Status.ACTIVE
        ).select_related("college", "territory")
        territories = self.territory_ids()
        if territories is not None:
            organisations = organisations.filter(territory__in=territories)
        return organisations.order_by("adhesion_date", "name")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["colleges"] = self.colleges_with_member_counts()
        context["signatories"] = self.signatories()
        context["sections"] = self.visible_children(request.user).specific()
        return context
