"""Rules are checked when an election is defined or amended, naming the TOML path; every
method in the registry runs through the lifecycle or is refused at definition."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from hustings.counting.registry import all_methods
from hustings.domain.errors import InvalidInput, RuleViolation
from hustings.services import elections, lifecycle, tallies
from hustings.services.queries import get_election
from hustings.services.results import published_result
from tests.cli_runner import run_cli
from tests.elections.builders import (
    clerk,
    committee,
    cvr,
    import_twice,
    open_election,
    toml,
)
from tests.integrity.builders import sheet

CANDIDATES = (("ann", "Ann Able"), ("bob", "Bob Baker"), ("cy", "Cy Cole"))
PRECINCTS = (("N", "North"), ("S", "South"))


def problems(text: str) -> list[tuple[str | None, str]]:
    with pytest.raises(InvalidInput) as caught:
        elections.read_definition(text, "def.toml")
    return [(p.field, p.message) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("method", "rules", "seats", "path", "words"),
    [
        ("plurality", 'seed = 1\ncolour = "red"', 1, "rules.colour", "unknown option 'colour'"),
        ("irv", "seed = 1", 2, "election.seats", "irv elects one candidate"),
        ("two-round", "seed = 1\nthreshold = 140", 1, "rules.threshold", "between 0 and 100"),
        ("plurality", "", 1, "rules.seed", "may have to break a tie by lot"),
        ("stv", 'seed = 1\nquota = "imperiali"', 3, "rules.quota", "imperiali"),
        ("college", "seed = 1", 1, "sections", "needs [[sections]]"),
        ("irv", 'seed = 1\ntiebreak = "permutation"', 1, "rules.order", "needs `order`"),
    ],
)
def test_bad_rules_are_named_by_their_toml_path(
    method: str, rules: str, seats: int, path: str, words: str
) -> None:
    found = problems(
        toml("e", method, CANDIDATES, PRECINCTS, seats=seats, office_seats=3, rules=rules)
    )
    assert any(field == path and words in message for field, message in found), found


def test_a_declared_tiebreak_order_needs_no_seed() -> None:
    text = toml(
        "e",
        "irv",
        CANDIDATES,
        PRECINCTS,
        rules='tiebreak = "permutation"\norder = ["Bob Baker", "Ann Able", "Cy Cole"]',
    )
    assert elections.read_definition(text, "def.toml").election.method == "irv"


def test_returns_default_from_the_method_and_rankings_refuse_sheets() -> None:
    assert (
        elections.read_definition(
            toml("e", "irv", CANDIDATES, PRECINCTS), "d.toml"
        ).election.returns.value
        == "ballots"
    )
    assert (
        elections.read_definition(
            toml("e", "plurality", CANDIDATES, PRECINCTS), "d.toml"
        ).election.returns.value
        == "sheets"
    )
    assert (
        elections.read_definition(
            toml("e", "plurality", CANDIDATES, PRECINCTS, returns="ballots"), "d.toml"
        ).election.returns.value
        == "ballots"
    )
    assert (
        "election.returns",
        "irv counts the ballots themselves (rankings or marks), not "
        'tally sheets: returns must be "ballots"',
    ) in problems(toml("e", "irv", CANDIDATES, PRECINCTS, returns="sheets"))


SECTIONS = """
[[sections]]
key = "mps"
name = "MPs and MEPs"
body = "plp"
weight = "1/3"
[[sections]]
key = "members"
name = "Members"
body = "members"
weight = "{w}"
"""


@pytest.mark.parametrize(
    ("weight", "path", "words"),
    [
        ("1/2", "sections", "add up to 5/6"),
        ("a third", "sections[1].weight", "not a positive weight"),
        ("0", "sections[1].weight", "not a positive weight"),
    ],
)
def test_section_weights_parse_and_sum_to_one(weight: str, path: str, words: str) -> None:
    precincts = (("P", "Parliament", "mps"), ("M", "Members", "members"))
    found = problems(toml("e", "college", CANDIDATES, precincts, extra=SECTIONS.format(w=weight)))
    assert any(field == path and words in message for field, message in found), found


def test_a_college_precinct_names_a_declared_section() -> None:
    precincts = (("P", "Parliament", "mps"), ("M", "Members", "unions"))
    found = problems(toml("e", "college", CANDIDATES, precincts, extra=SECTIONS.format(w="2/3")))
    assert any(
        field == "precincts[1].section" and "no section 'unions'" in message
        for field, message in found
    )


def test_the_cli_names_the_path_and_creates_nothing(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(toml("e", "irv", CANDIDATES, PRECINCTS, seats=2, office_seats=2))
    code, _, err = run_cli(capsys, "--db", database_url, "election", "create", str(path))
    assert code == 2 and f"{path} [election.seats]: irv elects one candidate" in err
    code, out, _ = run_cli(capsys, "--db", database_url, "election", "list")
    assert "e" not in out.split()


def test_amend_while_in_nominations_then_refused_once_voting(
    database_url: str, uow_factory: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    elections.create_election(
        uow_factory, toml("e", "plurality", CANDIDATES, PRECINCTS), "d.toml", committee(uow_factory)
    )
    path = tmp_path / "amended.toml"
    path.write_text(
        toml(
            "e",
            "irv",
            CANDIDATES + (("dee", "Dee Dunn"),),
            PRECINCTS + (("E", "East"),),
            rules="seed = 9",
        )
    )
    code, out, err = run_cli(capsys, "--db", database_url, "election", "amend", str(path))
    assert code == 0, err
    amended = get_election(uow_factory, "e")
    assert (amended.method, amended.returns.value, len(amended.candidates)) == ("irv", "ballots", 4)
    path.write_text(toml("e", "irv", CANDIDATES, PRECINCTS, rules="seed = 9\ncolour = 1"))
    code, _, err = run_cli(capsys, "--db", database_url, "election", "amend", str(path))
    assert code == 2 and "[rules.colour]" in err
    code, out, _ = run_cli(capsys, "--db", database_url, "log", "export")
    assert "election.amend" in out
    from hustings.services import members
    from tests.elections.builders import members_csv

    members.import_members(
        uow_factory,
        "members",
        members_csv({"N": 3, "S": 3, "E": 3}),
        "m.csv",
        committee(uow_factory),
    )
    elections.freeze_roll(uow_factory, "e", committee(uow_factory))
    lifecycle.advance(uow_factory, "e", "nominations", committee(uow_factory))
    lifecycle.advance(uow_factory, "e", "voting", committee(uow_factory))
    path.write_text(toml("e", "irv", CANDIDATES, PRECINCTS, rules="seed = 10"))
    code, _, err = run_cli(capsys, "--db", database_url, "election", "amend", str(path))
    assert code == 5 and "only in draft or nominations" in err


# --- every method of the registry, through the lifecycle -----------------------------------

RANKED = [
    ("N", ["Ann Able", "Bob Baker", "Cy Cole"], 20),
    ("N", ["Bob Baker", "Cy Cole"], 15),
    ("S", ["Cy Cole", "Bob Baker"], 12),
    ("S", ["Ann Able", "Cy Cole"], 8),
    ("S", ["Bob Baker", "Ann Able"], 10),
]
RULES = {"confirm": 'candidate = "Ann Able"'}
REFUSED = {"college": re.escape("an electoral college needs [[sections]]")}


@pytest.mark.parametrize("method", [m.name for m in all_methods()])
def test_every_method_runs_through_the_lifecycle(uow_factory: Any, method: str) -> None:
    found = next(m for m in all_methods() if m.name == method)
    text = toml(f"m-{method}", method, CANDIDATES, PRECINCTS, rules=RULES.get(method, "seed = 1"))
    if method == "college":
        with pytest.raises(InvalidInput, match=REFUSED["college"]):
            elections.read_definition(text, "d.toml")
        return
    slug = open_election(uow_factory, text, {"N": 60, "S": 60})
    election = get_election(uow_factory, slug)
    if found.needs == "rankings":
        assert election.returns.value == "ballots"
        with pytest.raises(RuleViolation, match="hustings ballots import"):
            tallies.enter_tally(
                uow_factory,
                slug,
                sheet("N", {"ann": 1, "bob": 1, "cy": 1}, registered=60),
                clerk(uow_factory, 0),
            )
        import_twice(uow_factory, slug, cvr(RANKED))
    else:
        assert election.returns.value == "sheets"
        for i in range(2):
            for code, votes in (
                ("N", {"ann": 20, "bob": 15, "cy": 0}),
                ("S", {"ann": 8, "bob": 10, "cy": 12}),
            ):
                tallies.enter_tally(
                    uow_factory, slug, sheet(code, votes, registered=60), clerk(uow_factory, i)
                )
    result = published_result(uow_factory, slug)
    assert result["method"] == method and result["rounds"], result
    status = get_election(uow_factory, slug).status.value
    if status == "voting":  # a runoff or the next ballot is due: the rule opened a poll
        assert result["winners"] == [] and result["polls"]
        return
    assert status == "provisional" and len(result["winners"]) == 1
    lifecycle.certify(uow_factory, slug, committee(uow_factory), on=date(2024, 3, 2))
    assert published_result(uow_factory, slug)["status"] == "certified"


def test_a_tie_broken_by_lot_is_in_the_result_and_the_version(uow_factory: Any) -> None:
    slug = open_election(
        uow_factory,
        toml("tie", "plurality", CANDIDATES, PRECINCTS, rules="seed = 42"),
        {"N": 30, "S": 30},
    )
    for i in range(2):
        tallies.enter_tally(
            uow_factory,
            slug,
            sheet("N", {"ann": 5, "bob": 5, "cy": 1}, registered=30),
            clerk(uow_factory, i),
        )
        tallies.enter_tally(
            uow_factory,
            slug,
            sheet("S", {"ann": 5, "bob": 5, "cy": 1}, registered=30),
            clerk(uow_factory, i),
        )
    result = published_result(uow_factory, slug)
    [tie] = result["ties"]
    assert tie["between"] == ["Ann Able", "Bob Baker"] and "seed 42" in tie["broken_by"]
    assert result["winners"] == [tie["chosen"]]
    assert "broken by lot" in result["reason"] and "seed 42" in result["reason"]


def test_ballots_of_an_exhaustive_election_are_counted_by_its_rounds(uow_factory: Any) -> None:
    slug = open_election(
        uow_factory,
        toml("ex", "exhaustive", CANDIDATES, PRECINCTS, returns="ballots"),
        {"N": 60, "S": 60},
    )
    import_twice(uow_factory, slug, cvr(RANKED))
    result = published_result(uow_factory, slug)
    assert len(result["rounds"]) == 2 and result["winners"] == ["Bob Baker"]
    assert "polls" not in result  # one poll: the later rounds come from the rankings


def test_an_exhaustive_election_by_sheets_opens_each_next_ballot(uow_factory: Any) -> None:
    slug = open_election(
        uow_factory, toml("ex", "exhaustive", CANDIDATES, PRECINCTS), {"N": 60, "S": 60}
    )

    def enter(poll: str, n: dict[str, int], s: dict[str, int]) -> None:
        for i in range(2):
            tallies.enter_tally(
                uow_factory, slug, sheet("N", n, registered=60, poll=poll), clerk(uow_factory, i)
            )
            tallies.enter_tally(
                uow_factory, slug, sheet("S", s, registered=60, poll=poll), clerk(uow_factory, i)
            )

    enter("initial", {"ann": 20, "bob": 15, "cy": 0}, {"ann": 8, "bob": 10, "cy": 12})
    assert get_election(uow_factory, slug).status.value == "voting"
    with uow_factory() as uow:
        polls = uow.polls.all(slug)
    assert [(p.key, p.candidates) for p in polls] == [
        ("initial", None),
        ("ballot-2", ("ann", "bob")),
    ]
    pending = published_result(uow_factory, slug)
    assert pending["winners"] == [] and pending["polls"][0]["next_ballot"] == [
        "Ann Able",
        "Bob Baker",
    ]
    with pytest.raises(InvalidInput, match="unknown candidate 'cy'"):
        tallies.enter_tally(
            uow_factory,
            slug,
            sheet("N", {"ann": 20, "bob": 15, "cy": 1}, registered=60, poll="ballot-2"),
            clerk(uow_factory, 0),
        )
    enter("ballot-2", {"ann": 19, "bob": 17}, {"ann": 9, "bob": 21})
    final = published_result(uow_factory, slug)
    assert final["winners"] == ["Bob Baker"] and final["status"] == "provisional"
    assert [r["poll"] for r in final["polls"]] == ["initial", "ballot-2"]
    assert [r["tallies"] for r in final["rounds"]] == [
        {"Ann Able": "28", "Bob Baker": "25", "Cy Cole": "12"},
        {"Ann Able": "28", "Bob Baker": "38"},
    ]
