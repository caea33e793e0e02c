"""Import a precinct's ballots (cast vote records) as one clerk's return for a poll.

A CVR file that covers many precincts (a CSV `Precinct` column) is split by precinct; any
other file is one precinct's, named by the caller. Each precinct's ballots are stored as a
batch: unique rankings with counts, over the election's candidate keys, with the file kept as
a blob. A batch counts once two different clerks have imported identical ballots for it (the
same digest); until then it awaits its second import, and two imports that differ are a
mismatch that shows which rankings differ.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from hustings.counting.batches import batch_of, remap
from hustings.counting.profile import WRITE_IN, Profile
from hustings.domain.audit import sha256_hex
from hustings.domain.election import Election, Returns
from hustings.domain.errors import InvalidInput, Problem
from hustings.domain.polling import BallotBatch, Poll, TallySheet
from hustings.formats.cvr_batches import (
    PrecinctBallots,
    precinct_column,
    read_ballot_bytes,
    split_by_precinct,
    split_nist_by_precinct,
)
from hustings.formats.cvr_csv import WRITE_IN_TOKENS
from hustings.services.commands import Context, command, run
from hustings.services.count import count_election
from hustings.services.elections import INITIAL_POLL
from hustings.services.online_rolls import marked_by_precinct, online_voters_by_precinct
from hustings.services.ports import UnitOfWork, UnitOfWorkFactory
from hustings.services.tallies import accepted_returns, check_returns_open, returns_changed


@dataclass(frozen=True)
class BatchImport:
    """What one import stored: ballots per precinct, and each precinct's status after it."""

    poll: str
    ballots: dict[str, int]
    status: dict[str, str]


def import_ballots(uow_factory: UnitOfWorkFactory, election: str, data: bytes, source: str,
                   ctx: Context, poll: str = INITIAL_POLL, precinct: str | None = None,
                   section: str | None = None, fmt: str = "auto",
                   reason: str | None = None) -> BatchImport:
    """Import a CVR file as the acting clerk's return (ctx.actor is the clerk)."""
    return run(uow_factory, "ballots.import",  # type: ignore[no-any-return]
               {"election": election, "poll": poll, "precinct": precinct, "section": section,
                "format": fmt, "source": source, "reason": reason, "sha256": sha256_hex(data)},
               ctx, blobs=(data,))


@command("ballots.import")
def _import(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> BatchImport:
    election, poll = _open_returns(uow, payload)
    source, reason = payload["source"], payload.get("reason")
    data = uow.blobs.get(payload["sha256"])
    parts = _read(data, source, payload["precinct"], payload.get("format", "auto"))
    batches = _check(uow, election, poll, parts, source, ctx, payload["section"],
                     reason, payload["sha256"], data)
    status = _store_returns(uow, election, poll, ctx, reason, {b.precinct for b in batches},
                            lambda: uow.batches.add_many(election.slug, batches, ctx.actor,
                                                         ctx.time, reason))
    return BatchImport(poll.key, {b.precinct: b.ballots for b in batches}, status)


def _open_returns(uow: UnitOfWork, payload: dict[str, Any]) -> tuple[Election, Poll]:
    """The election and poll a return is for, once the election takes ballots now."""
    election = uow.elections.get(payload["election"])
    poll = uow.polls.get(election.slug, payload["poll"])
    check_returns_open(uow, election, Returns.BALLOTS)
    return election, poll


def _store_returns(uow: UnitOfWork, election: Election, poll: Poll, ctx: Context,
                   reason: str | None, codes: set[str],
                   store: Callable[[], object]) -> dict[str, str]:
    """Store a clerk's returns and settle what they change; each precinct's status after."""
    before = accepted_returns(count_election(uow, election.slug))
    store()
    count = returns_changed(uow, election, poll, before, ctx, reason)
    return {p.code: p.status for r in count.rounds for p in r.precincts
            if p.poll == poll.key and p.code in codes}


def _read(data: bytes, source: str, precinct: str | None, fmt: str) -> list[PrecinctBallots]:
    if precinct is not None:
        read = read_ballot_bytes(data, source, fmt)
        return [PrecinctBallots(precinct, read.profile, None)]
    head = data.lstrip()[:1]
    if fmt in ("auto", "nist") and head in (b"{", b"<"):
        return split_nist_by_precinct(data, source)  # by BallotStyleUnitId
    if fmt in ("auto", "csv") and head not in (b"{", b"<") \
            and precinct_column(data, source) is not None:
        return split_by_precinct(data, source)
    raise InvalidInput(Problem("the file does not say which precinct each ballot was cast in "
                               "(no Precinct column): name the precinct (--precinct CODE)",
                               source, 1, "Precinct"))


def _spellings(election: Election) -> dict[str, int]:
    """Every accepted spelling of a candidate (key, name, ballot name; any case) -> index."""
    out: dict[str, int] = {}
    for i, c in enumerate(election.candidates):
        for spelling in (c.key, c.name, c.ballot_name):
            out.setdefault(spelling.strip().casefold(), i)
    return out


def _check(uow: UnitOfWork, election: Election, poll: Poll, parts: list[PrecinctBallots],
           source: str, ctx: Context, section: str | None, reason: str | None,
           sha256: str, data: bytes) -> list[BallotBatch]:
    """Every problem of the file at once; nothing is stored unless there are none."""
    precincts = {p.code: p for p in uow.precincts.all(election.slug)}
    roll = uow.roll.counts(election.slug)
    mine = {e.batch.precinct for e in uow.batches.entries(election.slug, poll.key)
            if e.clerk == ctx.actor and e.voided_by is None}
    online_voters = online_voters_by_precinct(uow, election.slug, poll.key)
    marked = marked_by_precinct(uow, election.slug, poll.key)
    spellings = _spellings(election)
    keys = tuple(c.key for c in election.candidates)
    problems: list[Problem] = []
    if section is not None and election.section(section) is None:
        problems.append(Problem(f"no section {section!r} in {election.slug!r}", source, None,
                                "--section"))
    if not parts:
        problems.append(Problem("the file holds no ballots", source, None))
    names = dict.fromkeys(n for part in parts for n in part.profile.candidates)
    for name in names:
        if name.strip().casefold() not in spellings \
                and name.strip().casefold() not in WRITE_IN_TOKENS:
            offset = data.find(name.encode("utf-8"))
            problems.append(Problem(
                f"unknown candidate {name!r} (the election's: "
                f"{', '.join(c.name for c in election.candidates)})", source,
                data[:offset].count(b"\n") + 1 if offset >= 0 else None, "candidate"))
    seen: set[str] = set()
    on_poll = set(poll.precincts)
    for part in parts:
        code, at = part.precinct, part.line
        if code in seen:
            continue
        seen.add(code)
        if code not in precincts:
            problems.append(Problem(f"unknown precinct {code!r}", source, at, "Precinct"))
        elif code not in on_poll:
            problems.append(Problem(f"precinct {code!r} is not part of poll {poll.key!r}",
                                    source, at, "Precinct"))
        elif section is not None and precincts[code].section != section:
            problems.append(Problem(f"precinct {code!r} is not in section {section!r}", source,
                                    at, "Precinct"))
        elif code in mine and not reason:
            problems.append(Problem(
                f"{ctx.actor} already imported precinct {code!r}'s ballots for poll "
                f"{poll.key!r}: a re-import needs a reason (--reason)", source, at, "Precinct"))
        elif part.profile.total > roll.get(code, 0):
            problems.append(Problem(
                f"{part.profile.total} ballots, but the frozen roll has {roll.get(code, 0)} "
                f"voters in {code!r}", source, at, "Precinct"))
        elif part.profile.total > roll.get(code, 0) - online_voters.get(code, 0):
            problems.append(Problem(
                f"{part.profile.total} ballots, but {online_voters[code]} of the "
                f"{roll.get(code, 0)} voters of {code!r} voted online (marked in the poll "
                f"book): at most {roll.get(code, 0) - online_voters[code]} can have voted "
                "here", source, at, "Precinct"))
        elif code in marked and part.profile.total > marked[code]:
            problems.append(Problem(
                f"{part.profile.total} ballots, but the station's marked register has "
                f"{marked[code]} member(s) who voted in {code!r}", source, at, "Precinct"))
    if problems:
        raise InvalidInput(_unique(problems))
    return [_batch(part.profile, spellings, keys, poll.key, part.precinct, sha256)
            for part in parts]


def _batch(profile: Profile, spellings: dict[str, int], keys: tuple[str, ...], poll: str,
           precinct: str, sha256: str) -> BallotBatch:
    mapping = np.array([spellings.get(n.strip().casefold(), WRITE_IN)
                        for n in profile.candidates] or [WRITE_IN], dtype=np.int32)
    rankings = remap(np.asarray(profile.rankings, dtype=np.int32), mapping)
    sets = tuple(tuple(sorted({int(mapping[c]) for c in s if mapping[c] >= 0}))
                 for s in profile.overvote_sets)
    mapped = Profile(keys, rankings, profile.counts, sets)
    return batch_of(mapped, keys, poll, precinct, sha256)


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[str] = set()
    out = []
    for p in problems:
        if str(p) not in seen:
            seen.add(str(p))
            out.append(p)
    return out


def confirm_ballots(uow_factory: UnitOfWorkFactory, election: str, precinct: str,
                    ballots_cast: int, ctx: Context, poll: str = INITIAL_POLL,
                    reason: str | None = None) -> str:
    """A clerk's paper count of a precinct's ballots cast: it confirms another clerk's import
    of that many ballots (the second person of the two-person rule). Returns the precinct's
    status."""
    if isinstance(ballots_cast, bool) or not isinstance(ballots_cast, int) or ballots_cast < 0:
        raise InvalidInput(Problem(f"ballots cast must be a whole number, not {ballots_cast!r}",
                                   "ballot count", None, "ballots_cast"))
    return run(uow_factory, "ballots.confirm",  # type: ignore[no-any-return]
               {"election": election, "poll": poll, "precinct": precinct,
                "ballots_cast": ballots_cast, "reason": reason}, ctx)


@command("ballots.confirm")
def _confirm(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> str:
    election, poll = _open_returns(uow, payload)
    slug, code, reason = election.slug, payload["precinct"], payload.get("reason")
    where = "ballot count"
    if code not in {p.code for p in uow.precincts.all(slug)}:
        raise InvalidInput(Problem(f"unknown precinct {code!r}", where, None, "precinct"))
    if code not in poll.precincts:
        raise InvalidInput(Problem(f"precinct {code!r} is not part of poll {poll.key!r}", where,
                                   None, "precinct"))
    registered = uow.roll.counts(slug).get(code, 0)
    if payload["ballots_cast"] > registered:
        raise InvalidInput(Problem(f"{payload['ballots_cast']} ballots cast, but the frozen roll "
                                   f"has {registered} voters in {code!r}", where, None,
                                   "ballots_cast"))
    mine = [e for e in uow.sheets.entries(slug, poll.key)
            if e.clerk == ctx.actor and e.sheet.precinct == code and e.voided_by is None]
    if mine and not reason:
        raise InvalidInput(Problem(f"{ctx.actor} already counted precinct {code!r}: a "
                                   "correction needs a reason (--reason)", where, None,
                                   "precinct"))
    sheet = TallySheet(poll.key, code, registered, payload["ballots_cast"], {})
    status = _store_returns(uow, election, poll, ctx, reason, {code},
                            lambda: uow.sheets.add(slug, sheet, ctx.actor, ctx.time, reason))
    return status.get(code, "stored")
