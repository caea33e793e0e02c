"""Precincts, polls (dated voting events) and precinct tally sheets."""

from __future__ import annotations

import enum
import hashlib
import struct
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from hustings.domain.errors import Problem


@dataclass(frozen=True)
class Precinct:
    code: str
    name: str
    section: str | None = None  # an electoral college's section key
    points: int | None = None  # a points election's district points


class PollKind(enum.StrEnum):
    INITIAL = "initial"
    REVOTE = "revote"
    RUNOFF = "runoff"


@dataclass(frozen=True)
class Poll:
    key: str
    day: date
    kind: PollKind
    precincts: tuple[str, ...]  # precinct codes
    candidates: tuple[str, ...] | None = None  # candidate keys on the ballot; None = all
    replaces: str | None = None  # a re-vote's: the poll whose precincts it votes again


@dataclass(frozen=True)
class TallySheet:
    """A precinct's counts for one poll, as the clerk copies them from the paper sheet."""

    poll: str
    precinct: str
    registered: int
    ballots_cast: int
    votes: dict[str, int]  # candidate key -> votes
    blank: int = 0
    invalid: int = 0

    @property
    def valid(self) -> int:
        return sum(self.votes.values())

    def problems(self, source: str | None = None, line: int | None = None) -> list[Problem]:
        """Arithmetic checks every sheet must pass, whatever the election."""
        found: list[Problem] = []
        numbers = {"registered": self.registered, "ballots_cast": self.ballots_cast,
                   "blank": self.blank, "invalid": self.invalid, **self.votes}
        for name, value in numbers.items():
            if value < 0:
                found.append(Problem(f"{name} is negative ({value})", source, line, name))
        if found:
            return found
        total = self.valid + self.blank + self.invalid
        if total != self.ballots_cast:
            found.append(Problem(
                f"candidate votes + blank + invalid = {total}, "
                f"but ballots_cast = {self.ballots_cast}",
                source, line, "ballots_cast"))
        if self.ballots_cast > self.registered:
            found.append(Problem(
                f"ballots_cast ({self.ballots_cast}) exceeds registered ({self.registered})",
                source, line, "ballots_cast"))
        return found


MARKERS = {-1: "", -2: "overvote", -3: "write-in"}


@dataclass(frozen=True)
class BallotBatch:
    """A precinct's ballots for one poll, compressed: unique rankings with counts.

    `rankings` is row-major little-endian int32 (`width` codes a row): a candidate's index into
    `candidates` (the election's candidate keys), or a marker: -1 nothing marked, -2 an overvote
    of unknown candidates, -3 a write-in, -10-k an overvote of `overvote_sets[k]`. Rows are
    unique and sorted, so two imports of the same ballots, from any file format, have the same
    `digest`; `source_sha256` is the imported file's own digest (the file is kept as a blob).
    """

    poll: str
    precinct: str
    candidates: tuple[str, ...]
    width: int
    rankings: bytes
    counts: tuple[int, ...]
    overvote_sets: tuple[tuple[int, ...], ...] = ()
    source_sha256: str = ""

    @property
    def ballots(self) -> int:
        return sum(self.counts)

    @cached_property
    def digest(self) -> str:
        h = hashlib.sha256()
        h.update(b"hustings ballot batch v1\0")
        h.update("\x1f".join(self.candidates).encode("utf-8") + b"\0")
        h.update(self.width.to_bytes(4, "little"))
        h.update(self.rankings)
        h.update(struct.pack(f"<{len(self.counts)}q", *self.counts))
        h.update(repr(self.overvote_sets).encode("ascii"))
        return h.hexdigest()

    def rows(self) -> list[tuple[tuple[int, ...], int]]:
        """(ranking, count) pairs: for comparing batches and for reference counts in tests."""
        n = len(self.counts)
        flat = struct.unpack(f"<{n * self.width}i", self.rankings) if n else ()
        return [(tuple(flat[i * self.width:(i + 1) * self.width]), self.counts[i])
                for i in range(n)]

    def describe(self, ranking: tuple[int, ...]) -> str:
        """A ranking in words: `Ann > Bob`, markers named."""
        parts = []
        for code in ranking:
            if code >= 0:
                parts.append(self.candidates[code])
            elif code <= -10:
                parts.append("(" + " = ".join(self.candidates[i]
                                              for i in self.overvote_sets[-10 - code]) + ")")
            elif MARKERS.get(code):
                parts.append(MARKERS[code])
        return " > ".join(parts) or "(blank)"


def batch_differences(a: BallotBatch, b: BallotBatch) -> list[tuple[str, int, int]]:
    """Rankings whose counts differ between two batches: (ranking in words, in a, in b)."""
    def strip(r: tuple[int, ...]) -> tuple[int, ...]:
        end = len(r)
        while end and r[end - 1] == -1:
            end -= 1
        return r[:end]

    ca: dict[str, int] = {}
    cb: dict[str, int] = {}
    for rows, target, batch in ((a.rows(), ca, a), (b.rows(), cb, b)):
        for ranking, count in rows:
            words = batch.describe(strip(ranking))
            target[words] = target.get(words, 0) + count
    return [(k, ca.get(k, 0), cb.get(k, 0)) for k in sorted(set(ca) | set(cb))
            if ca.get(k, 0) != cb.get(k, 0)]
