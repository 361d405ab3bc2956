"""The site's identity, set by the coordination in the admin (Paramètres › Identité du site).

Templates read it as ``settings.cms.SiteBranding`` (Wagtail's settings context processor).
Without a logo the header shows the site's own mark (templates/includes/brand_mark.svg);
without a name it shows ``WAGTAIL_SITE_NAME``. Saving it purges the page cache like any
change in the ``cms`` app (cms/cache.py), so anonymous readers see the new identity at once;
the setting itself is kept in that cache until then (``for_site``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.images.models import Image

from cms.cache import kept_until_next_change

SITE_NAME_MAX_LENGTH = 80


@register_setting(icon="image")
class SiteBranding(BaseSiteSetting):
    """Name and logo shown in the header of every page and in the title of the browser tab."""

    # Annotated fields: on a subclass of an untyped Wagtail class, django-stubs infers none.
    site_name: models.CharField[str, str] = models.CharField(
        _("nom du site"),
        max_length=SITE_NAME_MAX_LENGTH,
        blank=True,
        help_text=_(
            "Le nom affiché en haut de chaque page et dans l'onglet du navigateur. "
            "Laissé vide : le nom choisi à l'installation du site."
        ),
    )
    logo: models.ForeignKey[Image | None, Image | None] = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Une image lisible en petit (48 pixels de haut), de préférence sur fond "
            "transparent ou blanc. Laissé vide : le symbole de la convention."
        ),
    )
    logo_alt: models.CharField[str, str] = models.CharField(
        _("texte du logo"),
        max_length=120,
        blank=True,
        help_text=_(
            "Ce que dit le logo, pour les personnes qui ne le voient pas. Laissez vide si "
            "le logo ne contient que le nom du site, déjà écrit à côté."
        ),
    )

    panels = [FieldPanel("site_name"), FieldPanel("logo"), FieldPanel("logo_alt")]

    class Meta:
        verbose_name = _("identité du site")
        verbose_name_plural = _("identité du site")

    @classmethod
    def for_site(cls, site):
        # Read by every page, changed a few times a year: kept until the next change of
        # content (saving it is one), not read again by each request.
        return kept_until_next_change(
            f"site-branding:{site.pk}" if site else "site-branding:none",
            lambda: super(SiteBranding, cls).for_site(site),
        )

    @property
    def display_name(self) -> str:
        return self.site_name.strip() or settings.WAGTAIL_SITE_NAME
