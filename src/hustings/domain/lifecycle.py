"""The election lifecycle and the rules that guard each step."""

from __future__ import annotations

from hustings.domain.election import ElectionStatus as S
from hustings.domain.errors import RuleViolation

ORDER = (S.DRAFT, S.NOMINATIONS, S.VOTING, S.COUNTING, S.PROVISIONAL, S.CERTIFIED)

# Steps an officer may take by hand. Counting -> provisional happens when every precinct
# reports; certified -> counting only through a ruling (see services.integrity).
MANUAL = {
    S.DRAFT: {S.NOMINATIONS},
    S.NOMINATIONS: {S.VOTING},
    S.VOTING: {S.COUNTING},
    S.COUNTING: {S.PROVISIONAL},
    S.PROVISIONAL: {S.CERTIFIED, S.COUNTING},
    S.CERTIFIED: set(),
}


def check_transition(current: S, target: S, *, unreported: int = 0,
                     unreported_allowed: bool = False, pending_disputes: int = 0) -> None:
    """Raise RuleViolation naming the rule if `current -> target` is not allowed now."""
    if target not in MANUAL[current]:
        if current is S.CERTIFIED:
            raise RuleViolation("the election is certified: only a ruling on a dispute can "
                                "reopen it")
        allowed = ", ".join(sorted(s.value for s in MANUAL[current])) or "none"
        raise RuleViolation(f"cannot go from {current.value} to {target.value} "
                            f"(allowed next: {allowed})")
    if target in (S.PROVISIONAL, S.CERTIFIED) and unreported and not unreported_allowed:
        raise RuleViolation(f"{unreported} precinct(s) have not reported: no "
                            f"{target.value} result unless a ruling allows it")
    if target is S.CERTIFIED and pending_disputes:
        raise RuleViolation(f"{pending_disputes} dispute(s) await a ruling: rule on them "
                            "before certifying")


def check_tally_allowed(status: S) -> None:
    if status is S.CERTIFIED:
        raise RuleViolation("the election is certified: no tally sheets without a ruling "
                            "that reopens the count")
    if status in (S.DRAFT, S.NOMINATIONS):
        raise RuleViolation(f"the election is in {status.value}: tally sheets are accepted "
                            "once voting has opened")


def check_withdrawal_allowed(status: S) -> None:
    if ORDER.index(status) >= ORDER.index(S.VOTING):
        raise RuleViolation(f"the election is in {status.value}: candidates may withdraw only "
                            "before voting opens")
