"""The record consistency checker: the seeds' contradictions, and each check on small articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from hustings.domain.errors import InvalidInput
from hustings.services.record_check import Finding, ProseDate, Severity, check, prose_dates

ERR, UNV, WARN = Severity.ERROR, Severity.UNVERIFIABLE, Severity.WARNING


def _seed_findings(seeds: dict[int, tuple[str, str]], *years: int) -> list[Finding]:
    return check([seeds[y] for y in years])


def test_the_seeds_give_exactly_the_four_known_disagreements(
        seeds: dict[int, tuple[str, str]]) -> None:
    found = _seed_findings(seeds, 2001, 2002, 2003)
    f2001, f2002, f2003 = seeds[2001][0], seeds[2002][0], seeds[2003][0]
    assert [(f.file, f.line, f.severity) for f in found] == [
        (f2001, 35, UNV), (f2002, 18, ERR), (f2002, 51, ERR), (f2003, 48, ERR)]


def test_2002_infobox_date_against_the_text(seeds: dict[int, tuple[str, str]]) -> None:
    [f] = [f for f in _seed_findings(seeds, 2002) if f.line == 18]
    assert "20 November 2002" in f.message and "19 November 2002" in f.message
    assert "lines 30, 33" in f.message


def test_2003_total_against_the_candidates_votes(seeds: dict[int, tuple[str, str]]) -> None:
    [f] = _seed_findings(seeds, 2003)
    assert (f.line, f.severity) == (48, ERR)
    assert "Total: 1 votes" in f.message and "1,271" in f.message


def test_2002_resignation_dated_after_the_2003_election(
        seeds: dict[int, tuple[str, str]]) -> None:
    alone = _seed_findings(seeds, 2002)
    assert [f.line for f in alone] == [18]  # needs the 2003 article to see it
    [f] = [f for f in _seed_findings(seeds, 2003, 2002) if f.line == 51]
    assert f.file == seeds[2002][0] and f.severity is ERR
    assert "May 2005" in f.message and "19 June 2003" in f.message
    assert "most recently Amram Mitzna" in f.message and seeds[2003][0] in f.message


def test_2001_margin_is_unverifiable_not_an_error(seeds: dict[int, tuple[str, str]]) -> None:
    [f] = _seed_findings(seeds, 2001)
    assert (f.line, f.severity) == (35, UNV)
    assert "1,088" in f.message and "September" in f.message
    assert str(f) == f"{seeds[2001][0]}:35: unverifiable: {f.message}"


def test_files_not_known_to_be_consecutive_are_not_chained(
        seeds: dict[int, tuple[str, str]]) -> None:
    # 2001 then 2003: each names 2002 as its neighbour, so no Before/After comparison
    assert [(f.line, f.severity) for f in _seed_findings(seeds, 2001, 2003)] == [
        (35, UNV), (48, ERR)]


# -- each check on small articles ----------------------------------------------------------------


def art(title: str, infobox: dict[str, str], body: str = "") -> str:
    lines = [f"= {title} =", "", "Infobox"] + [f"- {k}: {v}" for k, v in infobox.items()]
    return "\n".join(lines) + "\n\n" + body


def one(title: str, infobox: dict[str, str], body: str = "") -> list[tuple[int, Severity, str]]:
    return [(f.line, f.severity, f.message) for f in check([("a.txt", art(title, infobox, body))])]


def test_percentages_must_match_the_votes_at_the_published_decimals() -> None:
    found = one("2010 X", {"Candidate1": "A", "Popular Vote1": "2", "Percentage1": "66.67%",
                           "Candidate2": "B", "Popular Vote2": "1", "Percentage2": "33.4%"})
    [(line, severity, message)] = found
    assert (line, severity) == (9, ERR)
    assert "Percentage2 33.4%" in message and "33.3%" in message


def test_percentages_are_not_checked_when_some_votes_are_missing() -> None:
    assert one("2010 X", {"Candidate1": "A", "Percentage1": "60%", "Candidate2": "B",
                          "Popular Vote2": "1", "Percentage2": "40%"}) == []


def test_a_total_that_is_not_the_sum_of_its_rows() -> None:
    body = "== Results ==\n- A (P): 1,000 votes\n- B (P): 500 votes\nTotal: 1,600 votes\n"
    [(line, severity, message)] = one("2010 X", {"Title": "Leader"}, body)
    assert (line, severity) == (9, ERR) and "1,500" in message


def test_rows_against_the_infobox() -> None:
    body = "== Results ==\n- A (P): 1,000 votes\n- C (P): 5 votes\n"
    found = one("2010 X", {"Candidate1": "A", "Popular Vote1": "999"}, body)
    assert [(line, severity) for line, severity, _ in found] == [(8, ERR), (9, WARN)]
    assert "999 in the Infobox (line 5)" in found[0][2]


def test_a_margin_with_figures_is_checked() -> None:
    body = ("== Results ==\nA beat B by 400 votes.\n\n- A (P): 1,000 votes\n"
            "- B (P): 500 votes\n")
    [(line, severity, message)] = one("2010 X", {"Title": "Leader"}, body)
    assert (line, severity) == (7, ERR) and "500" in message
    right = body.replace("400", "500")
    assert one("2010 X", {"Title": "Leader"}, right) == []


def test_a_margin_in_the_lead_uses_the_infobox() -> None:
    info = {"Candidate1": "A", "Popular Vote1": "10", "Candidate2": "B", "Popular Vote2": "4"}
    assert one("2010 X", info, "A won by a margin of 6 votes.\n") == []
    [(line, severity, _)] = one("2010 X", info, "A won by a margin of 7 votes.\n")
    assert (line, severity) == (9, ERR)


def test_the_election_date_against_the_text() -> None:
    info = {"Election Date": "4 September 2001 (first), 26 December 2001 (redo)"}
    fine = "It was held on 4 September 2001. Precincts were voting again on 26 December.\n"
    assert one("2001 X", info, fine) == []
    wrong = "The leadership election was held on 5 September 2001.\n"
    [(line, severity, message)] = one("2001 X", info, wrong)
    assert (line, severity) == (4, ERR) and "5 September 2001 (line 6)" in message


def test_dates_of_other_elections_and_events_are_not_the_vote() -> None:
    info = {"Election Date": "19 June 2003"}
    body = ("The leadership vote followed the legislative election held on 28 January 2003.\n"
            "On 1 May 2003, Mitzna spoke.\n")
    assert one("2003 X", info, body) == []


def test_years_in_the_infobox_and_the_title() -> None:
    info = {"Election Date": "1 May 2011", "Next Election": "2014 X", "Next Year": "2015",
            "Previous Election": "2006 X", "Previous Year": "2006", "Election Name": "Other"}
    found = one("2010 X", info)
    assert [(line, severity) for line, severity, _ in found] == [
        (4, ERR), (6, ERR), (9, WARN)]


def test_after_election_periods_start_at_a_poll() -> None:
    info = {"Election Date": "4 September 2001", "After Election": "A (October 2001 - )"}
    [(line, severity, message)] = one("2001 X", info)
    assert (line, severity) == (5, WARN) and "October 2001" in message


def chain(*articles: tuple[str, dict[str, str], str]) -> list[Finding]:
    return check([(f"{i}.txt", art(*a)) for i, a in enumerate(articles)])


def test_before_election_contradicting_the_previous_after_election() -> None:
    a = ("1990 X", {"Title": "Chair", "Election Date": "1 May 1990", "After Election": "Ann",
                    "Next Election": "1995 X"}, "")
    b = ("1995 X", {"Title": "Chair", "Election Date": "1 May 1995", "Before Election": "Bob"},
         "")
    [f] = chain(a, b)
    assert (f.file, f.line, f.severity) == ("1.txt", 6, ERR)
    assert "names Bob" in f.message and "left Ann as Chair" in f.message


def test_next_and_previous_election_against_the_dates() -> None:
    a = ("1990 X", {"Title": "Chair", "Election Date": "1 May 1990", "Next Election": "1999 X"},
         "")
    b = ("1995 X", {"Title": "Chair", "Election Date": "1 May 1995",
                    "Previous Election": "1990 X"}, "")
    c = ("1999 X", {"Title": "Chair", "Election Date": "1 May 1999",
                    "Previous Election": "1990 X"}, "")
    found = [(f.file, f.line, f.severity) for f in chain(a, b, c)]
    assert found == [("0.txt", 6, ERR), ("2.txt", 6, ERR)]
    d = ("1995 X", {**b[1], "Previous Election": "1990 X"}, "")
    a_other = ("1990 X", {**a[1], "Next Election": "1996 Y"}, "")
    [f] = chain(a_other, d)  # linked by d's Previous Election; a names an unknown election
    assert (f.file, f.line) == ("0.txt", 6) and "names this election as its previous" in f.message


def test_a_departure_after_the_next_election() -> None:
    a = ("1990 X", {"Title": "Chair", "Election Date": "1 May 1990", "After Election": "Ann Lee",
                    "Next Election": "1995 X"},
         "Lee resigned on 3 March 1996.\n\nLee was born on 3 March 1950.\n")
    b = ("1995 X", {"Title": "Chair", "Election Date": "1 May 1995",
                    "Before Election": "Vacant, (most recently Ann Lee)", "After Election": "Bob"},
         "")
    [f] = chain(b, a)
    assert (f.file, f.line) == ("1.txt", 9) and "3 March 1996" in f.message
    b_re_elected = (b[0], {**b[1], "After Election": "Ann Lee"}, "")
    assert chain(a, b_re_elected) == []


def test_unreadable_files_are_reported_together() -> None:
    with pytest.raises(InvalidInput) as caught:
        check([("a.txt", "no title\n"), ("b.txt", "= T =\n\nInfobox\n- A: 1\n- A: 2\n"),
               ("c.txt", "= Fine =\n")])
    assert [(p.source, p.line) for p in caught.value.problems] == [("a.txt", 1), ("b.txt", 5)]


def test_prose_dates() -> None:
    assert prose_dates("held on 19 November 2002, and in May 2005", None) == [
        ProseDate(2002, 11, 19, True), ProseDate(2005, 5, None, False)]
    assert prose_dates("on 26 December", 2001) == [ProseDate(2001, 12, 26, True, True)]
    assert prose_dates("on 26 December", None) == []
    assert prose_dates("In May 2002 X; on 19 November.", 1999)[1] == ProseDate(
        1999, 11, 19, True, True)
    assert prose_dates("5 November 2002, then 12 November", None)[1].year == 2002
    assert prose_dates("November 20, 2002", None) == [ProseDate(2002, 11, 20, False)]
    assert prose_dates("31 February 2002 and 1984–1986", None) == []
    assert str(ProseDate(2005, 5, None, False)) == "May 2005"
    assert ProseDate(2004, 2, None, False).last.day == 29


def test_docs_show_the_checkers_real_output_on_the_seeds(
        seeds: dict[int, tuple[str, str]]) -> None:
    doc = Path(__file__).resolve().parents[2] / "docs" / "record.md"
    shown = doc.read_text(encoding="utf-8").split("```text\n", 1)[1].split("```", 1)[0]
    assert shown.splitlines() == [str(f) for f in _seed_findings(seeds, 2001, 2002, 2003)]


def test_a_day_without_a_year_takes_the_year_of_the_line() -> None:
    info = {"Election Date": "2 January 2011"}
    body = "Talks began on 5 December 2010. The leadership election was held on 2 January.\n"
    assert one("2011 X", info, body) == []
    body = "Talks began on 5 December 2010. The leadership election was held on 3 January.\n"
    [(_, _, message)] = one("2011 X", info, body)
    assert "3 January 2011" in message  # no year given: reported in the election's year
