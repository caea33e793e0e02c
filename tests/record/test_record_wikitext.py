"""MediaWiki wikitext export: the templates written, round trips, bad input."""

from __future__ import annotations

from datetime import date

import pytest

from hustings.domain.errors import InvalidInput
from hustings.domain.record import PollDate, RecordedElection, ResultsTable, Section
from hustings.formats import article, wikitext


@pytest.mark.parametrize("year", [2001, 2002, 2003])
def test_seed_round_trips_through_wikitext(seeds: dict[int, tuple[str, str]], year: int) -> None:
    record = article.parse(seeds[year][1])
    assert wikitext.parse(wikitext.write(record)) == record


def test_the_templates_written(seeds: dict[int, tuple[str, str]]) -> None:
    text = wikitext.write(article.parse(seeds[2001][1]))
    assert text.startswith("{{DISPLAYTITLE:2001 Israeli Labor Party leadership election}}\n"
                           "{{Infobox election\n")
    assert "| election_date = 4 September 2001 (Initial vote), 26 December 2001 (redo in " \
           "select precincts)\n" in text
    assert "| before_election = Ehud Barak\n" in text
    assert "| previous_year = 1997\n" in text  # unknown keys are kept as parameters
    assert "{{Election box begin |title=2001 Israeli Labor Party leadership election}}\n" \
           "{{Election box candidate\n |party      = Israeli Labor\n" \
           " |candidate  = Binyamin Ben-Eliezer\n |votes      = 32,910\n" in text
    assert text.rstrip().endswith("{{Election box end}}")
    total = wikitext.write(article.parse(seeds[2003][1]))
    assert "{{Election box total\n |votes      = 1\n" in total


def test_odd_keys_slugs_and_pipes_survive() -> None:
    record = RecordedElection(
        title="T", slug="not-t", name="a | b", dates=(PollDate(date(2000, 1, 2)),),
        extra={"URL": "x", "Next Year": "2005", "odd key": "y", "a": "", "x=y|z": "w"},
        sections=(Section("R", 3, (ResultsTable(caption="", total="3"),)),))
    text = wikitext.write(record)
    assert "<!-- hustings-slug: not-t -->" in text
    assert "<!-- hustings-raw-key -->\n| URL = x" in text and "| next_year = 2005" in text
    assert "a {{!}} b" in text
    assert wikitext.parse(text) == record


def test_param_names() -> None:
    assert wikitext.param_name("Popular Vote1") == "popular_vote1"
    assert wikitext.key_name("popular_vote1") == "Popular Vote1"


def _problem_lines(text: str) -> list[int | None]:
    with pytest.raises(InvalidInput) as caught:
        wikitext.parse(text, "bad.wiki")
    return [p.line for p in caught.value.problems]


def test_missing_displaytitle() -> None:
    assert _problem_lines("{{Infobox election\n}}\n") == [1]


def test_broken_infobox_parameter() -> None:
    assert _problem_lines("{{DISPLAYTITLE:T}}\n{{Infobox election\n| title = L\nnonsense\n}}\n"
                          ) == [4]


def test_unclosed_infobox() -> None:
    assert _problem_lines("{{DISPLAYTITLE:T}}\n{{Infobox election\n| title = L\n") == [3]


def test_infobox_votes_not_a_number() -> None:
    assert _problem_lines("{{DISPLAYTITLE:T}}\n{{Infobox election\n| candidate1 = A\n"
                          "| popular_vote1 = many\n}}\n") == [4]


def test_election_box_votes_not_a_number() -> None:
    text = ("{{DISPLAYTITLE:T}}\n\n{{Election box begin |title=C}}\n{{Election box candidate\n"
            " |party = P\n |candidate = A\n |votes = x1\n}}\n{{Election box end}}\n")
    assert _problem_lines(text) == [7]


def test_unclosed_election_box() -> None:
    text = "{{DISPLAYTITLE:T}}\n\n{{Election box begin |title=C}}\n{{Election box total\n" \
           " |votes = 1\n}}\n"
    assert _problem_lines(text) == [6]


def test_unknown_template_in_an_election_box() -> None:
    text = "{{DISPLAYTITLE:T}}\n\n{{Election box begin |title=C}}\n{{Election box majority\n" \
           "{{Election box end}}\n"
    assert _problem_lines(text) == [4]


def test_election_boxes_carry_percentages(seeds: dict[int, tuple[str, str]]) -> None:
    """Published percentages where the record has them, else each candidate's share of the
    table's votes (2001's December table); a total that is not the rows' sum gets none."""
    text = wikitext.write(article.parse(seeds[2001][1]))
    assert " |candidate  = Binyamin Ben-Eliezer\n |votes      = 32,910\n" \
           " |percentage = 52.01%\n" in text
    assert " |candidate  = Avraham Burg\n |votes      = 30,367\n" \
           " |percentage = 47.99%\n" in text
    text = wikitext.write(article.parse(seeds[2003][1]))  # the seed's box: "Total: 1 votes"
    assert "{{Election box total\n |votes      = 1\n |percentage =\n" in text
