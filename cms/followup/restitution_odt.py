"""The annual restitution as an OpenDocument text (.odt), written with zipfile alone.

An ODT is a zip whose first entry, ``mimetype``, is stored uncompressed; then
``content.xml`` (the text), ``styles.xml`` (heading and table styles), ``meta.xml`` and
``META-INF/manifest.xml`` listing them. Headings are real ``text:h`` with their outline
level, tables have a header row, and each chart is embedded as an SVG picture with a
title and a description, followed by its data table (its text alternative), as in the PDF.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

from django.utils import timezone

from cms.followup.restitution import Restitution, long_date
from cms.followup.restitution_charts import Chart

MIMETYPE = "application/vnd.oasis.opendocument.text"
NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
    'office:version="1.3"'
)

STYLES = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles {NAMESPACES}>
<office:font-face-decls><style:font-face style:name="DejaVu Sans" svg:font-family="'DejaVu Sans'"/>
</office:font-face-decls>
<office:styles>
<style:default-style style:family="paragraph">
<style:paragraph-properties fo:margin-bottom="0.2cm"/>
<style:text-properties style:font-name="DejaVu Sans" fo:font-family="'DejaVu Sans'"
  fo:font-size="10pt" fo:language="fr" fo:country="FR"/>
</style:default-style>
<style:style style:name="Standard" style:family="paragraph" style:class="text"/>
<style:style style:name="Heading" style:family="paragraph" style:parent-style-name="Standard"
  style:next-style-name="Standard" style:class="text">
<style:paragraph-properties fo:margin-top="0.4cm" fo:margin-bottom="0.2cm"
  fo:keep-with-next="always"/>
<style:text-properties fo:color="#1f3d6b" fo:font-weight="bold"/>
</style:style>
<style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph"
  style:parent-style-name="Heading" style:default-outline-level="1">
<style:text-properties fo:font-size="18pt"/>
</style:style>
<style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph"
  style:parent-style-name="Heading" style:default-outline-level="2">
<style:text-properties fo:font-size="14pt"/>
</style:style>
<style:style style:name="Heading_20_3" style:display-name="Heading 3" style:family="paragraph"
  style:parent-style-name="Heading" style:default-outline-level="3">
<style:text-properties fo:font-size="11pt"/>
</style:style>
<style:style style:name="Table_20_Contents" style:display-name="Table Contents"
  style:family="paragraph" style:parent-style-name="Standard"/>
<style:style style:name="Table_20_Heading" style:display-name="Table Heading"
  style:family="paragraph" style:parent-style-name="Table_20_Contents">
<style:text-properties fo:font-weight="bold"/>
</style:style>
<style:style style:name="Caption" style:family="paragraph" style:parent-style-name="Standard">
<style:text-properties fo:font-style="italic"/>
</style:style>
</office:styles>
</office:document-styles>
"""

AUTOMATIC_STYLES = """<office:automatic-styles>
<style:style style:name="Cell" style:family="table-cell">
<style:table-cell-properties fo:padding="0.1cm" fo:border="0.5pt solid #999999"/>
</style:style>
<style:style style:name="HeaderCell" style:family="table-cell">
<style:table-cell-properties fo:padding="0.1cm" fo:border="0.5pt solid #999999"
  fo:background-color="#e8edf5"/>
</style:style>
<style:style style:name="Chart" style:family="graphic">
<style:graphic-properties style:wrap="none" style:vertical-pos="top" style:horizontal-pos="left"/>
</style:style>
</office:automatic-styles>"""


class OdtText:
    """A text document built block by block: headings, paragraphs, tables, SVG pictures."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.body: list[str] = []
        self.pictures: dict[str, bytes] = {}
        self._tables = 0

    def heading(self, level: int, text: str) -> None:
        self.body.append(
            f'<text:h text:style-name="Heading_20_{level}" text:outline-level="{level}">'
            f"{escape(text)}</text:h>"
        )

    def paragraph(self, text: str, style: str = "Standard") -> None:
        self.body.append(f'<text:p text:style-name="{style}">{escape(text)}</text:p>')

    def table(self, header: list[str], rows: list[list[str]]) -> None:
        self._tables += 1
        cells = "".join(_cell(text, header=True) for text in header)
        parts = [
            f'<table:table table:name="Tableau{self._tables}">',
            f'<table:table-column table:number-columns-repeated="{len(header)}"/>',
            f"<table:table-header-rows><table:table-row>{cells}</table:table-row>"
            "</table:table-header-rows>",
        ]
        for row in rows:
            parts.append(
                "<table:table-row>" + "".join(_cell(text) for text in row) + "</table:table-row>"
            )
        parts.append("</table:table>")
        self.body.append("".join(parts))

    def chart(
        self, chart: Chart, header: list[str] | None = None, rows: list[list[str]] | None = None
    ) -> None:
        """The chart as a picture (title and description for screen readers), then its table
        (``header`` and ``rows`` when it has more columns than the chart draws)."""
        name = f"Pictures/{chart.slug}.svg"
        self.pictures[name] = chart.svg_bytes
        description = (
            f"Les données du graphique sont dans le tableau qui suit ({chart.value_label})."
        )
        self.body.append(
            '<text:p text:style-name="Standard">'
            f'<draw:frame draw:style-name="Chart" draw:name="{escape(chart.slug)}" '
            'text:anchor-type="as-char" svg:width="14.8cm" svg:height="'
            f'{max(1, len(chart.rows)) * 0.8 + 0.3:.1f}cm">'
            f'<draw:image xlink:href="{name}" xlink:type="simple" xlink:show="embed" '
            'xlink:actuate="onLoad"/>'
            f"<svg:title>{escape(chart.title)}</svg:title>"
            f"<svg:desc>{escape(description)}</svg:desc>"
            "</draw:frame></text:p>"
        )
        self.paragraph(chart.title, style="Caption")
        if header is None or rows is None:
            header = ["", chart.value_label]
            rows = [[label, str(value)] for label, value in chart.rows]
        self.table(header, rows)

    def content_xml(self) -> str:
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<office:document-content {NAMESPACES}>{AUTOMATIC_STYLES}"
            "<office:body><office:text>" + "".join(self.body) + "</office:text></office:body>"
            "</office:document-content>"
        )

    def meta_xml(self) -> str:
        now = timezone.now().replace(microsecond=0).isoformat()
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<office:document-meta {NAMESPACES}><office:meta>"
            f"<dc:title>{escape(self.title)}</dc:title><dc:language>fr-FR</dc:language>"
            f"<meta:creation-date>{now}</meta:creation-date>"
            "<meta:generator>Intranet de la convention</meta:generator>"
            "</office:meta></office:document-meta>"
        )

    def manifest_xml(self) -> str:
        entries = [
            f'<manifest:file-entry manifest:full-path="/" manifest:version="1.3" '
            f'manifest:media-type="{MIMETYPE}"/>',
            *(
                f'<manifest:file-entry manifest:full-path="{name}" manifest:media-type="text/xml"/>'
                for name in ("content.xml", "styles.xml", "meta.xml")
            ),
            *(
                f'<manifest:file-entry manifest:full-path="{name}" '
                'manifest:media-type="image/svg+xml"/>'
                for name in self.pictures
            ),
        ]
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
            ' manifest:version="1.3">' + "".join(entries) + "</manifest:manifest>"
        )

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            # First and stored: readers recognise the format from the zip's first bytes.
            archive.writestr(
                zipfile.ZipInfo("mimetype"), MIMETYPE, compress_type=zipfile.ZIP_STORED
            )
            deflated = zipfile.ZIP_DEFLATED
            archive.writestr("content.xml", self.content_xml(), compress_type=deflated)
            archive.writestr("styles.xml", STYLES, compress_type=deflated)
            archive.writestr("meta.xml", self.meta_xml(), compress_type=deflated)
            for name, data in self.pictures.items():
                archive.writestr(name, data, compress_type=deflated)
            archive.writestr("META-INF/manifest.xml", self.manifest_xml(), compress_type=deflated)
        return buffer.getvalue()


def _cell(text: str, header: bool = False) -> str:
    style = "HeaderCell" if header else "Cell"
    paragraph = "Table_20_Heading" if header else "Table_20_Contents"
    return (
        f'<table:table-cell table:style-name="{style}" office:value-type="string">'
        f'<text:p text:style-name="{paragraph}">{escape(text)}</text:p></table:table-cell>'
    )


def restitution_odt(report: Restitution) -> bytes:
    """The same sections as the PDF (``followup/restitution_report.html``), in the same order."""
    odt = OdtText(report.title)
    odt.heading(1, report.title)
    for line in report.intro_lines:
        odt.paragraph(line)

    odt.heading(2, "Dossiers et contributions de l'année")
    if not report.dossiers:
        odt.paragraph("Aucune contribution cette année.")
    for section in report.dossiers:
        odt.heading(3, section.dossier.title)
        odt.table(
            ["Contribution", "Type", "Date"],
            [
                [page.title, page.get_contribution_type_display(), long_date(page.date)]
                for page in section.contributions
            ],
        )

    odt.heading(2, "Préconisations et leur suivi")
    odt.chart(report.status_chart)
    if not report.items:
        odt.paragraph("Aucune préconisation suivie cette année.")
    for row in report.items:
        odt.heading(3, row.item.title)
        for line in row.lines:
            odt.paragraph(line)

    odt.heading(2, "Rencontres et participation")
    if report.meetings:
        odt.table(
            ["Rencontre", "Date", "Inscriptions confirmées"],
            [
                [
                    meeting.title,
                    long_date(timezone.localtime(meeting.start)),
                    str(meeting.confirmed),
                ]
                for meeting in report.meetings
            ],
        )
        odt.paragraph(report.total_line)
    else:
        odt.paragraph("Aucune rencontre cette année.")
    if report.participation:
        odt.chart(
            report.participation_chart,
            ["Collège", "Inscriptions confirmées", "Personnes"],
            [[college, str(n), str(people)] for college, n, people in report.participation],
        )
    source = report.convention.full_url or ""
    odt.paragraph(f"Document produit le {long_date(report.generated_on)} depuis {source}")
    return odt.to_bytes()
