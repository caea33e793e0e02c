"""A holder leaving office (a logged `tenure.end` command): the office is vacant until an
election fills it; a wrong request changes nothing; the log replays it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

import tests.identities as ids
from hustings.domain.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from hustings.services.commands import Context, as_user
from hustings.services.demo import ADMINISTRATOR, DEFAULT_PASSWORD
from hustings.services.lifecycle import end_tenure
from hustings.services.queries import tenures
from hustings.services.users import authenticate


def _committee(demo: Any) -> Context:
    return as_user(authenticate(demo.uow_factory, ADMINISTRATOR, DEFAULT_PASSWORD))


def _chain(demo: Any) -> list[tuple[Any, ...]]:
    return [(t.holder, t.kind.value, t.start, t.end)
            for t in tenures(demo.uow_factory, "israeli-labor", "leader")]


def test_refused_ends_change_nothing(demo: Any) -> None:
    factory = demo.uow_factory
    before = _chain(demo)
    admin = _committee(demo)
    with pytest.raises(RuleViolation, match="before it starts"):
        end_tenure(factory, "israeli-labor", "leader", "Ehud Barak", date(2007, 1, 1),
                   "resigned", admin)
    with pytest.raises(NotFound):
        end_tenure(factory, "israeli-labor", "leader", "Amram Mitzna", date(2008, 1, 1),
                   "resigned", admin)  # his tenure ended in 2003
    with pytest.raises(InvalidInput):
        end_tenure(factory, "israeli-labor", "leader", "Ehud Barak", date(2008, 1, 1), " ",
                   admin)
    with pytest.raises(PermissionDenied):
        end_tenure(factory, "israeli-labor", "leader", "Ehud Barak", date(2008, 1, 1),
                   "resigned", ids.ctx(factory, "clerk-story"))
    assert _chain(demo) == before


def test_a_resignation_leaves_the_office_vacant(demo: Any) -> None:
    factory = demo.uow_factory
    end_tenure(factory, "israeli-labor", "leader", "Ehud Barak", date(2008, 1, 1), "resigned",
               _committee(demo))
    assert _chain(demo)[-2:] == [("Ehud Barak", "elected", date(2007, 6, 12), date(2008, 1, 1)),
                                 (None, "vacant", date(2008, 1, 1), None)]
    assert _chain(demo)[3] == (None, "vacant", date(2003, 5, 4), date(2003, 6, 19))


def test_the_command_line_records_a_departure(demo_url: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    from tests.cli_runner import run_cli

    args = ("--db", demo_url, "record", "end-tenure", "Ehud Barak", "--organisation",
            "israeli-labor", "--office", "leader", "--reason", "resigned")
    code, _, err = run_cli(capsys, *args, "--on", "2008-01-01", user="clerk-cli")
    assert code == 6 and "administrator only" in err
    code, _, err = run_cli(capsys, *args, "--on", "2008-13-01")
    assert code == 2 and "is not a date" in err
    code, _, err = run_cli(capsys, *args, "--on", "2007-01-01")
    assert code == 5 and "before it starts" in err
    code, out, _ = run_cli(capsys, *args, "--on", "2008-01-01")
    assert code == 0 and "the office is vacant" in out
    code, out, _ = run_cli(capsys, "--db", demo_url, "record", "leaders", "--office", "Leader",
                           "--format", "json")
    import json

    assert code == 0 and json.loads(out)["tenures"][-1] == {
        "holder": None, "kind": "vacant", "start": "2008-01-01", "end": None, "election": None}
