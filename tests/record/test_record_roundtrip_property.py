"""Round trips on generated records: article, wikitext, JSON and TOML give back what they got."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from hustings.domain.record import (
    Paragraph,
    PollDate,
    RecordedCandidate,
    RecordedElection,
    ResultRow,
    ResultsTable,
    Section,
    grouped,
)
from hustings.formats import article, record_native, wikitext

# Words that cannot be mistaken for markup: letters, digits and a little punctuation.
WORD = st.text(alphabet="abcXYZéש019.'&", min_size=1, max_size=8)
TEXT = st.lists(WORD, min_size=1, max_size=4).map(" ".join)
OPTIONAL = st.one_of(st.just(""), TEXT)
VOTES = st.integers(0, 10**7).map(grouped)
POLL = st.builds(PollDate, st.dates(date(1900, 1, 1), date(2100, 1, 1)), OPTIONAL)
CANDIDATE = st.builds(RecordedCandidate, TEXT, OPTIONAL, OPTIONAL,
                      st.one_of(st.just(""), VOTES),
                      st.one_of(st.just(""), st.decimals(0, 100, places=2).map(lambda d: f"{d}%")))
TABLE = st.builds(ResultsTable, OPTIONAL,
                  st.lists(st.builds(ResultRow, TEXT, OPTIONAL, VOTES), max_size=3).map(tuple),
                  st.one_of(st.just(""), VOTES)
                  ).filter(lambda t: bool(t.caption or t.rows or t.total))
PARAGRAPH = st.lists(TEXT, min_size=1, max_size=3).map(lambda ls: Paragraph("\n".join(ls)))


def _separable(blocks: tuple[Paragraph | ResultsTable, ...]) -> bool:
    """The article format's one ambiguity: a table without a Total runs on into a table that
    follows it directly (blank lines may sit inside a table). Documented in docs/formats."""
    return not any(isinstance(a, ResultsTable) and isinstance(b, ResultsTable) and not a.total
                   for a, b in zip(blocks, blocks[1:], strict=False))


SECTION = st.builds(Section, TEXT, st.integers(2, 6),
                    st.lists(st.one_of(PARAGRAPH, TABLE), max_size=3).map(tuple
                                                                         ).filter(_separable))
LEAD = st.lists(PARAGRAPH, min_size=1, max_size=2).map(lambda ps: Section("", 1, tuple(ps)))
EXTRA_KEY = st.text(alphabet="abcdefXYZ ", min_size=1, max_size=10).map(str.strip).filter(
    lambda k: bool(k) and k[-1].isalpha() and k not in article.SCALAR_KEYS)


@st.composite
def records(draw: st.DrawFn) -> RecordedElection:
    title = draw(TEXT)
    lead = draw(st.lists(LEAD, max_size=1))
    return RecordedElection(
        title=title, slug=draw(st.one_of(st.just(title.casefold().replace(" ", "-")),
                                         st.from_regex(r"[a-z0-9]+(-[a-z0-9]+)*", fullmatch=True))),
        name=draw(OPTIONAL), office=draw(OPTIONAL),
        dates=tuple(draw(st.lists(POLL, max_size=3))), electorate=draw(OPTIONAL),
        registered=draw(st.one_of(st.just(""), VOTES)),
        turnout=draw(st.sampled_from(["", "59.5%", "52%"])),
        candidates=tuple(draw(st.lists(CANDIDATE, max_size=4))),
        before=draw(OPTIONAL), after=draw(OPTIONAL), previous_election=draw(OPTIONAL),
        next_election=draw(OPTIONAL),
        sections=tuple(lead + draw(st.lists(SECTION, max_size=3))),
        extra=draw(st.dictionaries(EXTRA_KEY, OPTIONAL, max_size=3)))


@settings(max_examples=150, deadline=None)
@given(records())
def test_every_format_round_trips(record: RecordedElection) -> None:
    assert article.parse(article.write(record)) == record
    assert wikitext.parse(wikitext.write(record)) == record
    assert record_native.from_json(record_native.to_json(record)) == record
    assert record_native.from_toml(record_native.to_toml(record)) == record
