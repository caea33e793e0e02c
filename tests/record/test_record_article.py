"""The encyclopedia article format: the seeds parse with their lines, round trips, bad input."""

from __future__ import annotations

from datetime import date
from pathlib import Path

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
    number,
)
from hustings.formats import article
from hustings.services.record_check import check

SMALL = """= 2010 Example Party leadership election =

Infobox
- Election Name: 2010 Example Party leadership election
- Title: Leader
- Election Date: 3 March 2010
- Candidate1: Ann Smith
- Popular Vote1: 1,200
- Colour1: red

The election was held on 3 March 2010.

== Results ==

  - 2010 Example Party leadership election**

- Ann Smith (Example): 1,200 votes
- Bob Jones: 800 votes
Total: 2,000 votes
"""


def test_2002_seed_parses_with_its_figures_and_lines(seeds: dict[int, tuple[str, str]]) -> None:
    name, text = seeds[2002]
    parsed = article.parse_located(text, name)
    r = parsed.record
    assert r.title == "2002 Israeli Labor Party leadership election"
    assert r.slug == "2002-israeli-labor-party-leadership-election"
    assert r.office == "Leader"
    assert r.dates == (PollDate(date(2002, 11, 20)),)
    assert r.turnout == "59.5%"
    assert [(c.name, c.votes) for c in r.candidates] == [
        ("Amram Mitzna", "35,945"), ("Binyamin Ben-Eliezer", "25,445"), ("Haim Ramon", "4,830")]
    assert r.candidates[2].image == "File:Haim Ramon (3x4a).jpg"
    assert (r.before, r.after) == ("Binyamin Ben-Eliezer", "Amram Mitzna")
    assert r.next_election == "2003 Israeli Labor Party interim leadership election"
    assert r.extra == {"Previous Year": "2001", "Type": "presidential", "Ongoing": "no",
                       "Next Year": "2003 (interim)", "Country": "Israel"}
    assert parsed.key_line("Election Date") == 18
    assert parsed.candidate_key_line(1, "Popular Vote") == 6
    assert [s.heading for s in r.sections] == ["", "Background", "Campaign", "Candidates",
                                                "Aftermath"]
    assert [line for line, _, _ in parsed.prose()][:2] == [30, 33]


def test_2001_seed_has_two_polls_and_a_results_table(seeds: dict[int, tuple[str, str]]) -> None:
    name, text = seeds[2001]
    parsed = article.parse_located(text, name)
    r = parsed.record
    assert r.dates == (PollDate(date(2001, 9, 4), "Initial vote"),
                       PollDate(date(2001, 12, 26), "redo in select precincts"))
    assert [(s.heading, s.level) for s in r.sections][-3:] == [
        ("Results", 2), ("September", 3), ("December", 3)]
    [(section, table, lines)] = parsed.tables()
    assert r.sections[section].heading == "December"
    assert table == ResultsTable("2001 Israeli Labor Party leadership election", (
        ResultRow("Binyamin Ben-Eliezer", "Israeli Labor", "32,910"),
        ResultRow("Avraham Burg", "Israeli Labor", "30,367")))
    assert (lines.caption, lines.rows, lines.total) == (40, (42, 43), None)
    # the September prose with its glued caption stays prose
    assert "1,088 votes.**2001" in str(r.sections[4].blocks[0])


def test_2003_seed_has_percentages_and_a_bare_total(seeds: dict[int, tuple[str, str]]) -> None:
    name, text = seeds[2003]
    parsed = article.parse_located(text, name)
    r = parsed.record
    assert [(c.votes, c.percentage) for c in r.candidates] == [
        ("631", "49.65%"), ("359", "28.25%"), ("281", "22.11%")]
    assert r.before == "Vacant, (most recently Amram Mitzna)"
    [(_, table, lines)] = parsed.tables()
    assert (table.rows, table.total, lines.total) == ((), "1", 48)
    assert r.sections[1].heading == "Background"  # `==Background==` without spaces


@pytest.mark.parametrize("year", [2001, 2002, 2003])
def test_seed_round_trips(seeds: dict[int, tuple[str, str]], year: int) -> None:
    record = article.parse(seeds[year][1])
    written = article.write(record)
    assert article.parse(written) == record
    assert article.write(article.parse(written)) == written


def test_small_article_unknown_keys_and_party_less_rows() -> None:
    r = article.parse(SMALL)
    assert r.extra == {"Colour1": "red"}
    assert r.tables()[0].rows[1] == ResultRow("Bob Jones", "", "800")
    assert r.tables()[0].total == "2,000"
    assert article.parse(article.write(r)) == r


def test_a_record_round_trips_including_a_custom_slug_and_headings() -> None:
    record = RecordedElection(
        title="T", slug="custom", name="T", office="Chair",
        dates=(PollDate(date(2020, 1, 5), "first"), PollDate(date(2020, 2, 1))),
        electorate="Central Committee", registered="2,471", turnout="52.0%",
        candidates=(RecordedCandidate("A", "P", "a.jpg", "10", "50.00%"),
                    RecordedCandidate("B", votes="10")),
        before="Vacant, (most recently X)", after="A (interim)",
        previous_election="P", next_election="N",
        sections=(Section("", 1, (Paragraph("Lead line one\nline two"),)),
                  Section("Empty", 2), Section("Deep", 4, (ResultsTable(total="20"),))),
        extra={"Country": "Israel", "Blank": ""})
    assert article.parse(article.write(record)) == record


def test_from_result_reproduces_the_2002_and_2003_infobox_figures(
        seeds: dict[int, tuple[str, str]]) -> None:
    r2002 = {"election": "labor-2002", "status": "provisional", "registered": 112640,
             "ballots_cast": 67020, "valid": 66220, "blank": 412, "invalid": 388,
             "turnout": "59.5", "candidates": [
                 {"name": "Amram Mitzna", "votes": 35945, "percentage": "54.28"},
                 {"name": "Binyamin Ben-Eliezer", "votes": 25445, "percentage": "38.43"},
                 {"name": "Haim Ramon", "votes": 4830, "percentage": "7.29"}],
             "winner": "Amram Mitzna", "margin": 10500}
    made = article.from_result(r2002, title="2002 Israeli Labor Party leadership election",
                               dates=[date(2002, 11, 19)], office="Leader",
                               party="Israeli Labor Party", before="Binyamin Ben-Eliezer")
    seed = article.parse(seeds[2002][1])
    assert [(c.name, c.votes) for c in made.candidates] == [
        (c.name, c.votes) for c in seed.candidates]
    assert made.turnout == seed.turnout == "59.5%"
    assert (made.after, made.slug, made.registered) == ("Amram Mitzna", "labor-2002", "112,640")
    assert made.tables()[0].total == "66,220"
    text = article.write(made)
    assert "- Popular Vote1: 35,945" in text and "- Turnout: 59.5%" in text
    assert article.parse(text) == made

    r2003 = {"election": "labor-2003", "registered": 2471, "turnout": "52.0", "valid": 1271,
             "candidates": [{"name": "Shimon Peres", "votes": 631, "percentage": "49.65"},
                            {"name": "Efraim Sneh", "votes": 359, "percentage": "28.25"},
                            {"name": "Danny Atar", "votes": 281, "percentage": "22.11"}],
             "winner": "Shimon Peres"}
    made = article.from_result(r2003, title="2003 Israeli Labor Party interim leadership election",
                               dates=[date(2003, 6, 19)], office="Leader",
                               after="Shimon Peres (interim)")
    seed = article.parse(seeds[2003][1])
    assert [(c.name, c.votes, c.percentage) for c in made.candidates] == [
        (c.name, c.votes, c.percentage) for c in seed.candidates]
    # hustings publishes turnout at one decimal; the article rounds it to "52%"
    assert made.turnout == "52.0%" and float(made.turnout[:-1]) == float(seed.turnout[:-1])
    assert number(made.tables()[0].total) == 1271


# -- bad input: one test per case, each naming the line ------------------------------------------


def _problems(text: str) -> list[tuple[int | None, str]]:
    with pytest.raises(InvalidInput) as caught:
        article.parse(text, "bad.txt")
    assert all(p.source == "bad.txt" for p in caught.value.problems)
    return [(p.line, p.message) for p in caught.value.problems]


def test_missing_title_line() -> None:
    [(line, message)] = _problems("\n\nInfobox\n- Title: Leader\n")
    assert line == 3 and "title line" in message


def test_empty_file() -> None:
    [(line, _)] = _problems("")
    assert line == 1


def test_broken_infobox_line() -> None:
    [(line, message)] = _problems("= T =\n\nInfobox\n- Title: Leader\nCandidate1 Ann\n")
    assert line == 5 and "broken Infobox line" in message


def test_infobox_line_without_colon() -> None:
    [(line, _)] = _problems("= T =\n\nInfobox\n- Title Leader\n")
    assert line == 4


def test_duplicate_infobox_key() -> None:
    [(line, message)] = _problems("= T =\n\nInfobox\n- Title: Leader\n- Title: Chair\n")
    assert line == 5 and "duplicate" in message and "line 4" in message


def test_infobox_votes_not_a_number() -> None:
    [(line, message)] = _problems("= T =\n\nInfobox\n- Candidate1: A\n- Popular Vote1: 12x\n")
    assert line == 5 and "not a number" in message


def test_infobox_percentage_and_turnout_not_numbers() -> None:
    found = _problems("= T =\n\nInfobox\n- Turnout: most\n- Candidate1: A\n"
                      "- Percentage1: 4,5.1%\n")
    assert [line for line, _ in found] == [4, 6]


def test_registered_not_a_number() -> None:
    [(line, _)] = _problems("= T =\n\nInfobox\n- Registered: 1.5\n")
    assert line == 4


def test_bad_election_date() -> None:
    [(line, message)] = _problems("= T =\n\nInfobox\n- Election Date: 31 Smarch 2002\n")
    assert line == 4 and "Election Date" in message


def test_impossible_election_date() -> None:
    [(line, _)] = _problems("= T =\n\nInfobox\n- Election Date: 30 February 2002\n")
    assert line == 4


def test_numbered_keys_without_a_candidate() -> None:
    [(line, message)] = _problems("= T =\n\nInfobox\n- Popular Vote2: 5\n- Party2: X\n")
    assert line == 4 and "Candidate2" in message


def test_results_row_votes_not_a_number() -> None:
    [(line, message)] = _problems("= T =\n\n== Results ==\n- Ann (P): 1O0 votes\n")
    assert line == 4 and "'1O0' is not a number" in message


def test_total_not_a_number() -> None:
    [(line, message)] = _problems("= T =\n\n== Results ==\nTotal: lots votes\n")
    assert line == 4 and "not a number" in message


def test_second_title_line() -> None:
    [(line, _)] = _problems("= T =\n\nText.\n= Another =\n")
    assert line == 4


def test_every_problem_is_reported_at_once() -> None:
    found = _problems("= T =\n\nInfobox\n- A: 1\n- A: 2\nbroken\n\n- X (P): y votes\n")
    assert [line for line, _ in found] == [5, 6, 8]


def test_the_documented_example_parses_and_checks_clean() -> None:
    doc = Path(__file__).resolve().parents[2] / "docs" / "formats" / "article.md"
    example = doc.read_text(encoding="utf-8").split("```text\n", 1)[1].split("```", 1)[0]
    record = article.parse(example)
    assert record.candidates[0].percentage == "63.74%"
    assert check([("example.txt", example)]) == []
