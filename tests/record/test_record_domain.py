"""The record's domain: tenure chains from the seeds, holder queries, a person's record."""

from __future__ import annotations

from datetime import date

import pytest

from hustings.domain.record import (
    HolderMention,
    PollDate,
    RecordedCandidate,
    RecordedElection,
    Tenure,
    TenureKind,
    decimals,
    final_holder,
    holder_on,
    holders,
    next_election,
    number,
    parse_holders,
    person_record,
    previous_election,
    tenures_from_elections,
    winner,
)
from hustings.formats import article

E, INT, V = TenureKind.ELECTED, TenureKind.INTERIM, TenureKind.VACANT
S2001 = "2001-israeli-labor-party-leadership-election"
S2002 = "2002-israeli-labor-party-leadership-election"
S2003 = "2003-israeli-labor-party-interim-leadership-election"


@pytest.fixture
def records(seeds: dict[int, tuple[str, str]]) -> list[RecordedElection]:
    # shuffled on purpose: the chain is worked out from dates
    return [article.parse(seeds[y][1], seeds[y][0]) for y in (2003, 2001, 2002)]


def test_the_seeds_give_the_acceptance_chain(records: list[RecordedElection]) -> None:
    assert tenures_from_elections(records) == [
        Tenure("Leader", "Ehud Barak", E, None, date(2001, 9, 4), None),
        Tenure("Leader", "Avraham Burg", E, date(2001, 9, 4), date(2001, 12, 26), S2001),
        Tenure("Leader", "Binyamin Ben-Eliezer", E, date(2001, 12, 26), date(2002, 11, 20),
               S2001),
        Tenure("Leader", "Amram Mitzna", E, date(2002, 11, 20), None, S2002),
        Tenure("Leader", None, V, None, date(2003, 6, 19), None),
        Tenure("Leader", "Shimon Peres", INT, date(2003, 6, 19), None, S2003),
    ]


def test_holder_on_a_date(records: list[RecordedElection]) -> None:
    chain = tenures_from_elections(records)
    holder = lambda d: (t.holder if (t := holder_on(chain, "Leader", d)) else "?")  # noqa: E731
    assert holder(date(2001, 10, 1)) == "Avraham Burg"
    assert holder(date(2001, 12, 26)) == "Binyamin Ben-Eliezer"
    assert holder(date(2002, 11, 19)) == "Binyamin Ben-Eliezer"
    # Mitzna's end and the vacancy's start are unknown: no certain holder after 20 Nov 2002
    assert holder(date(2002, 12, 1)) == "?"
    assert holder(date(2003, 6, 18)) == "?"
    assert holder(date(2001, 1, 1)) == "?"  # Barak's start is unknown
    assert holder(date(2010, 1, 1)) == "Shimon Peres"  # the current holder
    assert holder_on(chain, "Treasurer", date(2002, 1, 1)) is None


def test_holders_in_order(records: list[RecordedElection]) -> None:
    chain = tenures_from_elections(records)
    assert [t.holder for t in holders(chain, "Leader")] == [
        "Ehud Barak", "Avraham Burg", "Binyamin Ben-Eliezer", "Amram Mitzna", None,
        "Shimon Peres"]


def test_a_persons_record(records: list[RecordedElection]) -> None:
    chain = tenures_from_elections(records)
    bbe = person_record("Binyamin Ben-Eliezer", records, chain)
    assert bbe.ran == (S2001, S2002)
    assert bbe.won == (S2001,) and bbe.lost == (S2002,)
    assert [t.start for t in bbe.tenures] == [date(2001, 12, 26)]
    peres = person_record("shimon  peres", records, chain)
    assert (peres.won, peres.lost) == ((S2003,), ())
    assert peres.tenures[0].kind is INT
    burg = person_record("Avraham Burg", records, chain)
    assert burg.lost == (S2001,) and len(burg.tenures) == 1


def test_previous_and_next_election_from_dates(records: list[RecordedElection]) -> None:
    by_slug = {r.slug: r for r in records}
    assert next_election(records, by_slug[S2001]) is by_slug[S2002]
    assert previous_election(records, by_slug[S2003]) is by_slug[S2002]
    assert previous_election(records, by_slug[S2001]) is None
    assert next_election(records, by_slug[S2003]) is None


def test_winner_prefers_after_election_then_the_final_tally(
        records: list[RecordedElection]) -> None:
    assert [winner(r) for r in records] == ["Shimon Peres", "Binyamin Ben-Eliezer",
                                            "Amram Mitzna"]
    tied = RecordedElection("T", "t", candidates=(RecordedCandidate("A", votes="5"),
                                                  RecordedCandidate("B", votes="5")))
    assert winner(tied) is None


def test_parse_holders() -> None:
    assert parse_holders(
        "Avraham Burg (September - December 2001), Binyamin Ben-Eliezer (December 2001 - )") == [
        HolderMention("Avraham Burg", E, (2001, 9), (2001, 12)),
        HolderMention("Binyamin Ben-Eliezer", E, (2001, 12), None)]
    assert parse_holders("Vacant, (most recently Amram Mitzna)") == [
        HolderMention(None, V, most_recently="Amram Mitzna")]
    assert parse_holders("Shimon Peres (interim)") == [HolderMention("Shimon Peres", INT)]
    assert parse_holders("X (acting)")[0].kind is TenureKind.ACTING
    assert parse_holders("") == []
    assert final_holder("Vacant (most recently Y)") == "Y"


def test_a_vacancy_after_an_election_and_a_re_elected_incumbent() -> None:
    first = RecordedElection("1990 X", "x1990", office="Chair",
                             dates=(PollDate(date(1990, 5, 1)),), before="Ann", after="Ann")
    second = RecordedElection("1995 X", "x1995", office="Chair",
                              dates=(PollDate(date(1995, 5, 1)),), before="Ann", after="Vacant")
    assert tenures_from_elections([second, first]) == [
        Tenure("Chair", "Ann", E, None, date(1995, 5, 1), None),
        Tenure("Chair", None, V, date(1995, 5, 1), None, "x1995")]


def test_published_figures() -> None:
    assert number("35,945") == 35945 and number("631") == 631
    assert decimals("49.65%") == 2 and decimals("52%") == 0
    with pytest.raises(ValueError):
        number("1,2345")
    with pytest.raises(ValueError):
        decimals("about half")
