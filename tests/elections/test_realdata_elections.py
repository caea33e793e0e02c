"""Real elections run through the whole lifecycle: Minneapolis 2017 by IRV from its CVR, a
Glasgow 2007 ward as a Scottish STV committee(uow_factory) election (data in ../shared/data)."""

from __future__ import annotations

import json
import re
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from hustings.domain.record import slugify
from hustings.formats.cvr_batches import split_by_precinct
from hustings.formats.cvr_blt import read_blt
from hustings.services import ballots, disputes, lifecycle
from hustings.services.record_store import leaders
from hustings.services.results import election_result, published_result
from tests.elections.builders import clerk, committee, import_twice, open_election, toml

MINNEAPOLIS_RULES = """seed = 2017
overvote_rule = "always-skip-to-next"
max_skipped_ranks = "unlimited"
batch_elimination = true"""


def _minneapolis(shared_data: Path) -> tuple[bytes, list[Any]]:
    data = (shared_data / "ballots/minneapolis-2017/2017-mayor-cvr.csv").read_bytes()
    return data, split_by_precinct(data, "2017-mayor-cvr.csv")


@pytest.mark.slow
def test_minneapolis_2017_mayor_through_the_lifecycle(shared_data: Path, uow_factory: Any) -> None:
    data, parts = _minneapolis(shared_data)
    assert len(parts) == 132
    names = sorted({n for p in parts for n in p.profile.candidates if n != "UWI"})
    candidates = [(slugify(n), n) for n in names]
    precincts = [(p.precinct, p.precinct.title()) for p in parts]
    roll = {p.precinct: p.profile.total + 50 for p in parts}
    slug = open_election(
        uow_factory,
        toml(
            "mpls-2017-mayor",
            "irv",
            candidates,
            precincts,
            rules=MINNEAPOLIS_RULES,
            day="2017-11-07",
        ),
        roll,
    )
    first = ballots.import_ballots(
        uow_factory, slug, data, "2017-mayor-cvr.csv", clerk(uow_factory, 0)
    )
    assert len(first.ballots) == 132 and sum(first.ballots.values()) == 105928
    ballots.import_ballots(uow_factory, slug, data, "2017-mayor-cvr.csv", clerk(uow_factory, 1))
    result = published_result(uow_factory, slug)
    round1 = result["rounds"][0]["tallies"]
    assert [
        round1[n]
        for n in ("Jacob Frey", "Tom Hoch", "Betsy Hodges", "Raymond Dehn", "Nekima Levy-Pounds")
    ] == ["26116", "20125", "18915", "18101", "15716"]
    assert result["rounds"][-1]["tallies"] == {"Jacob Frey": "46716", "Raymond Dehn": "34971"}
    assert result["winners"] == ["Jacob Frey"] and result["status"] == "provisional"
    assert result["precincts"] == {"reporting": 132, "total": 132}
    lifecycle.certify(uow_factory, slug, committee(uow_factory), on=date(2017, 11, 8))
    holders = leaders(uow_factory, "party", f"office-{slug}")
    assert [(h.holder, h.start) for h in holders] == [("Jacob Frey", date(2017, 11, 8))]
    certified = published_result(uow_factory, slug)
    before_by = {p["code"]: p for p in _precincts(uow_factory, slug)}

    # three precincts voided and voted again: exactly their ballots change, in a new version
    voided = [p.precinct for p in parts[:3]]
    number = disputes.file_dispute(
        uow_factory, slug, "initial", voided, "irregularities", committee(uow_factory)
    )
    disputes.rule(
        uow_factory,
        slug,
        number,
        "void-and-revote",
        "ballots mishandled",
        committee(uow_factory),
        revote_day=date(2017, 11, 28),
    )
    revote = _rows_of(data, voided, keep_every=2)  # half the voters come back
    import_twice(uow_factory, slug, revote, poll="revote-1")
    after = published_result(uow_factory, slug)
    assert after["version"] > certified["version"]
    after_by = {p["code"]: p for p in _precincts(uow_factory, slug)}
    changed = sorted(code for code in before_by if before_by[code] != after_by[code])
    assert changed == sorted(voided)
    assert after["ballots_cast"] < certified["ballots_cast"]
    assert all(after_by[c]["poll"] == "revote-1" for c in voided)


def _rows_of(data: bytes, precincts: list[str], keep_every: int) -> bytes:
    lines = data.decode("utf-8").splitlines()
    wanted = [ln for ln in lines[1:] if ln.split(",", 1)[0] in precincts]
    return ("\n".join([lines[0], *wanted[::keep_every]]) + "\n").encode()


def _precincts(factory: Any, slug: str) -> list[dict[str, Any]]:
    """The live count's per-precinct (first-preference) figures."""
    return [
        {"code": p.code, "votes": p.votes, "ballots_cast": p.ballots_cast, "poll": p.poll}
        for p in election_result(factory, slug).precincts
    ]


@pytest.mark.slow
def test_a_glasgow_ward_as_a_scottish_stv_committee_election(
    shared_data: Path, uow_factory: Any
) -> None:
    ward = "Anderston-City"
    path = shared_data / f"droop/blt/scotland/{ward}-2007.blt"
    read = read_blt(path)
    seats = read.seats or 0
    assert seats == 4
    candidates = [(slugify(n), n) for n in read.profile.candidates]
    slug = open_election(
        uow_factory,
        toml(
            "ward-committee",
            "stv",
            candidates,
            [("W", ward)],
            seats=seats,
            office_seats=seats,
            rules='seed = 2007\nvariant = "scottish"',
            day="2007-05-03",
        ),
        {"W": read.profile.total + 100},
    )
    for i in range(2):
        ballots.import_ballots(
            uow_factory, slug, path.read_bytes(), path.name, clerk(uow_factory, i), precinct="W"
        )
    result = published_result(uow_factory, slug)
    ref = json.loads(
        (shared_data / f"droop/ref/json/scotland/{ward}-2007-scotland-fixed-p5-d5.txt").read_text()
    )
    names = {cid: " ".join(c["name"].split()) for cid, c in ref["cdict"].items()}
    stages = [a for a in ref["actions"] if a["tag"] == "round"]
    assert Fraction(result["rounds"][0]["threshold"]) == Fraction(ref["quota"])
    assert len(result["rounds"]) >= len(stages)  # else the zip below would stop early
    for ours, theirs in zip(result["rounds"], stages, strict=False):
        want = {names[cid]: Fraction(s["vote"]) for cid, s in theirs["cstate"].items()}
        assert {" ".join(c.split()): Fraction(v) for c, v in ours["tallies"].items()} == {
            " ".join(c.split()): want[" ".join(c.split())] for c in ours["tallies"]
        }
    elected = {
        " ".join(a["msg"].split(": ", 1)[1].split())
        for a in ref["actions"]
        if a["tag"] == "elect" or a["msg"].startswith("Elect")
    }
    assert {" ".join(w.split()) for w in result["winners"]} == elected
    assert len(result["winners"]) == seats and result["winner"] is None
    lifecycle.certify(uow_factory, slug, committee(uow_factory), on=date(2007, 5, 4))
    holders = leaders(uow_factory, "party", f"office-{slug}")
    assert sorted(h.holder for h in holders if h.holder) == sorted(result["winners"])
    assert {h.start for h in holders if h.holder} == {date(2007, 5, 4)}
    assert not re.search(r"lot", " ".join(t["broken_by"] for t in result["ties"]))
