"""Bar charts of the annual restitution, as inline SVG written by hand (no dependency).

A chart is only a picture of its data: the report always prints the same numbers as a
table next to it, which the SVG names (``aria-describedby``) as its text alternative.
The SVG is built from escaped text only, so a title or label cannot inject markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 210
BAR_AREA = 300
VALUE_WIDTH = 50
WIDTH = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH
# Dark enough on white for text and bars (contrast above 4.5:1).
BAR_COLOUR = "#1f3d6b"
TEXT_COLOUR = "#1a1a1a"


@dataclass(frozen=True)
class Chart:
    """One chart: its id (for the table it points to), its title and (label, value) rows."""

    slug: str
    title: str
    rows: list[tuple[str, int]]
    value_label: str

    @property
    def table_id(self) -> str:
        return f"donnees-{self.slug}"

    @property
    def title_id(self) -> str:
        return f"titre-{self.slug}"

    @property
    def svg(self) -> SafeString:
        return mark_safe(bar_chart_svg(self))  # every text in it is escaped

    @property
    def svg_bytes(self) -> bytes:
        """A standalone SVG file (for the ODT), with its namespace."""
        return bar_chart_svg(self, standalone=True).encode("utf-8")


def bar_chart_svg(chart: Chart, standalone: bool = False) -> str:
    """Horizontal bars, one per row, longest for the largest value; zeros drawn as no bar."""
    height = max(1, len(chart.rows)) * (BAR_HEIGHT + GAP) + GAP
    largest = max((value for _label, value in chart.rows), default=0) or 1
    namespace = ' xmlns="http://www.w3.org/2000/svg"' if standalone else ""
    parts = [
        f'<svg{namespace} role="img" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" aria-labelledby="{chart.title_id}" '
        f'aria-describedby="{chart.table_id}" class="chart">',
        f'<title id="{chart.title_id}">{escape(chart.title)}</title>',
    ]
    for index, (label, value) in enumerate(chart.rows):
        y = GAP + index * (BAR_HEIGHT + GAP)
        text_y = y + BAR_HEIGHT * 0.7
        length = round(BAR_AREA * value / largest)
        shown = label if len(label) <= 30 else label[:29] + "…"
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{text_y:.0f}" text-anchor="end" font-size="12" '
            f'font-family="DejaVu Sans, sans-serif" fill="{TEXT_COLOUR}">{escape(shown)}</text>'
        )
        if length:
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}" '
                f'fill="{BAR_COLOUR}"/>'
            )
        parts.append(
            f'<text x="{LABEL_WIDTH + length + 6}" y="{text_y:.0f}" font-size="12" '
            f'font-family="DejaVu Sans, sans-serif" fill="{TEXT_COLOUR}">{value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
