"""The leadership timeline: who held an office when, as an accessible inline <svg>.

One row per tenure, oldest first, on a shared axis of years that runs from the first tenure to
the office's last election or change (not to today: a chart of 2001-2007 stays 2001-2007).
Elected holders are solid dark blue; interim and acting holders pale blue with a dashed dark
outline; vacancies grey with a dotted outline. Every row is labelled with the holder, the kind
and the dates, so nothing depends on colour.
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

WIDTH = 360  # narrow, so labels stay readable when a phone shrinks the chart to fit
ROW = 52
TOP = 24
BAR = 12


@dataclass(frozen=True)
class Span:
    """One row: a tenure or a vacancy; `end` None means it goes on past the axis's end."""

    label: str  # e.g. "Shimon Peres (interim)"
    start: date
    end: date | None
    kind: str  # "elected", "interim", "acting" or "vacant"
    dates: str  # e.g. "19 June 2003 – in office", formatted for the reader
    holder: str | None = None  # the person, for links; None for a vacancy


def timeline_chart(spans: Sequence[Span], until: date, title: str, description: str,
                   id_prefix: str = "timeline") -> Markup:
    """The spans on one axis of years, from the first start to `until` (the office's last
    election or change, not today: the axis zooms to the data), as an inline <svg> with
    role=img, <title> and <desc>. Each row puts its label on its own line above the bar, at
    the left edge, so no label runs off the chart; a tenure still open ends in an arrow."""
    first = min((s.start for s in spans), default=until)
    last = max([until, *(s.end for s in spans if s.end is not None)])
    first_year, last_year = first.year, max(last.year + (last != date(last.year, 1, 1)),
                                            first.year + 1)
    origin, finish = date(first_year, 1, 1), date(last_year, 1, 1)
    days = max((finish - origin).days, 1)
    span_width = WIDTH - 12  # room for the arrow of an open tenure

    def x(day: date) -> float:
        return round(min(max((day - origin).days, 0), days) / days * span_width, 1) + 1

    height = TOP + ROW * max(len(spans), 1) + 4
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
    ]
    step = max(1, -(-(last_year - first_year) // 6))
    for year in range(first_year, last_year + 1, step):
        at = x(date(year, 1, 1))
        anchor = "end" if year == last_year else "start"
        parts.append(f'<line x1="{at}" y1="{TOP - 8}" x2="{at}" y2="{height - 2}" '
                     f'stroke="{AXIS}" stroke-width="0.5" stroke-dasharray="2 3"/>')
        parts.append(f'<text x="{at + (-2 if anchor == "end" else 2)}" y="{TOP - 10}" '
                     f'font-size="11" fill="{AXIS}" text-anchor="{anchor}">{year}</text>')
    for i, span in enumerate(spans):
        y = TOP + i * ROW
        start, end = x(span.start), x(span.end or finish)
        width = round(max(end - start, 2.5), 1)
        if span.kind == "elected":
            style = f'fill="{ELECTED_FILL}" stroke="{OUTLINE}"'
        elif span.kind == "vacant":
            style = f'fill="{VACANT_FILL}" stroke="{AXIS}" stroke-dasharray="1 2"'
        else:
            style = f'fill="{INTERIM_FILL}" stroke="{OUTLINE}" stroke-dasharray="4 2"'
        weight = "400" if span.kind == "vacant" else "700"
        parts.append(f'<g class="tenure tenure-{escape(span.kind)}">')
        parts.append(f'<text x="1" y="{y + 13}" font-size="13" font-weight="{weight}" '
                     f'fill="{TEXT}">{escape(span.label)}</text>')
        parts.append(f'<text x="1" y="{y + 27}" font-size="11" fill="{AXIS}">'
                     f'{escape(span.dates)}</text>')
        parts.append(f'<rect x="{start}" y="{y + 33}" width="{width}" height="{BAR}" '
                     f'{style} stroke-width="1.5"/>')
        if span.end is None:
            tip = start + width
            parts.append(f'<path d="M{tip} {y + 30} L{tip + 9} {y + 39} L{tip} {y + 48} Z" '
                         f'fill="{INTERIM_FILL if span.kind != "elected" else ELECTED_FILL}" '
                         f'stroke="{OUTLINE}" stroke-width="1"/>')
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))
