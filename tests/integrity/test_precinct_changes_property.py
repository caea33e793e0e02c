"""Invariant of the changes each result version stores: folding them in order gives back every
state the count passed through, and each change is labelled by what happened to the return."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from hustings.services.count import CHANGES, folded_precincts, precinct_changes

CODES = ["A", "B", "C"]


def _return(round_key: str, code: str, poll: str, votes: int) -> dict[str, Any]:
    return {"round": round_key, "precinct": code, "name": code, "poll": poll,
            "registered": 100, "ballots_cast": votes, "votes": {"x": votes}, "blank": 0,
            "invalid": 0}


states = st.lists(
    st.dictionaries(st.sampled_from(CODES),
                    st.tuples(st.sampled_from(["initial", "revote-1"]),
                              st.integers(0, 3))),
    min_size=1, max_size=6)


@given(states)
def test_folding_the_changes_gives_back_every_state(sequence: list[dict[str, Any]]) -> None:
    stored: list[dict[str, Any]] = []
    before: dict[str, dict[str, Any]] = {}
    for raw in sequence:
        state = {f"initial/{code}": _return("initial", code, poll, votes)
                 for code, (poll, votes) in raw.items()}
        changes = precinct_changes(before, state)
        for change in changes:
            old, new = change["before"], change["after"]
            assert old != new
            if new is None:
                assert change["change"] == "voided"
            elif new["poll"] == "revote-1" and (old is None or old["poll"] != "revote-1"):
                assert change["change"] == "re-voted"
            else:
                assert change["change"] == ("reported" if old is None else "corrected")
        stored.append({CHANGES: changes})
        assert folded_precincts(stored) == state
        assert folded_precincts(stored[-1:], before) == state
        before = state
