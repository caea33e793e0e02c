"""Weighted electoral colleges and points per district: instant-runoff rounds over sections.

Each round every section's continuing votes are counted by first continuing preference;
a candidate's combined figure is the weighted sum of their shares of each section. The
college averages shares by weight (in percent) and elects on more than 50%; points give
each district P points (optionally scaled by membership) shared in proportion to votes and
elect on more than half of all points. The lowest combined figure is eliminated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from hustings.counting.ballots import Cursor, prepare, tally
from hustings.counting.explain import listing, num
from hustings.counting.method import Method
from hustings.counting.options import OptionSpec, fail
from hustings.counting.outcome import Number, Outcome, Round
from hustings.counting.profile import Profile
from hustings.counting.ties import breaker, check_tiebreak, tiebreak_options

Section = tuple[str, Fraction, Profile]


def _sections(value: Any, field: str, candidates: Sequence[str]) -> list[Section]:
    """Sections as (name, weight, profile), from tuples or {name, weight, profile} dicts."""
    if not isinstance(value, Sequence) or isinstance(value, str) or not value:
        raise fail(field, f"{field} must be a non-empty list of (name, weight, profile)")
    out: list[Section] = []
    for item in value:
        if isinstance(item, Mapping):
            name, weight, profile = item.get("name"), item.get("weight"), item.get("profile")
        elif isinstance(item, Sequence) and len(item) == 3:
            name, weight, profile = item
        else:
            raise fail(field, f"each of {field} must be (name, weight, profile)")
        if not isinstance(profile, Profile):
            raise fail(field, f"{field} entry {name!r} has no profile")
        try:
            w = Fraction(str(weight)) if isinstance(weight, float) else Fraction(weight)  # type: ignore[arg-type]
        except (TypeError, ValueError, ZeroDivisionError):
            raise fail(field, f"{field} entry {name!r} has a bad weight {weight!r}") from None
        if w <= 0:
            raise fail(field, f"{field} entry {name!r} must have a positive weight")
        out.append((str(name), w, profile))
    first = out[0][2].candidates
    if any(p.candidates != first for _, _, p in out):
        raise fail(field, f"every entry of {field} must have the same candidates")
    return out


def _run(
    sections: list[Section], opts: dict[str, Any], method: str, unit: str, total: Fraction,
) -> Outcome:
    labels = list(sections[0][2].candidates)
    n = len(labels)
    if not n:
        raise fail("candidates", "the sections have no candidates")
    ties = breaker(labels, opts)
    cursors = []
    for _, _, profile in sections:
        cursor = Cursor(prepare(profile), n, profile.overvote_sets)
        cursor.start(np.ones(n, dtype=bool))
        cursors.append(cursor)
    continuing = np.ones(n, dtype=bool)
    rounds: list[Round] = []
    per_round: list[dict[str, dict[str, int]]] = []
    history: list[dict[int, Number]] = []
    number = 0
    while True:
        number += 1
        alive = [c for c in range(n) if continuing[c]]
        combined = {c: Fraction(0) for c in alive}
        by_section: dict[str, dict[str, int]] = {}
        for (name, weight, profile), cursor in zip(sections, cursors, strict=True):
            t, _ = tally(cursor.top, profile.counts, n)
            votes = sum(int(t[c]) for c in alive)
            by_section[name] = {labels[c]: int(t[c]) for c in alive}
            for c in alive:
                if votes:
                    combined[c] += weight * Fraction(int(t[c]), votes)
        per_round.append(by_section)
        tallies: dict[str, Number] = {labels[c]: combined[c] for c in alive}
        notes = [f"Combined {unit}: {listing(tallies, 2)}."]
        best = max(combined.values())
        leaders = [c for c in alive if combined[c] == best]
        if len(alive) == 1 or (best * 2 > total and len(leaders) == 1):
            win = leaders[0]
            notes.append(f"{labels[win]} has more than half ({num(best, 2)} of {num(total, 2)}) "
                         "and is elected.")
            rounds.append(Round(number, tallies, elected=(labels[win],), threshold=total / 2,
                                notes=tuple(notes)))
            break
        low = min(combined.values())
        lowest = [c for c in alive if combined[c] == low]
        loser = lowest[0]
        if len(lowest) > 1:
            loser = ties.pick(lowest, round=number, history=history)
            notes.append(ties.sentence())
        notes.append(f"No one has more than half; {labels[loser]} is lowest and is eliminated.")
        history.append(dict(combined))
        continuing[loser] = False
        gone = np.zeros(n, dtype=bool)
        gone[loser] = True
        for cursor in cursors:
            cursor.leave(gone, continuing)
        rounds.append(Round(number, tallies, eliminated=(labels[loser],), threshold=total / 2,
                            notes=tuple(notes)))
    winner = rounds[-1].elected[0]
    return Outcome(method, 1, tuple(labels), (winner,), tuple(rounds), tuple(ties.ties), 2,
                   {"sections": [s[0] for s in sections], "section_tallies": per_round},
                   (f"{winner} wins the {method} count in round {len(rounds)}.",))


def count_college(sections: list[Section], options: dict[str, Any] | None = None) -> Outcome:
    """Weighted electoral college: section shares averaged by weight, in percent."""
    opts = dict(options or {})
    opts["sections"] = sections
    return COLLEGE.count(sections_profile(_sections(sections, 'sections', ())), 1, opts)


def count_points(
    districts: list[tuple[str, Profile]] | list[tuple[str, Profile, int]],
    options: dict[str, Any] | None = None,
) -> Outcome:
    """Points per district shared by votes; (name, profile) or (name, profile, members)."""
    opts = dict(options or {})
    opts["districts"] = districts
    return POINTS.count(sections_profile([(d[0], Fraction(1), d[1]) for d in districts]), 1,
                        opts)


def sections_profile(sections: Sequence[Section]) -> Profile:
    """A placeholder profile carrying the sections' candidates (for Method.count)."""
    labels = sections[0][2].candidates if sections else ()
    return Profile(labels, np.zeros((0, 1), dtype=np.int32), np.zeros(0, dtype=np.int64))


def _college(profile: Profile, seats: int, opts: dict[str, Any]) -> Outcome:
    sections = _sections(opts["sections"], "sections", profile.candidates)
    weight = sum(w for _, w, _ in sections)
    scaled = [(n, w * 100 / weight, p) for n, w, p in sections]
    return _run(scaled, opts, "college", "share (%)", Fraction(100))


def _points(profile: Profile, seats: int, opts: dict[str, Any]) -> Outcome:
    raw = opts["districts"]
    if not isinstance(raw, Sequence) or not raw:
        raise fail("districts", "districts must be a non-empty list of (name, profile[, members])")
    items = []
    own: list[Fraction | None] = []  # a district's own points, when it declares them
    for d in raw:
        if isinstance(d, Mapping):
            items.append((d.get("name"), d.get("members", 1), d.get("profile")))
            own.append(None if d.get("points") is None else Fraction(d["points"]))
        elif isinstance(d, Sequence) and len(d) in (2, 3):
            items.append((d[0], d[2] if len(d) == 3 else 1, d[1]))
            own.append(None)
        else:
            raise fail("districts", "each district must be (name, profile[, members])")
    sections = _sections(items, "districts", profile.candidates)
    p = Fraction(opts["points"])
    if opts["scale_by_membership"]:
        mean = Fraction(sum(w for _, w, _ in sections), len(sections))
        weighted: list[Section] = [(n, Fraction(p * w) / mean, prof) for n, w, prof in sections]
    else:
        weighted = [(n, p if mine is None else mine, prof)
                    for (n, _, prof), mine in zip(sections, own, strict=True)]
    return _run(weighted, opts, "points", "points", sum((w for _, w, _ in weighted), Fraction(0)))


def _check(options: dict[str, Any], seats: int, candidates: tuple[str, ...]) -> None:
    check_tiebreak(options, candidates)


def _check_college(options: dict[str, Any], seats: int, candidates: tuple[str, ...]) -> None:
    if options["sections"] is None:
        raise fail("sections", "college needs `sections`: a list of (name, weight, profile)")
    _sections(options["sections"], "sections", candidates)
    _check(options, seats, candidates)


def _check_points(options: dict[str, Any], seats: int, candidates: tuple[str, ...]) -> None:
    if options["districts"] is None:
        raise fail("districts", "points needs `districts`: a list of (name, profile[, members])")
    if options["points"] < 1:
        raise fail("points", "points must be at least 1")
    _check(options, seats, candidates)


COLLEGE = Method(
    "college", "Weighted electoral college: section shares averaged by weight, IRV rounds, "
    "more than 50% wins.",
    [OptionSpec("sections", "sections", None, (), "list of (name, weight, profile)"),
     *tiebreak_options()],
    _college, check=_check_college, supplied=("sections",),
)
POINTS = Method(
    "points", "Points per district shared by votes, IRV rounds, more than half the points wins.",
    [OptionSpec("districts", "sections", None, (), "list of (name, profile[, members])"),
     OptionSpec("points", "int", 100, (), "points per district"),
     OptionSpec("scale_by_membership", "bool", False, (),
                "scale each district's points by its members relative to the average"),
     *tiebreak_options()],
    _points, check=_check_points, supplied=("districts",),
)
