"""The meetings' page types: lists of meetings and the meeting page with its registration routes.

They belong to the ``cms`` app (``app_label``), as when they lived in ``cms.models``, so that
their tables, content types and migrations stay where they are.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField

from cms.blocks import RICH_TEXT_FEATURES
from cms.meetings import views
from cms.models.base import IntranetPage, SubRoutes
from cms.models.listing import ListingPage

# Upcoming meetings are few; the past ones accumulate year after year.
PAST_EVENTS_PER_PAGE = 12


class EventIndexPage(ListingPage):
    subpage_types = ["cms.EventPage"]

    class Meta:
        app_label = "cms"
        verbose_name = _("liste des rencontres")
        verbose_name_plural = _("listes des rencontres")

    def listing_context(self, request, children) -> dict:
        now = timezone.now()
        past_events = children.filter(start__lt=now).order_by("-start", "-pk")
        page_obj = Paginator(past_events, PAST_EVENTS_PER_PAGE).get_page(request.GET.get("page"))
        return {
            "upcoming_events": children.filter(start__gte=now).order_by("start"),
            "page_obj": page_obj,
            "past_events": page_obj.object_list,
            "ics_url": reverse("meetings:index_ics", args=[self.pk]),
        }


class EventPage(SubRoutes, RoutablePageMixin, IntranetPage):
    """A meeting or workshop of the convention.

    Registration lives in ``cms.meetings.models``; its routes are routes of this page so that
    Wagtail's view restriction on the meeting guards them too.
    """

    # Annotated fields: on a subclass of an untyped Wagtail class, django-stubs infers none.
    start: models.DateTimeField[datetime, datetime] = models.DateTimeField(
        _("début"), help_text=_("Le jour et l'heure du début de la rencontre.")
    )
    end: models.DateTimeField[datetime | None, datetime | None] = models.DateTimeField(
        _("fin"),
        null=True,
        blank=True,
        help_text=_("Le jour et l'heure de la fin. Laissez vide si vous ne la connaissez pas."),
    )
    location: models.CharField[str, str] = models.CharField(
        _("lieu"), max_length=300, blank=True, help_text=_("Adresse complète du lieu.")
    )
    video_url: models.URLField[str, str] = models.URLField(
        _("lien de visioconférence"),
        blank=True,
        help_text=_(
            "L'adresse complète pour suivre la rencontre à distance (https://…). Laissez vide si "
            "elle se tient seulement sur place."
        ),
    )
    programme = RichTextField(
        _("programme"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_("Le déroulé de la rencontre : horaires, sujets, pauses."),
    )
    speakers: models.TextField[str, str] = models.TextField(
        _("intervenants"), blank=True, help_text=_("Une personne par ligne.")
    )
    capacity: models.PositiveIntegerField[int | None, int | None] = models.PositiveIntegerField(
        _("nombre de places"),
        null=True,
        blank=True,
        help_text=_("Laissez vide s'il n'y a pas de limite."),
    )
    registration_deadline: models.DateField[date | None, date | None] = models.DateField(
        _("date limite d'inscription"),
        null=True,
        blank=True,
        help_text=_(
            "Le dernier jour où l'on peut s'inscrire. "
            "Laissez vide pour accepter jusqu'au jour même."
        ),
    )

    content_panels = IntranetPage.content_panels + [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
                FieldPanel("location"),
                FieldPanel("video_url"),
            ],
            heading=_("Date et lieu"),
        ),
        FieldPanel("programme"),
        FieldPanel("speakers"),
        MultiFieldPanel(
            [FieldPanel("capacity"), FieldPanel("registration_deadline")], heading=_("Inscriptions")
        ),
    ]
    parent_page_types = ["cms.EventIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        app_label = "cms"
        verbose_name = _("rencontre")

    def clean(self):
        super().clean()
        if self.end and self.start and self.end < self.start:
            raise ValidationError({"end": _("La fin doit être après le début.")})

    def speaker_list(self) -> list[str]:
        return [line.strip() for line in self.speakers.splitlines() if line.strip()]

    @property
    def is_past(self) -> bool:
        return self.start < timezone.now()

    # Registration (cms.meetings)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(views.event_context(self, request))
        return context

    # The routes are the views of cms.meetings.views, which take the page first.
    register_route = path("inscription/", name="register")(views.register)
    cancel_route = path("annulation/", name="cancel")(views.cancel)
    attendees_route = path("participants/", name="attendees")(views.attendees)
    attendees_csv_route = path("participants/export-csv/", name="attendees_csv")(
        views.attendees_csv_download
    )
