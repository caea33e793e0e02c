"""A flow chart of a count, round by round: pure functions from rounds to an inline <svg>.

Each round is a column of stacked nodes (one per candidate, then "exhausted"); bands join a
candidate's node to its node in the next round (the votes it kept) and, when the count knows
them, to the candidates its ballots went to (transfers). Every node is labelled with its name
and figures and every band has a tooltip, so nothing depends on colour; the colours are the
Okabe-Ito palette, which colour-blind readers tell apart.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from markupsafe import Markup, escape

from hustings.counting.outcome import Outcome

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442",
           "#999999")
EXHAUSTED_FILL = "#bdbdbd"
TEXT = "#1a1a1a"
EXHAUSTED = "exhausted"

COLUMN = 190  # from one round's nodes to the next's
NODE = 12  # node width
HEAD = 30  # room for the round headings
PLOT = 320  # height shared by the stacked nodes of the fullest round
GAP = 14  # between two nodes of one round
LABEL_ROOM = 150  # right of the last column

Number = int | float | Fraction


@dataclass(frozen=True)
class FlowRound:
    """One round: votes per candidate (in display order) and what moved on to the next round."""

    label: str
    tallies: dict[str, Number]
    transfers: dict[str, dict[str, Number]] = field(default_factory=dict)  # from -> to -> n
    exhausted: Number = 0


def rounds_from_outcome(outcome: Outcome, label: Callable[[int], str]) -> list[FlowRound]:
    """FlowRounds of a counting Outcome; `label(n)` names round n."""
    return [FlowRound(label(r.number), dict(r.tallies),
                      {k: dict(v) for k, v in r.transfers.items()}, r.exhausted)
            for r in outcome.rounds]


@dataclass
class _Node:
    name: str
    value: float
    x: float
    y: float = 0.0
    height: float = 0.0
    out_used: float = 0.0
    in_used: float = 0.0


def _links(a: FlowRound, b: FlowRound) -> list[tuple[str, str, float]]:
    """(from, to, votes) between two consecutive rounds: kept votes, then transfers."""
    links: list[tuple[str, str, float]] = []
    for name, votes in a.tallies.items():
        if name in b.tallies:
            kept = min(float(votes), float(b.tallies[name]))
            moved = sum(float(v) for v in a.transfers.get(name, {}).values())
            kept = min(kept, max(float(votes) - moved, 0.0)) if moved else kept
            if kept > 0:
                links.append((name, name, kept))
    if a.exhausted and b.exhausted:
        links.append((EXHAUSTED, EXHAUSTED, min(float(a.exhausted), float(b.exhausted))))
    for source, targets in a.transfers.items():
        for target, votes in targets.items():
            if float(votes) > 0:
                links.append((source, target, float(votes)))
    return links


def flow_chart(rounds: Sequence[FlowRound], title: str, description: str,
               figures: Callable[[Number], str] = str, exhausted_label: str = "exhausted",
               id_prefix: str = "flow") -> Markup:
    """The rounds as an accessible inline <svg> (role=img, <title>, <desc>)."""
    order: list[str] = []
    for r in rounds:
        order.extend(n for n in r.tallies if n not in order)
    colour = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(order)}
    colour[EXHAUSTED] = EXHAUSTED_FILL
    totals = [sum(float(v) for v in r.tallies.values()) + float(r.exhausted) for r in rounds]
    rows = max((len(r.tallies) + (1 if r.exhausted else 0) for r in rounds), default=1)
    top = max(totals, default=0.0)
    scale = (PLOT - GAP * (rows - 1)) / top if top > 0 else 0.0
    columns: list[dict[str, _Node]] = []
    for i, r in enumerate(rounds):
        x = i * COLUMN + 0.5
        entries = [(n, float(r.tallies[n])) for n in order if n in r.tallies]
        if r.exhausted:
            entries.append((EXHAUSTED, float(r.exhausted)))
        nodes, y = {}, float(HEAD)
        for name, value in entries:
            node = _Node(name, value, x, y, max(value * scale, 1.0))
            nodes[name] = node
            y += node.height + GAP
        columns.append(nodes)
    width = (len(rounds) - 1) * COLUMN + NODE + LABEL_ROOM
    height = HEAD + PLOT + 30
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="flow-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
    ]
    for i in range(len(rounds) - 1):
        here, there = columns[i], columns[i + 1]
        for source, target, votes in _links(rounds[i], rounds[i + 1]):
            a, b = here.get(source), there.get(target)
            if a is None or b is None:
                continue
            thick = votes * scale
            y0, y1 = a.y + a.out_used, b.y + b.in_used
            a.out_used += thick
            b.in_used += thick
            x0, x1 = a.x + NODE, b.x
            mid = (x0 + x1) / 2
            path = (f"M{x0:.1f},{y0:.1f} C{mid:.1f},{y0:.1f} {mid:.1f},{y1:.1f} {x1:.1f},{y1:.1f}"
                    f" L{x1:.1f},{y1 + thick:.1f} C{mid:.1f},{y1 + thick:.1f} {mid:.1f},"
                    f"{y0 + thick:.1f} {x0:.1f},{y0 + thick:.1f} Z")
            tip = f"{_name(source, exhausted_label)} → {_name(target, exhausted_label)}: " \
                  f"{figures(votes if votes != int(votes) else int(votes))}"
            kind = "kept" if source == target else "transfer"
            parts.append(f'<path class="band band-{kind}" d="{path}" fill="{colour[source]}" '
                         f'fill-opacity="0.35"><title>{escape(tip)}</title></path>')
    for i, r in enumerate(rounds):
        x = i * COLUMN + 0.5
        parts.append(f'<text x="{x:.1f}" y="16" font-size="14" font-weight="700" '
                     f'fill="{TEXT}">{escape(r.label)}</text>')
        for name, node in columns[i].items():
            shown = r.tallies.get(name, r.exhausted)
            parts.append(f'<rect x="{node.x:.1f}" y="{node.y:.1f}" width="{NODE}" '
                         f'height="{node.height:.1f}" fill="{colour[name]}" stroke="{TEXT}" '
                         f'stroke-width="0.75"/>')
            parts.append(f'<text class="flow-label" x="{node.x + NODE + 4:.1f}" '
                         f'y="{node.y + min(node.height, 28) / 2 + 5:.1f}" font-size="13" '
                         f'fill="{TEXT}" stroke="#ffffff" stroke-width="3" '
                         f'paint-order="stroke">{escape(_name(name, exhausted_label))} '
                         f'{escape(figures(shown))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _name(name: str, exhausted_label: str) -> str:
    return exhausted_label if name == EXHAUSTED else name
