"""StreamField blocks of the convention's pages."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Titre"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("Niveau"),
        choices=[("h2", _("Titre de section")), ("h3", _("Sous-titre"))],
        default="h2",
        help_text=_("Le titre de la page est le seul titre de niveau 1."),
    )

    class Meta:
        icon = "title"
        label = _("Intertitre")
        template = "cms/blocks/heading.html"


class PreconisationBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Préconisation"), max_length=250)
    description = blocks.TextBlock(label=_("Description"), required=False)

    class Meta:
        icon = "tick-inverse"
        label = _("Préconisation")
        template = "cms/blocks/preconisation.html"
        help_text = _("Chaque préconisation apparaît aussi dans le récapitulatif du dossier.")


class TemoignageBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Témoignage"))
    author = blocks.CharBlock(
        label=_("Auteur ou autrice"),
        required=False,
        help_text=_(
            "Prénom et initiale du nom suffisent ; laissez vide pour un témoignage anonyme."
        ),
    )

    class Meta:
        icon = "openquote"
        label = _("Témoignage")
        template = "cms/blocks/temoignage.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(label=_("Intitulé du lien"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("Document")
        template = "cms/blocks/document.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt = blocks.CharBlock(
        label=_("Texte alternatif"),
        required=False,
        help_text=_("Décrit l'image pour qui ne la voit pas. Laissez vide si elle est décorative."),
    )
    caption = blocks.CharBlock(label=_("Légende"), required=False)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "cms/blocks/image.html"


class ArticleBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Intitulé de l'article"), max_length=200)
    body = blocks.RichTextBlock(label=_("Texte"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "list-ol"
        label = _("Article")
        help_text = _("Les articles sont numérotés automatiquement dans l'ordre.")


def text_blocks() -> list[tuple[str, blocks.Block]]:
    return [
        ("paragraph", blocks.RichTextBlock(label=_("Paragraphe"), features=RICH_TEXT_FEATURES)),
        ("heading", HeadingBlock()),
    ]


def contribution_blocks() -> list[tuple[str, blocks.Block]]:
    return [
        *text_blocks(),
        ("preconisation", PreconisationBlock()),
        ("temoignage", TemoignageBlock()),
        ("document", DocumentBlock()),
        ("image", ImageBlock()),
        ("table", TableBlock(label=_("Tableau"), table_options={"language": "fr"})),
    ]
