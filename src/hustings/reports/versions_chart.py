"""The result versions of an election as a small inline <svg>: one mark per version, oldest
first, joined by a line; each mark links to the version's page.

Marks differ by shape as well as colour: a circle for returns (hollow while precincts are still
out), a diamond for a ruling, a square for a certification; a mark is filled dark when the
version's leader is the first leader, orange when someone else leads; the version a page shows
is ringed. Every mark carries a
<title> with its number, reason and leader, and the page lists the same in words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

FIRST = "#0b5394"
OTHER = "#b45f06"  # 4.9:1 on white
LINE = "#595959"
STEP = 36
HEIGHT = 52
R = 8


@dataclass(frozen=True)
class VersionMark:
    number: int
    kind: str  # "returns", "partial", "ruling" or "certified"
    tip: str  # "Version 2: precincts reported … — Avraham Burg leads"
    href: str
    other_leader: bool  # someone other than the first leader leads
    current: bool = False  # the version the page shows: ringed


def versions_chart(marks: Sequence[VersionMark], title: str, description: str,
                   id_prefix: str = "versions") -> Markup:
    width = max(STEP * len(marks), STEP * 3)
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="versions-chart" '
        f'viewBox="0 0 {width} {HEIGHT}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
    ]
    y = 18
    if len(marks) > 1:
        parts.append(f'<line x1="{STEP / 2}" y1="{y}" x2="{STEP * (len(marks) - 0.5)}" '
                     f'y2="{y}" stroke="{LINE}" stroke-width="1.5"/>')
    for i, mark in enumerate(marks):
        x = STEP * i + STEP / 2
        colour = OTHER if mark.other_leader else FIRST
        fill = "#ffffff" if mark.kind == "partial" else colour
        common = f'fill="{fill}" stroke="{colour}" stroke-width="2"'
        if mark.kind == "ruling":
            shape = (f'<polygon points="{x},{y - R - 1} {x + R + 1},{y} {x},{y + R + 1} '
                     f'{x - R - 1},{y}" {common}/>')
        elif mark.kind == "certified":
            shape = f'<rect x="{x - R}" y="{y - R}" width="{2 * R}" height="{2 * R}" {common}/>'
        else:
            shape = f'<circle cx="{x}" cy="{y}" r="{R - (2 if mark.kind == "partial" else 0)}" ' \
                    f'{common}/>'
        if mark.current:
            shape = (f'<circle cx="{x}" cy="{y}" r="{R + 5}" fill="none" stroke="#1a1a1a" '
                     f'stroke-width="1.5"/>') + shape
        current = ' aria-current="page"' if mark.current else ""
        parts.append(f'<a href="{escape(mark.href)}" class="version-mark version-{mark.kind}"'
                     f'{current}><title>{escape(mark.tip)}</title>{shape}'
                     f'<text x="{x}" y="{HEIGHT - 6}" font-size="13" text-anchor="middle" '
                     f'fill="#1a1a1a">{mark.number}</text></a>')
    parts.append("</svg>")
    return Markup("".join(parts))
