"""Read-side queries: an election's published result, rolls and lists."""

from __future__ import annotations

from hustings.domain.results import Result, summarise
from hustings.services.elections import INITIAL_POLL
from hustings.services.ports import UnitOfWorkFactory


def election_result(uow_factory: UnitOfWorkFactory, slug: str,
                    poll: str = INITIAL_POLL) -> Result:
    """Add up the poll's sheets; turnout over the frozen roll of the precincts in the poll."""
    with uow_factory() as uow:
        election = uow.elections.get(slug)
        names = {p.code: p.name for p in uow.precincts.all(slug)}
        the_poll = uow.polls.get(slug, poll)
        sheets = uow.sheets.for_poll(slug, poll)
        roll = uow.roll.counts(slug)
        registered = sum(roll.get(code, 0) for code in the_poll.precincts)
        return summarise(
            election=slug, status=election.status.value, candidates=election.candidates,
            sheets=[(s, names[s.precinct]) for s in sheets], registered=registered,
            precincts_total=len(the_poll.precincts), base=election.percentage_base)
