"""The native record format (JSON and TOML): round trips and bad input."""

from __future__ import annotations

import json
from datetime import date

import pytest

from hustings.domain.errors import InvalidInput
from hustings.domain.record import (
    Paragraph,
    PollDate,
    RecordedCandidate,
    RecordedElection,
    ResultRow,
    ResultsTable,
    Section,
)
from hustings.formats import article, record_native

ODD = RecordedElection(
    title='Quotes " and \\ back\tslash', slug="odd", office="Chair",
    dates=(PollDate(date(1999, 12, 31), "note \u2028 with é"),),
    candidates=(RecordedCandidate("A\x7fB", votes="1,000", percentage="100%"),),
    sections=(Section("", 1, (Paragraph("two\nlines"),)),
              Section("R", 2, (ResultsTable("c", (ResultRow("A", "", "1,000"),), "1,000"),))),
    extra={"Key with \"quote\"": "v", "": "empty key"})


@pytest.mark.parametrize("year", [2001, 2002, 2003])
def test_seed_round_trips_through_json_and_toml(seeds: dict[int, tuple[str, str]],
                                                year: int) -> None:
    record = article.parse(seeds[year][1])
    assert record_native.from_json(record_native.to_json(record)) == record
    assert record_native.from_toml(record_native.to_toml(record)) == record


def test_awkward_strings_round_trip() -> None:
    assert record_native.from_json(record_native.to_json(ODD)) == ODD
    assert record_native.from_toml(record_native.to_toml(ODD)) == ODD


def test_json_shape(seeds: dict[int, tuple[str, str]]) -> None:
    data = json.loads(record_native.to_json(article.parse(seeds[2001][1])))
    assert data["format"] == "hustings-record/1"
    assert data["dates"][1] == {"day": "2001-12-26", "note": "redo in select precincts"}
    assert data["sections"][-1]["blocks"][1]["rows"][0] == {
        "name": "Binyamin Ben-Eliezer", "party": "Israeli Labor", "votes": "32,910"}


def _fields(call: object, text: str) -> list[tuple[str | None, int | None]]:
    with pytest.raises(InvalidInput) as caught:
        call(text, "bad")  # type: ignore[operator]
    return [(p.field, p.line) for p in caught.value.problems]


def test_json_syntax_error_has_its_line() -> None:
    assert _fields(record_native.from_json, '{\n"title": "T",\n') == [(None, 3)]


def test_json_must_be_an_object() -> None:
    assert _fields(record_native.from_json, "[1]") == [(None, 1)]


def test_toml_syntax_error_has_its_line() -> None:
    assert _fields(record_native.from_toml, 'title = "T"\nslug = \n') == [(None, 2)]


def test_missing_title_and_slug() -> None:
    assert _fields(record_native.from_json, "{}") == [("title", None), ("slug", None)]


def test_wrong_types_and_bad_figures() -> None:
    text = json.dumps({"title": "T", "slug": "t", "turnout": 5, "registered": "many",
                       "dates": [{"day": "2002-13-01"}, {"day": 3}],
                       "candidates": [{"votes": "1"}, {"name": "B", "percentage": "x%"}],
                       "extra": {"k": 1}, "format": "other/2",
                       "sections": [{"level": 9, "blocks": [{"kind": "table"}, {
                           "kind": "results", "total": "y",
                           "rows": [{"name": "A", "votes": "1O"}]}]}, "nope"]})
    assert sorted(_fields(record_native.from_json, text)) == sorted([
        ("format", None), ("turnout", None), ("registered", None), ("dates[1].day", None),
        ("dates[2].day", None), ("candidates[1].name", None),
        ("candidates[2].percentage", None), ("extra.k", None), ("sections[1].level", None),
        ("sections[1].blocks[1].kind", None), ("sections[1].blocks[2].rows[1].votes", None),
        ("sections[1].blocks[2].total", None), ("sections[2]", None)])


def test_toml_lists_must_be_lists() -> None:
    assert _fields(record_native.from_toml, 'title = "T"\nslug = "t"\ncandidates = 3\n') == [
        ("candidates", None)]
