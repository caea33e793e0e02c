"""Domain behaviour the other tests reach only through the services, checked directly."""

from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction

from hustings.domain.audit import entry_bytes, entry_hash, sha256_hex
from hustings.domain.double_entry import (
    BatchEntry,
    SheetEntry,
    reconcile,
    reconcile_batches,
)
from hustings.domain.election import (
    Candidate,
    CandidateStatus,
    Election,
    ElectionKind,
    Section,
    Timetable,
)
from hustings.domain.eligibility import EligibilityRule
from hustings.domain.errors import InvalidInput, Problem
from hustings.domain.polling import BallotBatch, TallySheet, batch_differences

AT = datetime(2026, 1, 1, 12, 0)


def test_entry_hash_is_sha256_of_the_entry_bytes() -> None:
    data = entry_bytes(3, AT, "ann", "x.y", "{}", "0" * 64, 2, "k")
    assert entry_hash(3, AT, "ann", "x.y", "{}", "0" * 64, 2, "k") == sha256_hex(data)
    assert entry_hash(3, AT, "ann", "x.y", "{}", "0" * 64, 1, "k") != sha256_hex(data)


def _sheet(votes: int) -> TallySheet:
    return TallySheet("initial", "N", 10, 9, {"ann": votes, "bob": 9 - votes})


def test_one_entry_suffices_when_one_is_required() -> None:
    first = SheetEntry(1, _sheet(8), "clerk-a", AT)
    later = SheetEntry(2, _sheet(7), "clerk-b", datetime(2026, 1, 1, 13, 0))
    settled = reconcile([first, later], required=1)
    assert settled.accepted == _sheet(7) and settled.clerks == ("clerk-b",)
    assert settled.status == "accepted"
    assert reconcile([], required=1).status == "awaiting second entry"


def _batch(rows: bytes, counts: tuple[int, ...], sets: tuple[tuple[int, ...], ...] = ()
           ) -> BallotBatch:
    return BallotBatch("initial", "N", ("ann", "bob", "cat"), 2, rows, counts, sets)


def _rows(*rankings: tuple[int, int]) -> bytes:
    import struct

    return b"".join(struct.pack("<2i", *r) for r in rankings)


def test_one_import_suffices_when_one_is_required() -> None:
    batch = _batch(_rows((0, 1)), (5,))
    settled = reconcile_batches([BatchEntry(1, batch, "clerk-a", AT)], required=1)
    assert settled.accepted == batch and settled.ballots == (5,)
    assert settled.status == "accepted"


def test_batch_differences_name_overvotes_write_ins_and_blanks() -> None:
    # -10: the overvote of set 0 (ann = cat); -3 a write-in; -1 nothing marked
    a = _batch(_rows((-10, 1), (-3, -1), (-1, -1)), (2, 1, 4), ((0, 2),))
    b = _batch(_rows((-10, 1), (-3, -1), (-2, -1)), (1, 1, 4), ((0, 2),))
    assert batch_differences(a, b) == [("(ann = cat) > bob", 2, 1),
                                       ("(blank)", 4, 0), ("overvote", 0, 4)]


def test_sections_and_candidates_are_found_by_key_or_not_at_all() -> None:
    north = Section("north", "North", "members-north", Fraction(1, 2))
    ann = Candidate("ann", "Ann Able", "ABLE, Ann")
    bob = Candidate("bob", "Bob Baker", "BAKER, Bob", status=CandidateStatus.WITHDRAWN)
    election = Election("e", "E", "org", "chair", ElectionKind.REGULAR, "members",
                        EligibilityRule(date(2026, 1, 1)), "plurality", Timetable(),
                        (ann, bob), sections=(north,))
    assert election.section("north") is north and election.section("south") is None
    assert election.candidate("ABLE, Ann") is ann and election.candidate("Ann Able") is ann
    assert election.candidate("nobody") is None
    assert election.on_ballot == (ann,)


def test_an_eligibility_rule_says_what_it_asks() -> None:
    cutoff = date(2026, 3, 1)
    assert EligibilityRule(cutoff, 6).describe() == \
        "in good standing and a member for at least 6 months before 2026-03-01"
    assert EligibilityRule(cutoff, 0, False).describe() == "a member on 2026-03-01"


def test_an_input_error_from_a_message_is_one_problem() -> None:
    error = InvalidInput("the file is empty")
    assert error.problems == [Problem("the file is empty")]


def test_record_fields_that_do_not_parse_stay_as_written() -> None:
    from hustings.domain.record import HolderMention, TenureKind, _period, parse_holders

    assert _period("Smarch 2001 – May 2003") is None  # not a month: no period at all
    assert _period("January 2001 – May 2003") == ((2001, 1), (2003, 5))
    # an unclosed note: the whole text is the name, elected
    assert parse_holders("Ann Able (interim") == [HolderMention("Ann Able (interim",
                                                                TenureKind.ELECTED)]


def test_a_vacancy_before_the_first_election_keeps_its_last_holder() -> None:
    from hustings.domain.record import HolderMention, Tenure, TenureKind, _apply_before

    chain: list[Tenure] = []
    _apply_before(chain, "chair", [HolderMention(None, TenureKind.ELECTED,
                                                 most_recently="Bob Baker")])
    assert chain == [Tenure("chair", "Bob Baker", TenureKind.ELECTED, None, None, None),
                     Tenure("chair", None, TenureKind.VACANT, None, None, None)]


def test_the_final_tally_is_the_last_table_with_figures() -> None:
    from hustings.domain.record import (
        RecordedCandidate,
        RecordedElection,
        ResultRow,
        ResultsTable,
        Section,
        final_tally,
    )

    first = ResultsTable("First round", (ResultRow("Ann", "", "10"), ResultRow("Bob", "", "20")))
    runoff = ResultsTable("Runoff", (ResultRow("Bob", "", "12,000"), ResultRow("Ann", "", "15")))
    empty = ResultsTable("Notes", (ResultRow("Cat", "", "n/a"),))
    election = RecordedElection("T", "t", candidates=(RecordedCandidate("Ann", votes="1"),),
                                sections=(Section("", 1, (first, runoff, empty)),))
    assert final_tally(election) == [("Bob", 12000), ("Ann", 15)]
    no_tables = RecordedElection("T", "t", candidates=(RecordedCandidate("Ann", votes="1"),))
    assert final_tally(no_tables) == [("Ann", 1)]


def test_a_holder_chosen_in_an_interim_election_holds_an_interim_tenure() -> None:
    from hustings.domain.record import (
        PollDate,
        RecordedElection,
        TenureKind,
        tenures_from_elections,
    )

    interim = RecordedElection("2005 interim leadership election", "i", office="Leader",
                               dates=(PollDate(date(2005, 3, 1)),), after="Ann Able")
    [tenure] = tenures_from_elections([interim])
    assert tenure.holder == "Ann Able" and tenure.kind is TenureKind.INTERIM
    assert tenure.start == date(2005, 3, 1)
