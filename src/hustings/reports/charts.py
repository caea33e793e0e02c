"""Inline SVG bar charts for results: pure functions from labelled numbers to markup.

The leading bar is solid dark blue, the others pale blue with a dark outline: one hue (safe for
every kind of colour blindness), told apart by lightness, so the chart also reads in greyscale
print. Every bar carries its figures as text, so nothing depends on colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

LEAD_FILL = "#0b5394"  # 7.9:1 against white
OTHER_FILL = "#cfe2f3"
OUTLINE = "#0b5394"
TEXT = "#1a1a1a"

WIDTH = 420
ROW = 52
TOP = 8
LABEL_GAP = 20  # from a row's top to the baseline of its name
BAR_Y = 28  # from a row's top to its bar
BAR_HEIGHT = 16
VALUE_SPACE = 150  # room kept right of the longest bar for its figures


@dataclass(frozen=True)
class Bar:
    """One bar: its label, the quantity it draws and the figures written beside it."""

    label: str
    value: int
    figures: str  # e.g. "35,945 (54.28%)", already formatted for the reader's locale
    lead: bool = False
    note: str = ""  # e.g. "leading", shown after the label


def bar_chart(bars: Sequence[Bar], title: str, description: str = "",
              id_prefix: str = "chart", rtl: bool = False) -> Markup:
    """A horizontal bar chart as an accessible inline <svg> (role=img, <title>, <desc>).

    `rtl` mirrors it for a right-to-left page: bars grow from the right edge, names and
    figures start at the right edge (`direction="rtl"`)."""
    def x(at: float) -> float:  # a distance from the start edge as an x coordinate
        return round(WIDTH - at, 1) if rtl else at

    height = TOP * 2 + ROW * max(len(bars), 1)
    top = max((b.value for b in bars), default=0)
    scale = (WIDTH - VALUE_SPACE) / top if top > 0 else 0.0
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" role="img" '
        + ('direction="rtl" ' if rtl else "")
        + f'viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'preserveAspectRatio="{"xMaxYMin" if rtl else "xMinYMin"} meet" '
        f'aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
    ]
    for i, bar in enumerate(bars):
        y = TOP + i * ROW
        length = round(bar.value * scale, 1)
        weight = "700" if bar.lead else "400"
        label = escape(bar.label)
        if bar.note:
            label = Markup("{} ({})").format(label, bar.note)
        parts.append(f'<g class="bar{" bar-lead" if bar.lead else ""}">')
        parts.append(f'<text x="{x(0)}" y="{y + LABEL_GAP}" font-size="16" '
                     f'font-weight="{weight}" fill="{TEXT}">{label}</text>')
        fill = LEAD_FILL if bar.lead else OTHER_FILL
        drawn = max(length, 1.5)
        parts.append(f'<rect x="{x(drawn + 0.75) if rtl else 0.75}" y="{y + BAR_Y}" '
                     f'width="{drawn}" height="{BAR_HEIGHT}" fill="{fill}" stroke="{OUTLINE}" '
                     f'stroke-width="1.5"/>')
        parts.append(f'<text x="{x(length + 8)}" y="{y + BAR_Y + BAR_HEIGHT - 3}" font-size="15" '
                     f'font-weight="{weight}" fill="{TEXT}">{escape(bar.figures)}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))
