"""Hand-checked worked examples, one or more per method (the same as in docs/rules/)."""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from hustings.counting import count_college, count_points
from hustings.counting.profile import Profile
from hustings.counting.registry import get_method
from hustings.domain.errors import InvalidInput
from tests.counting.examples import FOUR, STV_EXAMPLE


def tallies(outcome):  # noqa: ANN001, ANN201
    return [r.tallies for r in outcome.rounds]


def test_plurality() -> None:
    o = get_method("plurality").count(FOUR)
    assert o.winners == ("Alice",)
    assert tallies(o) == [{"Alice": 8, "Bob": 6, "Carol": 5, "Dan": 0 + 2}]


def test_vote_for_two() -> None:
    o = get_method("plurality").count(FOUR, 2)
    # each ballot's first two marks: A 8, B 8+6+5, C 6+5+2, D 2
    assert tallies(o) == [{"Alice": 8, "Bob": 19, "Carol": 13, "Dan": 2}]
    assert o.winners == ("Bob", "Carol")
    o = get_method("plurality").count(FOUR, 2, {"too_many_marks": "invalid"})
    assert tallies(o) == [{"Alice": 0, "Bob": 0, "Carol": 2, "Dan": 2}]
    assert o.rounds[0].exhausted == 19


def test_two_round_names_the_runoff_pair() -> None:
    o = get_method("two-round").count(FOUR)
    assert o.winners == ()
    assert o.extras["runoff"] == ["Alice", "Bob"]
    assert o.rounds[0].threshold == F(84, 10)  # 40% of 21


def test_two_round_outright_and_simulated() -> None:
    assert get_method("two-round").count(FOUR, 1, {"threshold": 38}).winners == ("Alice",)
    assert get_method("two-round").count(
        FOUR, 1, {"threshold": F(800, 21), "comparison": "more-than"}).winners == ()
    o = get_method("two-round").count(FOUR, 1, {"simulate_runoff": True})
    assert o.winners == ("Bob",)
    assert o.rounds[1].tallies == {"Alice": 8, "Bob": 11}
    assert o.rounds[1].exhausted == 2
    o = get_method("two-round").count(FOUR, 1, {"threshold": 40, "denominator": "ballots-cast"})
    assert o.winners == ()


def test_irv() -> None:
    o = get_method("irv").count(FOUR)
    assert tallies(o) == [
        {"Alice": 8, "Bob": 6, "Carol": 5, "Dan": 2},
        {"Alice": 8, "Bob": 6, "Carol": 7},
        {"Alice": 8, "Carol": 13},
    ]
    assert o.winners == ("Carol",)
    assert o.rounds[0].transfers == {"Dan": {"Carol": 2}}
    assert o.rounds[1].transfers == {"Bob": {"Carol": 6}}
    assert [r.threshold for r in o.rounds] == [11, 11, 11]
    assert o.ties == ()
    assert o.explain()[-1].startswith("Carol wins by instant runoff after 3 rounds")


def test_irv_batch_elimination_and_continue_until_two() -> None:
    o = get_method("irv").count(FOUR, 1, {"batch_elimination": True})
    # Dan 2 + Carol 5 = 7 is not fewer than Bob's 6... only Dan alone: no batch of two
    assert o.rounds[0].eliminated == ("Dan",)
    p = Profile.from_ballots(["A", "B", "C", "D"], [[0], [1], [2, 1], [3, 1]], [10, 8, 2, 3])
    o = get_method("irv").count(p, 1, {"batch_elimination": True})
    assert o.rounds[0].eliminated == ("C", "D")  # 2 + 3 < 8
    assert o.winners == ("B",)
    p = Profile.from_ballots(["A", "B", "C"], [[0], [1], [2]], [6, 3, 1])
    assert len(get_method("irv").count(p).rounds) == 1
    o = get_method("irv").count(p, 1, {"continue_until_two": True})
    assert [len(r.tallies) for r in o.rounds] == [3, 2]
    assert o.winners == ("A",)


def test_irv_ballot_rules() -> None:
    ov, blank, wi = -2, -1, -3
    irv = get_method("irv")

    def first_round(ballots, **opts):  # noqa: ANN001, ANN003, ANN202
        p = Profile.from_ballots(["A", "B", "C"], ballots)
        return irv.count(p, 1, opts).rounds[0]

    assert first_round([[ov, 0]]).tallies == {"A": 0, "B": 0, "C": 0}
    assert first_round([[ov, 0]], overvote_rule="always-skip-to-next").tallies["A"] == 1
    assert first_round([[(1, 2), 0]], overvote_rule="exhaust-if-multiple").exhausted == 1
    assert first_round([[blank, blank, 0]], max_skipped_ranks=1).exhausted == 1
    assert first_round([[blank, 0]], max_skipped_ranks=1).tallies["A"] == 1
    assert first_round([[0, 1]], max_rankings=1).tallies == {"A": 1, "B": 0, "C": 0}
    r = first_round([[wi, 0], [1]])
    assert r.tallies == {"A": 0, "B": 1, "C": 0, "UWI": 1} and r.eliminated == ("UWI",)
    assert first_round([[wi, 0], [1]], write_ins="exhaust").exhausted == 1

    # exhaust-if-multiple: an overvote of B and C counts for C once B is out
    p = Profile.from_ballots(["A", "B", "C", "D"], [[0], [2], [1], [3, (1, 2)]], [3, 3, 1, 2])
    o = irv.count(p, 1, {"overvote_rule": "exhaust-if-multiple"})
    assert [r.eliminated for r in o.rounds[:2]] == [("B",), ("D",)]
    assert o.rounds[2].tallies == {"A": 3, "C": 5}
    assert irv.count(p).rounds[2].tallies == {"A": 3, "C": 3}
    # duplicates: after A goes, a repeated A is skipped (then B) or exhausts
    p = Profile.from_ballots(["A", "B", "C"], [[0, 0, 1], [1], [2]], [1, 2, 3])
    assert irv.count(p).rounds[1].tallies == {"B": 3, "C": 3}
    assert irv.count(p, 1, {"duplicates": "exhaust"}).rounds[1].tallies == {"B": 2, "C": 3}


def test_irv_ties_are_recorded_with_their_seed() -> None:
    p = Profile.from_ballots(["A", "B", "C"], [[0], [1], [2]], [2, 2, 3])
    o = get_method("irv").count(p, 1, {"tiebreak": "random", "seed": 42})
    assert o.ties[0].between == ("A", "B") and "seed 42" in o.ties[0].broken_by
    o = get_method("irv").count(p, 1, {"tiebreak": "permutation", "order": ["B", "A", "C"]})
    assert o.ties[0].chosen == "A" and o.ties[0].broken_by == "the given order"


def test_stv_wigm_exact() -> None:
    o = get_method("stv").count(STV_EXAMPLE, 2)
    assert o.rounds[0].threshold == 8
    assert tallies(o) == [
        {"Alice": 11, "Bob": 4, "Carol": 5, "Dan": 3},
        {"Alice": 8, "Bob": F(71, 11), "Carol": F(61, 11), "Dan": 3},
        {"Alice": 8, "Bob": F(71, 11), "Carol": F(94, 11)},
    ]
    assert o.rounds[0].transfers == {"Alice": {"Bob": F(27, 11), "Carol": F(6, 11)}}
    assert o.rounds[1].eliminated == ("Dan",)
    assert o.winners == ("Alice", "Carol")
    d = o.to_dict()
    assert d["rounds"][1]["tallies"]["Bob"] == "71/11"  # exact, not rounded (issue 13)
    assert d["decimals"] == 4 and d["rounds"][0]["transfers"]["Alice"]["Carol"] == "6/11"


def test_stv_scottish_truncates_to_five_places() -> None:
    o = get_method("stv").count(STV_EXAMPLE, 2, {"variant": "scottish"})
    assert o.rounds[1].tallies["Bob"] == F("6.45448")
    assert o.rounds[1].tallies["Carol"] == F("5.54544")
    assert o.extras["residual"][1] == "0.00008"
    assert o.winners == ("Alice", "Carol")


def test_stv_gregory_moves_only_the_last_parcel() -> None:
    # Carol reaches the quota on transfers from Dan: only Dan's parcel moves on
    p = Profile.from_ballots(["A", "B", "C", "D"], [[2, 1], [3, 2, 0], [1], [0]], [7, 3, 5, 6])
    o = get_method("stv").count(p, 2, {"variant": "gregory"})
    # quota 21//3+1 = 8; stage 1: A 6, B 5, C 7, D 3; D out -> C 10 (elected)
    assert o.rounds[1].tallies == {"A": 6, "B": 5, "C": 10}
    # surplus 2 from the last parcel (3 ballots D>C>A) at 2/3 each: A 6 + 2
    assert o.rounds[2].tallies == {"A": 8, "B": 5, "C": 8}
    assert o.winners == ("C", "A")
    wigm = get_method("stv").count(p, 2)
    # WIGM moves all 10 at 2/10: the 7 C>B go to B (1.4), the 3 D>C>A to A (0.6)
    assert wigm.rounds[2].tallies == {"A": F(66, 10), "B": F(64, 10), "C": 8}


def test_stv_meek() -> None:
    o = get_method("stv").count(STV_EXAMPLE, 2, {"variant": "meek"})
    assert o.winners == ("Alice", "Carol")
    assert o.extras["variant"] == "meek"


def test_stv_hare_and_fractional_quota() -> None:
    o = get_method("stv").count(STV_EXAMPLE, 2, {"quota": "hare"})
    assert o.rounds[0].threshold == 11
    o = get_method("stv").count(STV_EXAMPLE, 2, {"quota_rounding": "fractional"})
    assert o.rounds[0].threshold == F(23, 3)


def test_exhaustive() -> None:
    o = get_method("exhaustive").count(FOUR)
    assert o.winners == ("Carol",)
    assert len(o.rounds) == 3
    o = get_method("exhaustive").count(FOUR, 1, {"drop_below": 25})
    # under 25% of 21: Carol (5) and Dan (2) drop together; Bob 6+5=11 beats Alice 8
    assert o.rounds[0].eliminated == ("Carol", "Dan")
    assert o.winners == ("Bob",)


def test_approval_and_borda() -> None:
    o = get_method("approval").count(FOUR)
    assert tallies(o) == [{"Alice": 19, "Bob": 19, "Carol": 21, "Dan": 2}]
    assert o.winners == ("Carol",)
    o = get_method("borda").count(FOUR)
    assert tallies(o) == [{"Alice": 35, "Bob": 44, "Carol": 39, "Dan": 6}]
    assert o.winners == ("Bob",)
    o = get_method("borda").count(FOUR, 1, {"truncated": "averaged"})
    # a ballot ranking 3 gives the unranked the last point pool (0); D>C leaves 1+0 to share
    assert o.rounds[0].tallies["Alice"] == 35 + F(1, 2) * 2
    o = get_method("borda").count(FOUR, 1, {"points": "n"})
    assert o.rounds[0].tallies["Bob"] == 44 + 19


def test_condorcet_family() -> None:
    for name in ("schulze", "ranked-pairs", "copeland", "minimax"):
        o = get_method(name).count(FOUR)
        assert o.winners == ("Bob",), name
        assert o.extras["pairwise"]["Bob"] == {"Alice": 11, "Carol": 14, "Dan": 19}
        assert o.extras["pairwise"]["Alice"]["Bob"] == 8
    assert get_method("copeland").count(FOUR).rounds[0].tallies == {
        "Alice": 1, "Bob": 3, "Carol": 2, "Dan": 0}
    assert get_method("minimax").count(FOUR).rounds[0].tallies == {
        "Alice": 13, "Bob": 0, "Carol": 14, "Dan": 19}


def test_condorcet_cycle() -> None:
    # A>B 9-6, B>C 11-4... a rock-paper-scissors electorate
    p = Profile.from_ballots(["A", "B", "C"], [[0, 1, 2], [1, 2, 0], [2, 0, 1]], [5, 4, 3])
    for name in ("schulze", "ranked-pairs", "minimax"):
        assert get_method(name).count(p).winners == ("A",), name
    o = get_method("ranked-pairs").count(p)
    # A>B 8-4, B>C 9-3, C>A 7-5: lock B>C (9), A>B (8), skip C>A
    assert o.extras["pairwise"]["B"]["C"] == 9


def test_confirm() -> None:
    p = Profile.from_ballots(["A"], [[0], []], [6, 4])
    o = get_method("confirm").count(p)
    assert o.winners == ("A",) and o.rounds[0].tallies == {"yes": 6, "no": 4}
    assert get_method("confirm").count(p, 1, {"threshold": 60}).winners == ()
    assert get_method("confirm").count(
        p, 1, {"threshold": 60, "comparison": "at-least"}).winners == ("A",)


def test_college() -> None:
    names = ["A", "B", "C"]
    mps = Profile.from_ballots(names, [[0], [1], [2, 1]], [6, 3, 1])
    members = Profile.from_ballots(names, [[0], [1], [2, 0]], [20, 50, 30])
    o = count_college([("MPs", F(1), mps), ("Members", F(1), members)])
    assert tallies(o) == [{"A": 40, "B": 40, "C": 20}, {"A": 55, "B": 45}]
    assert o.winners == ("A",)
    same = get_method("college").count(mps, 1, {"sections": [
        {"name": "MPs", "weight": 1, "profile": mps},
        {"name": "Members", "weight": 1, "profile": members}]})
    assert same.to_dict() == o.to_dict()


def test_points() -> None:
    d1 = Profile.from_ballots(["A", "B"], [[0], [1]], [9, 1])
    d2 = Profile.from_ballots(["A", "B"], [[0], [1]], [1, 4])
    o = count_points([("d1", d1, 100), ("d2", d2, 300)])
    assert tallies(o) == [{"A": 110, "B": 90}] and o.winners == ("A",)
    o = count_points([("d1", d1, 100), ("d2", d2, 300)], {"scale_by_membership": True})
    assert tallies(o) == [{"A": 75, "B": 125}] and o.winners == ("B",)


def test_irv_rctab_round_structure() -> None:
    p = Profile.from_ballots(["A", "B", "C"], [[0], [1], [2]], [6, 3, 1])
    o = get_method("irv").count(p, 1, {"continue_until_two": True, "round_structure": "rctab"})
    # RCTab: A elected at the majority round (no elimination), then C out, then the last two
    assert tallies(o) == [{"A": 6, "B": 3, "C": 1}, {"A": 6, "B": 3, "C": 1}, {"A": 6, "B": 3}]
    assert [r.elected for r in o.rounds] == [("A",), (), ()]
    assert [r.eliminated for r in o.rounds] == [(), ("C",), ()]
    assert o.winners == ("A",)
    # a tie between the last two is broken for the win, in that round
    p = Profile.from_ballots(["A", "B", "C"], [[0], [1], [2, 0]], [2, 3, 1])
    o = get_method("irv").count(p, 1, {"round_structure": "rctab"})
    assert tallies(o)[-1] == {"A": 3, "B": 3} and o.rounds[-1].elected == ("B",)
    assert o.ties[0].purpose == "election" and o.ties[0].broken_by == "counts at round 1"
    assert len(get_method("irv").count(p).rounds) == 3  # standard: A eliminated, B alone


def test_irv_java_lots_follow_rctab() -> None:
    # three-way tie, RCTab's lot: java.util.Random(1).nextDouble() = 0.7308... -> index 2
    p = Profile.from_ballots(["Mookie", "Yinka", "George"], [[0], [1], [2]], [3, 3, 3])
    o = get_method("irv").count(p, 1, {"tiebreak": "random", "seed": 1, "lot": "java",
                                       "round_structure": "rctab"})
    assert o.rounds[0].eliminated == ("Yinka",)  # sorted: George, Mookie, Yinka
    assert o.winners == ("George",)  # then 0.4100... x 2 -> index 0 of George, Mookie
    assert "java.util.Random" in o.ties[0].broken_by


def test_stv_rctab() -> None:
    o = get_method("stv").count(STV_EXAMPLE, 2, {"variant": "rctab"})
    assert tallies(o) == [
        {"Alice": 11, "Bob": 4, "Carol": 5, "Dan": 3},
        {"Alice": 8, "Bob": F("6.4543"), "Carol": F("5.5454"), "Dan": 3},
        {"Alice": 8, "Bob": F("6.4543"), "Carol": F("8.5454")},
        {"Alice": 8, "Bob": F("6.4543"), "Carol": 8},
    ]
    assert [r.elected for r in o.rounds] == [("Alice",), (), ("Carol",), ()]
    assert [r.eliminated for r in o.rounds] == [(), ("Dan",), (), ()]
    assert o.rounds[0].threshold == 8 and o.winners == ("Alice", "Carol")
    # fraction 0.0638: 8 x 0.0638 + 2 x trunc(0.2727 x 0.0638) = 0.545, all of it inactive:
    # every seat is filled, so the last surplus goes to no one (RCTab's final round surplus;
    # Bob would have had 5 x 0.0638)
    assert o.rounds[2].transfers == {"Carol": {"exhausted": F("0.545")}}
    assert o.extras["residual"] == ["0", "0.0003", "0.0003", "0.0007"]


def test_stv_rctab_thresholds_and_write_ins() -> None:
    from hustings.counting.stv_rctab import rctab_threshold

    assert rctab_threshold(59463, 3, "droop", "whole", 4) == 14866
    assert rctab_threshold(59463, 3, "hare", "whole", 4) == 19821
    assert rctab_threshold(29, 3, "droop", "fractional", 4) == F("7.2501")
    assert rctab_threshold(29, 3, "hare", "fractional", 2) == F("9.67")
    wi = -3
    p = Profile.from_ballots(["A", "B", "C"], [[0], [1], [2], [wi, 1]], [6, 3, 2, 4])
    o = get_method("stv").count(p, 2, {"variant": "rctab", "write_ins": "eliminate-first"})
    assert tallies(o)[0] == {"A": 6, "B": 3, "C": 2, "UWI": 4}
    assert o.rounds[0].eliminated == ("UWI",) and o.rounds[0].elected == ()  # A has 6 >= 6
    assert o.rounds[1].elected == ("B", "A")  # B 3 + 4 from the write-ins, A 6: both >= 6


def test_irv_rctab_threshold_round_and_stop() -> None:
    p = Profile.from_ballots(["Ann", "Bob", "Cy", "Dee"], [[0], [1], [2], [3]], [7, 4, 2, 1])
    every = get_method("irv").count(p, 1, {"round_structure": "rctab"})
    assert [r.threshold for r in every.rounds] == [8, 7]
    assert [r.elected for r in every.rounds] == [(), ("Ann",)]
    first = get_method("irv").count(p, 1, {"round_structure": "rctab",
                                           "threshold_round": "first"})
    assert [r.threshold for r in first.rounds] == [8, 8, 8]
    assert [r.eliminated for r in first.rounds] == [("Dee",), ("Cy",), ()]
    assert tallies(first)[-1] == {"Ann": 7, "Bob": 4} and first.winners == ("Ann",)
    stopped = get_method("irv").count(p, 1, {"round_structure": "rctab",
                                             "stop_after_round": 1})
    assert len(stopped.rounds) == 1 and stopped.rounds[0].eliminated == ("Dee",)
    assert stopped.winners == () and "No one is elected" in stopped.summary[0]
    with pytest.raises(InvalidInput, match="round_structure=rctab"):
        get_method("irv").count(p, 1, {"stop_after_round": 1})


def test_irv_rctab_minimum_votes() -> None:
    p = Profile.from_ballots(["Ann", "Bob", "Cy", "Dee"], [[0], [1], [2], [3]], [7, 4, 2, 1])
    three = get_method("irv").count(p, 1, {"round_structure": "rctab", "minimum_votes": 3})
    assert [r.eliminated for r in three.rounds] == [("Cy", "Dee"), ()]
    assert [r.threshold for r in three.rounds] == [8, 6] and three.winners == ("Ann",)
    assert "fewer than the minimum of 3 votes" in " ".join(three.rounds[0].notes)
    five = get_method("irv").count(p, 1, {"round_structure": "rctab", "minimum_votes": 5})
    assert [r.eliminated for r in five.rounds] == [("Bob", "Cy", "Dee"), ()]
    assert [r.threshold for r in five.rounds] == [8, 5] and five.winners == ("Ann",)
    with pytest.raises(InvalidInput, match="minimum_votes is 8 and no candidate reaches it"):
        get_method("irv").count(p, 1, {"round_structure": "rctab", "minimum_votes": 8})
    with pytest.raises(InvalidInput, match="minimum_votes needs round_structure=rctab"):
        get_method("irv").count(p, 1, {"minimum_votes": 3})
    with pytest.raises(InvalidInput, match="minimum_votes must not be negative"):
        get_method("irv").count(p, 1, {"round_structure": "rctab", "minimum_votes": -1})


def test_stv_rctab_minimum_votes_and_stop() -> None:
    six = get_method("stv").count(STV_EXAMPLE, 2, {"variant": "rctab", "minimum_votes": 6})
    assert [r.elected for r in six.rounds] == [("Alice",), (), ("Bob",), ()]
    assert [r.eliminated for r in six.rounds] == [(), ("Carol", "Dan"), (), ()]
    assert six.rounds[1].transfers == {"Carol": {"Bob": 5, "exhausted": F("0.5454")},
                                       "Dan": {"exhausted": 3}}
    assert tallies(six)[2] == {"Alice": 8, "Bob": F("11.4543")}
    assert six.extras["residual"] == ["0", "0.0003", "0.0003", "0.0013"]
    stopped = get_method("stv").count(STV_EXAMPLE, 2, {"variant": "rctab",
                                                      "stop_after_round": 2})
    assert [r.eliminated for r in stopped.rounds] == [(), ("Dan",)]
    assert stopped.winners == ("Alice",) and stopped.extras["stopped_after_round"] == 2
    assert "with 1 of 2 seats filled" in stopped.summary[0]
    with pytest.raises(InvalidInput, match="minimum_votes is 7 and no candidate reaches it"):
        get_method("stv").count(STV_EXAMPLE, 2, {"variant": "rctab", "minimum_votes": 7})
    few = Profile.from_ballots(["A", "B", "C", "D"], [[0], [1], [2], [3]], [3, 2, 2, 2])
    with pytest.raises(InvalidInput, match="only A of the candidates reaches it, for 2 seats"):
        get_method("stv").count(few, 2, {"variant": "rctab", "minimum_votes": 3})
    for option, value in (("stop_after_round", 2), ("minimum_votes", 6)):
        with pytest.raises(InvalidInput, match=f"{option} needs variant=rctab"):
            get_method("stv").count(STV_EXAMPLE, 2, {option: value})
    with pytest.raises(InvalidInput, match="stop_after_round must be at least 1"):
        get_method("stv").count(STV_EXAMPLE, 2, {"variant": "rctab", "stop_after_round": 0})


def test_stv_rctab_one_winner_per_round() -> None:
    p = Profile.from_ballots(["A", "B", "C"], [[0, 2], [1, 2], [2]], [6, 5, 1])
    both = get_method("stv").count(p, 2, {"variant": "rctab"})
    assert [r.elected for r in both.rounds] == [("A", "B"), ()]
    assert both.rounds[0].transfers["A"] == {"exhausted": F("0.9996")}  # seats filled
    one = get_method("stv").count(p, 2, {"variant": "rctab", "one_winner_per_round": True})
    assert [r.elected for r in one.rounds] == [("A",), ("B",), ()]
    assert one.rounds[0].transfers["A"] == {"C": F("0.9996")}
    assert tallies(one)[1] == {"A": 5, "B": 5, "C": F("1.9996")}
    with pytest.raises(InvalidInput, match="variant=rctab"):
        get_method("stv").count(p, 2, {"one_winner_per_round": True})


def test_bottoms_up_minimum_votes() -> None:
    five = get_method("bottoms-up").count(STV_EXAMPLE, 2, {"minimum_votes": 5})
    assert [r.eliminated for r in five.rounds] == [("Bob", "Dan"), ()]
    assert tallies(five)[1] == {"Alice": 11, "Carol": 12}
    assert five.winners == ("Alice", "Carol")
    with pytest.raises(InvalidInput, match="only Alice of the candidates reaches it, for 2"):
        get_method("bottoms-up").count(STV_EXAMPLE, 2, {"minimum_votes": 6})
    with pytest.raises(InvalidInput, match="cannot go with cutoff_elimination"):
        get_method("bottoms-up").count(STV_EXAMPLE, 1, {
            "minimum_votes": 5, "threshold_percent": 20, "cutoff_elimination": True})


def test_bottoms_up() -> None:
    o = get_method("bottoms-up").count(STV_EXAMPLE, 2)
    assert tallies(o) == [{"Alice": 11, "Bob": 4, "Carol": 5, "Dan": 3},
                          {"Alice": 11, "Bob": 4, "Carol": 8}, {"Alice": 11, "Carol": 12}]
    assert [r.eliminated for r in o.rounds] == [("Dan",), ("Bob",), ()]
    assert o.rounds[-1].elected == ("Alice", "Carol") and o.winners == ("Alice", "Carol")
    share = get_method("bottoms-up").count(STV_EXAMPLE, 1, {"threshold_percent": 20})
    assert tallies(share) == tallies(o) and share.rounds[0].threshold == F(23, 5)
    cut = get_method("bottoms-up").count(STV_EXAMPLE, 1, {"threshold_percent": 20,
                                                          "cutoff_elimination": True})
    assert [set(r.eliminated) for r in cut.rounds] == [{"Bob", "Dan"}, set()]
    assert cut.winners == ("Alice", "Carol") and cut.seats == 2
    with pytest.raises(InvalidInput, match="needs threshold_percent"):
        get_method("bottoms-up").count(STV_EXAMPLE, 2, {"cutoff_elimination": True})
    # with a threshold fixed at round 1, exhausted ballots do not lower it
    p = Profile.from_ballots(["A", "B", "C", "D"], [[0], [1], [2], [3]], [9, 5, 4, 2])
    dynamic = get_method("bottoms-up").count(p, 1, {"threshold_percent": 21})
    static = get_method("bottoms-up").count(p, 1, {"threshold_percent": 21,
                                                   "threshold_round": "first"})
    assert dynamic.winners == ("A", "B", "C")  # 4 > 21% of 18 = 3.78
    assert static.winners == ("A", "B")  # 4 < 21% of 20 = 4.2


def test_sequential_irv() -> None:
    o = get_method("sequential-irv").count(STV_EXAMPLE, 2)
    assert o.winners == ("Carol", "Alice") and o.extras["passes"] == [3, 2]
    assert tallies(o)[2] == {"Alice": 11, "Carol": 12}
    assert tallies(o)[3] == {"Alice": 11, "Bob": 9, "Dan": 3}  # pass 2: Carol removed
    assert o.rounds[4].elected == ("Alice",) and o.rounds[4].exhausted == 3
    assert o.rounds[3].notes[0].startswith("Pass 2 (seat 2 of 2), without Carol")
    # a tie-break order keeps working once its first name is elected
    ordered = get_method("sequential-irv").count(
        STV_EXAMPLE, 2, {"tiebreak": "permutation", "order": ["Carol", "Alice", "Bob", "Dan"]})
    assert ordered.winners == ("Carol", "Alice")


def test_bottoms_up_suspend_if_multiple_waits_for_the_one_left() -> None:
    # 3 ballots overvote Bob and Cy; once Cy is out, they count for Bob (suspend), not lost
    p = Profile.from_ballots(["Ann", "Bob", "Cy", "Dee"],
                             [[0], [1], [2], [3], [(1, 2)]], [5, 3, 2, 4, 3])
    waiting = get_method("bottoms-up").count(p, 2, {"overvote_rule": "suspend-if-multiple"})
    lost = get_method("bottoms-up").count(p, 2, {"overvote_rule": "exhaust-if-multiple"})
    assert tallies(waiting)[1]["Bob"] == 6 and tallies(lost)[1]["Bob"] == 3
    assert waiting.winners != lost.winners


def test_bottoms_up_stop_after_round() -> None:
    stopped = get_method("bottoms-up").count(STV_EXAMPLE, 2, {"stop_after_round": 1})
    assert [r.eliminated for r in stopped.rounds] == [("Dan",)]
    assert stopped.winners == () and stopped.extras["stopped_after_round"] == 1
    assert stopped.summary[0].startswith("No one is elected: counting stopped after round 1")
    with pytest.raises(InvalidInput, match="stop_after_round must be at least 1"):
        get_method("bottoms-up").count(STV_EXAMPLE, 2, {"stop_after_round": 0})
