"""Election definition files: the demo's parse; every bad key is named by its path."""

from __future__ import annotations

from datetime import date

import pytest

from hustings.domain.errors import InvalidInput
from hustings.formats.election_toml import parse_election_toml
from tests.conftest import DEMO_DIR

METHODS = {"plurality", "irv"}


def problems(text: str) -> list[tuple[str | None, str]]:
    with pytest.raises(InvalidInput) as info:
        parse_election_toml(text, "bad.toml", METHODS)
    assert all(p.source == "bad.toml" for p in info.value.problems)
    return [(p.field, p.message) for p in info.value.problems]


def demo_text(name: str = "labor-2002.toml") -> str:
    return (DEMO_DIR / name).read_text()


def test_demo_definition_parses() -> None:
    d = parse_election_toml(demo_text(), "labor-2002.toml", METHODS)
    assert d.election.slug == "labor-2002"
    assert [c.key for c in d.election.candidates] == ["mitzna", "ben-eliezer", "ramon"]
    assert d.election.timetable.polling_day == date(2002, 11, 19)
    assert d.election.eligibility.joined_by == date(2002, 2, 1)
    assert d.body.slug == "members"


def test_interim_election_with_inline_precincts() -> None:
    d = parse_election_toml(demo_text("labor-2003.toml"), "labor-2003.toml", METHODS)
    assert d.election.kind.value == "interim"
    assert [p.code for p in d.precincts] == ["CC"]


def test_not_toml_names_the_position() -> None:
    [(field, message)] = problems("[election\nslug=1")
    assert field is None and "not valid TOML" in message and "line" in message


def test_bad_keys_are_named_by_path() -> None:
    text = demo_text().replace('kind = "regular"', 'kind = "coronation"')
    text = text.replace("polling_day = 2002-11-19", "polling_day = 2002-06-01")
    text = text.replace('key = "ramon"', 'key = "mitzna"')
    text = text.replace('method = "plurality"', 'method = "dice"')
    text = text.replace("min_months = 6", "min_months = -2\ncolour = 'red'")
    found = dict(problems(text))
    assert "not one of" in found["election.kind"]
    assert "out of order" in found["timetable.polling_day"]
    assert "duplicate candidate" in found["candidates[2]"]
    assert "not a counting method" in found["election.method"]
    assert "at least 0" in found["eligibility.min_months"]
    assert found["eligibility.colour"] == "unknown key"
    assert "after the polling day" in found["eligibility.cutoff"]


def test_missing_sections_and_bad_dates() -> None:
    found = dict(problems('[election]\nslug = "Bad Slug"\n[timetable]\npolling_day = "soon"\n'))
    assert found["organisation"] == "missing table"
    assert "not a slug" in found["election.slug"]
    assert "not a date" in found["timetable.polling_day"]
    assert "at least one" in found["candidates"]
