"""Every counting method by name."""

from __future__ import annotations

from hustings.counting.bottoms_up import BOTTOMS_UP
from hustings.counting.college import COLLEGE, POINTS
from hustings.counting.condorcet import COPELAND, MINIMAX, RANKED_PAIRS, SCHULZE
from hustings.counting.exhaustive import EXHAUSTIVE
from hustings.counting.irv import IRV
from hustings.counting.method import Method
from hustings.counting.options import fail
from hustings.counting.plurality import PLURALITY
from hustings.counting.scoring import APPROVAL, BORDA, CONFIRM
from hustings.counting.sequential import SEQUENTIAL_IRV
from hustings.counting.stv import STV
from hustings.counting.two_round import TWO_ROUND

_METHODS: dict[str, Method] = {
    m.name: m
    for m in (
        PLURALITY, TWO_ROUND, IRV, STV, BOTTOMS_UP, SEQUENTIAL_IRV, EXHAUSTIVE, COLLEGE, POINTS,
        APPROVAL, BORDA, SCHULZE, RANKED_PAIRS, COPELAND, MINIMAX, CONFIRM,
    )
}


def all_methods() -> list[Method]:
    """Every registered method, in a stable order."""
    return list(_METHODS.values())


def get_method(name: str) -> Method:
    """The method called `name`; InvalidInput listing the known names otherwise."""
    try:
        return _METHODS[name]
    except KeyError:
        raise fail(
            "method", f"unknown counting method {name!r}; known methods: {', '.join(_METHODS)}"
        ) from None
