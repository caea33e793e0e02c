"""The election definition the benchmarks share: one organisation, office and body, the given
method and candidates, P precincts named P00000…, and a lot seed."""

from __future__ import annotations

from collections.abc import Sequence


def election_toml(method: str, candidates: Sequence[tuple[str, str]], precincts: int = 0) -> str:
    cands = "\n".join(f'[[candidates]]\nkey = "{k}"\nname = "{n}"' for k, n in candidates)
    precs = "\n".join(f'[[precincts]]\ncode = "P{i:05d}"\nname = "Precinct {i}"'
                      for i in range(precincts))
    return f"""[organisation]
slug = "bench"
name = "Bench party"
[office]
slug = "leader"
name = "Leader"
[body]
slug = "members"
name = "Members"
[election]
slug = "bench"
title = "Bench"
method = "{method}"
[eligibility]
cutoff = 2024-01-01
[timetable]
polling_day = 2024-03-01
{cands}
{precs}
[rules]
seed = 1
"""
