"""Online voting and the stations' rolls: which members voted online (issue 12).

The server knows which member received which public credential and whether that credential
is on the board; it never knows what the ballot says. That is enough for the poll book: a
member who voted online is marked on their station's roll and given no ballot there, and a
station's ballots cast is checked against it. (Kept apart from services/online.py so that the
tally-sheet service can use it without importing the online service.)
"""

from __future__ import annotations

from hustings.services.ports import UnitOfWork


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
