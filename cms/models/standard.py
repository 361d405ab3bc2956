from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from cms.blocks import RICH_TEXT_FEATURES, text_blocks
from cms.models.base import IntranetPage


class StandardPage(IntranetPage):
    """A plain page of text: legal notices, help, the accessibility declaration…"""

    class FooterRole(models.TextChoices):
        LEGAL_NOTICE = "mentions_legales", _("Mentions légales")
        PERSONAL_DATA = "donnees_personnelles", _("Données personnelles")
        ACCESSIBILITY = "accessibilite", _("Déclaration d'accessibilité")
        HELP = "aide", _("Aide")

    intro = RichTextField(
        _("introduction"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_(
            "Quelques phrases en tête de page, en langage simple : ce que le lecteur va trouver "
            "ici."
        ),
    )
    body = StreamField(
        text_blocks(),
        verbose_name=_("contenu"),
        blank=True,
        help_text=_(
            "Le texte de la page. Ajoutez des paragraphes, des titres, des listes ou des images "
            "avec le bouton « + »."
        ),
    )
    # Annotated fields: on a subclass of an untyped Wagtail class, django-stubs infers none.
    footer_role: models.CharField[str, str] = models.CharField(
        _("lien du pied de page"),
        max_length=30,
        choices=FooterRole.choices,
        blank=True,
        help_text=_(
            "Choisissez un rôle pour que cette page soit liée dans le pied de page de "
            "tout le site. Une seule page par rôle."
        ),
    )

    content_panels = IntranetPage.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    promote_panels = IntranetPage.promote_panels + [
        MultiFieldPanel([FieldPanel("footer_role")], heading=_("Pied de page"))
    ]
    search_fields = IntranetPage.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
    ]
    parent_page_types = ["cms.HomePage", "cms.ConventionPage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("page de texte")
        verbose_name_plural = _("pages de texte")
        constraints = [
            models.UniqueConstraint(
                fields=["footer_role"],
                condition=~models.Q(footer_role=""),
                name="one_page_per_footer_role",
            )
        ]
