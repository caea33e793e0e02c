"""Breaking ties, and recording every tie broken: never a silent random pick."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

from hustings.counting.explain import names
from hustings.counting.javarandom import JavaRandom, java_hashset_order, java_string_key
from hustings.counting.options import OptionSpec, check_names, fail
from hustings.counting.outcome import Number, Tie

TIEBREAK_MODES = ("previous-round-counts", "random", "permutation", "ask")
LOT_GENERATORS = ("python", "java")


def tiebreak_options(default: str = "previous-round-counts") -> list[OptionSpec]:
    """The three tie-break options every round-based method shares."""
    return [
        OptionSpec(
            "tiebreak", "choice", default, TIEBREAK_MODES,
            "previous-round-counts: the candidate lower (or higher) at the most recent earlier "
            "round where the tied differ, else a lot drawn with `seed`; random: a lot drawn with "
            "`seed`; permutation: the given `order` (first listed is favoured); ask: an operator "
            "decides (RCTab's stopCountingAndAsk): the count goes on while no tie needs "
            "breaking and is refused, naming the tie, if one does",
        ),
        OptionSpec("seed", "seed", 0, (), "seed of the lot drawn to break a tie"),
        OptionSpec(
            "lot", "choice", "python", LOT_GENERATORS,
            "how lots are drawn: python (random.Random(seed), tied names sorted); java "
            "(RCTab's: one java.util.Random(seed) for the count, index floor(nextDouble() x n) "
            "of the tied names in Java order)",
        ),
        OptionSpec(
            "order", "names", None, (),
            "for tiebreak=permutation: every candidate, most favoured first",
        ),
    ]


class TieBreaker:
    """Breaks ties under one declared mode and keeps a record of each as a `Tie`."""

    def __init__(
        self,
        names: Sequence[str],
        mode: str = "previous-round-counts",
        seed: int = 0,
        order: Sequence[str] | None = None,
        lot: str = "python",
    ) -> None:
        self.names = list(names)
        self.mode = mode
        self.seed = seed
        self.lot = lot
        self.rng = random.Random(seed)
        self.java = JavaRandom(seed)
        rank = {name: i for i, name in enumerate(order or ())}
        self.rank = [rank.get(n, len(rank)) for n in self.names]
        self.ties: list[Tie] = []

    def pick(
        self,
        tied: Sequence[int],
        *,
        round: int,
        purpose: str = "elimination",
        lowest: bool = True,
        history: Sequence[Mapping[int, Number]] = (),
    ) -> int:
        """Choose one of `tied` (candidate indices).

        `lowest=True` picks the one to lose (elimination); False the one to win. `history`
        holds earlier rounds' tallies by candidate index, oldest first.
        """
        tied = sorted(tied)
        if len(tied) == 1:
            return tied[0]
        if self.mode == "ask":
            raise fail("tiebreak", (
                f"{names(self.names[c] for c in tied)} are tied for {purpose} in round "
                f"{round}: tiebreak=ask leaves this to an operator, and hustings does not "
                "stop a count to ask; choose the tie-break in the rules (previous-round-counts, "
                "random with a seed, or permutation with an order) and count again"))
        how = ""
        pool = list(tied)
        if self.mode == "permutation":
            key = sorted(pool, key=lambda c: self.rank[c])
            chosen = key[-1] if lowest else key[0]
            how = "the given order"
        elif self.lot == "java":
            chosen, how = self._java(pool, lowest, history)
        else:
            if self.mode == "previous-round-counts":
                for number, tallies in reversed(list(enumerate(history, start=1))):
                    values = {c: tallies.get(c, 0) for c in pool}
                    target = min(values.values()) if lowest else max(values.values())
                    narrowed = [c for c in pool if values[c] == target]
                    if len(narrowed) < len(pool):
                        pool = narrowed
                        how = f"counts at round {number}"
                        if len(pool) == 1:
                            break
            if len(pool) == 1:
                chosen = pool[0]
            else:
                ordered = sorted(pool, key=lambda c: self.names[c])
                chosen = ordered[self.rng.randrange(len(ordered))]
                lot = f"lot drawn with seed {self.seed}"
                how = f"{how}, then {lot}" if how else lot
        self.ties.append(
            Tie(
                round=round,
                between=tuple(self.names[c] for c in tied),
                broken_by=how,
                chosen=self.names[chosen],
                purpose=purpose,
            )
        )
        return chosen

    def _java(
        self, pool: list[int], lowest: bool, history: Sequence[Mapping[int, Number]]
    ) -> tuple[int, str]:
        """RCTab's way: tied names in Java order; previous rounds narrow them, newest first,
        each round's survivors listed in the iteration order of a Java HashSet; a lot then
        takes index floor(nextDouble() x n) of that list."""
        by_name = {self.names[c]: c for c in pool}
        contention = sorted(by_name, key=java_string_key)
        how = ""
        if self.mode == "previous-round-counts":
            for number, tallies in reversed(list(enumerate(history, start=1))):
                contention = java_hashset_order(contention)
                values = {n: tallies.get(by_name[n], 0) for n in contention}
                target = min(values.values()) if lowest else max(values.values())
                narrowed = [n for n in contention if values[n] == target]
                if len(narrowed) < len(contention):
                    how = f"counts at round {number}"
                contention = narrowed
                if len(contention) == 1:
                    return by_name[contention[0]], how
        chosen = by_name[contention[self.java.pick_index(len(contention))]]
        lot = f"lot drawn with seed {self.seed} (java.util.Random)"
        return chosen, f"{how}, then {lot}" if how else lot

    def sentence(self) -> str:
        """Plain-language account of the latest tie."""
        t = self.ties[-1]
        return (
            f"{names(t.between)} were tied for {t.purpose}; {t.chosen} was chosen by "
            f"{t.broken_by}."
        )


def check_tiebreak(options: Mapping[str, object], candidates: Sequence[str]) -> None:
    """`order` is needed by, and only by, tiebreak=permutation, and must list every candidate."""

    order = options.get("order")
    if options.get("tiebreak") == "permutation":
        if order is None:
            raise fail("order", "tiebreak=permutation needs `order`, every candidate listed")
        assert isinstance(order, tuple)
        check_names("order", order, candidates)
        missing = [c for c in candidates if c not in order]
        if missing:
            raise fail("order", f"order leaves out candidates: {', '.join(missing)}")
    elif order is not None:
        raise fail("order", "order is used only with tiebreak=permutation")


def breaker(names: Sequence[str], options: Mapping[str, object]) -> TieBreaker:
    """The TieBreaker the options declare."""
    order = options.get("order")
    seed = options.get("seed", 0)
    return TieBreaker(
        names,
        str(options.get("tiebreak", "previous-round-counts")),
        int(seed) if isinstance(seed, int) else 0,
        order if isinstance(order, tuple) else None,
        str(options.get("lot", "python")),
    )
