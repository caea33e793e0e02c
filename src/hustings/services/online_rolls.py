"""Online voting and the stations' rolls: which members voted online (issue 12).

The server knows which member received which public credential and whether that credential
is on the board; it never knows what the ballot says. That is enough for the poll book: a
member who voted online is marked on their station's roll and given no ballot there, and a
station's ballots cast is checked against it. (Kept apart from services/online.py so that the
tally-sheet service can use it without importing the online service.)

The other way round, a station's clerk marks who voted there (their marked register, a logged
command `pollbook.mark` naming member numbers, never a ballot): an online cast whose credential
was issued to a member marked at a station is refused, and marking a member who voted online
is refused, so each member votes once across the channels.
"""

from __future__ import annotations

from typing import Any

from hustings.domain.errors import InvalidInput, NotFound, Problem, RuleViolation
from hustings.domain.online import ONLINE_PRECINCT
from hustings.services.commands import Context, command, run
from hustings.services.ports import UnitOfWork, UnitOfWorkFactory


def voted_online(uow: UnitOfWork, slug: str, poll: str | None = None) -> set[str]:
    """Members (ids) who cast a ballot in the election's live online poll (of `poll`)."""
    live = [p for p in uow.online.polls(slug)
            if not p.voided and (poll is None or p.poll == poll)]
    if not live:
        return set()
    return set(uow.online.voted_members(live[-1].crypto_id))


def online_voters_by_precinct(uow: UnitOfWork, slug: str, poll: str) -> dict[str, int]:
    """How many members of each station's roll voted online in `poll`: a station's ballots
    cast can be at most its registered voters less these."""
    voted = voted_online(uow, slug, poll)
    counts: dict[str, int] = {}
    if voted:
        for member, _, precinct in uow.online.roll_members(slug):
            if member in voted:
                counts[precinct] = counts.get(precinct, 0) + 1
    return counts


# -- a station's marked register ----------------------------------------------------------------

def read_marks_file(data: bytes, source: str) -> list[tuple[int, str]]:
    """A station's marked register as a file: one member number a line (a first line
    `member_id` is a header; blank lines and lines starting with # are skipped). Returns
    (line, member id) pairs; InvalidInput names the file and line of what is wrong."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(Problem(f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                                   source)) from None
    rows: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        member = line.strip()
        if not member or member.startswith("#") or (not rows and member == "member_id"):
            continue
        if "," in member or len(member) > 64:
            raise InvalidInput(Problem(f"{member[:40]!r} is not a member number (one a line)",
                                       source, number, "member_id"))
        rows.append((number, member))
    if not rows:
        raise InvalidInput(Problem("the file names no member", source))
    return rows


def mark_voted(uow_factory: UnitOfWorkFactory, slug: str, precinct: str,
               members: list[tuple[int | None, str]], source: str, ctx: Context,
               poll: str = "initial") -> int:
    """Record that the station `precinct`'s clerk marked these members as having voted there
    in `poll` (their register): a logged command. All or nothing: a member not on this
    station's roll, marked already, or who voted online is refused by name and line."""
    payload = {"election": slug, "poll": poll, "precinct": precinct, "source": source,
               "members": [[line, member] for line, member in members]}
    return run(uow_factory, "pollbook.mark", payload, ctx)  # type: ignore[no-any-return]


@command("pollbook.mark")
def _mark(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> int:
    slug, poll_key, precinct = payload["election"], payload["poll"], payload["precinct"]
    source = str(payload["source"])
    uow.elections.get(slug)
    poll = uow.polls.get(slug, poll_key)
    if precinct == ONLINE_PRECINCT or precinct not in poll.precincts:
        raise NotFound(f"no polling station {precinct!r} in poll {poll_key!r} of {slug!r}")
    if not uow.roll.is_frozen(slug):
        raise RuleViolation(f"the roll of {slug!r} is not frozen: run "
                            f"`hustings roll freeze {slug}` first")
    roll = {m: p for m, _, p in uow.online.roll_members(slug)}
    marked = uow.online.station_marks(slug, poll_key)
    online = voted_online(uow, slug, poll_key)
    problems: list[Problem] = []
    seen: set[str] = set()
    for line, member in payload["members"]:
        where = roll.get(member)
        if where is None:
            why = f"member {member!r} is not on the frozen roll of {slug!r}"
        elif where != precinct:
            why = f"member {member!r} is on the roll of {where!r}, not {precinct!r}"
        elif member in seen:
            why = f"member {member!r} is named twice"
        elif member in marked:
            why = (f"member {member!r} is marked already as having voted at "
                   f"{marked[member]!r} in poll {poll_key!r}")
        elif member in online:
            why = (f"member {member!r} voted online in poll {poll_key!r} (marked in the poll "
                   "book): one vote per member, give them no ballot here")
        else:
            seen.add(member)
            continue
        problems.append(Problem(why, source, line, "member_id"))
    if problems:
        raise InvalidInput(problems)
    uow.online.add_station_marks(slug, poll_key, precinct, sorted(seen), ctx.time)
    return len(seen)


def station_marks(uow: UnitOfWork, slug: str, poll: str) -> dict[str, str]:
    """member id -> the station where they are marked as having voted in `poll`."""
    return uow.online.station_marks(slug, poll)


def marked_by_precinct(uow: UnitOfWork, slug: str, poll: str) -> dict[str, int]:
    """How many members each station's clerk marked as having voted there in `poll`: once a
    station's marked register is recorded, its ballots cast can be at most that."""
    counts: dict[str, int] = {}
    for precinct in uow.online.station_marks(slug, poll).values():
        counts[precinct] = counts.get(precinct, 0) + 1
    return counts
