"""The leadership timeline: who held an office when, as an accessible inline <svg>.

One row per tenure, oldest first, on a shared axis of years. Elected holders are solid dark
blue; interim and acting holders pale blue with a dashed dark outline; vacancies grey with a
dotted outline. Every row is labelled with the holder, the kind and the dates, so nothing
depends on colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

ELECTED_FILL = "#0b5394"
INTERIM_FILL = "#cfe2f3"
VACANT_FILL = "#eeeeee"
OUTLINE = "#0b5394"
TEXT = "#1a1a1a"
AXIS = "#595959"  # 7:1 on white

WIDTH = 640
LEFT = 0
ROW = 46
TOP = 28
BAR = 14


@dataclass(frozen=True)
class Span:
    """One row: a tenure or a vacancy; `end` None means it runs to `today`."""

    label: str  # e.g. "Shimon Peres (interim)"
    start: date
    end: date | None
    kind: str  # "elected", "interim", "acting" or "vacant"
    dates: str  # e.g. "19 June 2003 – in office", formatted for the reader
    holder: str | None = None  # the person, for links; None for a vacancy


def timeline_chart(spans: Sequence[Span], today: date, title: str, description: str,
                   id_prefix: str = "timeline") -> Markup:
    """The spans on one axis of years, as an inline <svg> with role=img, <title> and <desc>."""
    first = min((s.start for s in spans), default=today)
    last = max((s.end or today for s in spans), default=today)
    first_year, last_year = first.year, max(last.year + 1, first.year + 1)
    origin, finish = date(first_year, 1, 1), date(last_year, 1, 1)
    days = max((finish - origin).days, 1)

    def x(day: date) -> float:
        return round(LEFT + (day - origin).days / days * (WIDTH - 2), 1) + 1

    height = TOP + ROW * max(len(spans), 1) + 8
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
    ]
    step = max(1, (last_year - first_year) // 8)
    for year in range(first_year, last_year + 1, step):
        at = x(date(year, 1, 1))
        anchor = "end" if year == last_year else "start"
        parts.append(f'<line x1="{at}" y1="{TOP - 10}" x2="{at}" y2="{height - 4}" '
                     f'stroke="{AXIS}" stroke-width="0.5" stroke-dasharray="2 3"/>')
        parts.append(f'<text x="{at + (-2 if anchor == "end" else 2)}" y="{TOP - 14}" '
                     f'font-size="12" fill="{AXIS}" text-anchor="{anchor}">{year}</text>')
    for i, span in enumerate(spans):
        y = TOP + i * ROW
        start, end = x(span.start), x(span.end or today)
        width = max(end - start, 2.0)
        if span.kind == "elected":
            style = f'fill="{ELECTED_FILL}" stroke="{OUTLINE}"'
        elif span.kind == "vacant":
            style = f'fill="{VACANT_FILL}" stroke="{AXIS}" stroke-dasharray="1 2"'
        else:
            style = f'fill="{INTERIM_FILL}" stroke="{OUTLINE}" stroke-dasharray="4 2"'
        weight = "400" if span.kind == "vacant" else "700"
        text = Markup("{} · {}").format(span.label, span.dates)
        label_x = min(start, WIDTH * 0.45)
        parts.append(f'<g class="tenure tenure-{escape(span.kind)}">')
        parts.append(f'<text x="{label_x}" y="{y + 14}" font-size="14" font-weight="{weight}" '
                     f'fill="{TEXT}">{text}</text>')
        parts.append(f'<rect x="{start}" y="{y + 20}" width="{width}" height="{BAR}" '
                     f'{style} stroke-width="1.5"/>')
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))
