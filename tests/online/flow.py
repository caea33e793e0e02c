"""An online poll built through the services, for the tests of tests/online."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hustings.services import online
from hustings.services import online_clients as oc
from tests import identities as ids
from tests.elections.builders import committee, open_election, toml

CANDIDATES = (("ada", "Ada Lovelace"), ("ben", "Ben Okri"), ("cleo", "Cleo Laine"))
TRUSTEES = ("trustee-1", "trustee-2", "trustee-3")


@dataclass
class Poll:
    factory: Any
    slug: str
    keys: dict[int, oc.KeyFile] = field(default_factory=dict)
    credentials: dict[str, str] = field(default_factory=dict)  # member id -> private


def election(factory: Any, slug: str = "branch-online", members: int = 20,
             method: str = "plurality", stations: dict[str, int] | None = None,
             seats: int = 1, with_members: bool = True) -> str:
    """An election whose members vote online (precinct ONLINE), and at stations if given."""
    roll = {"ONLINE": members, **(stations or {})}
    precincts = [(code, "Online voting" if code == "ONLINE" else f"Station {code}")
                 for code in roll]
    rules = "seed = 1" if method != "confirm" else 'candidate = "Ada Lovelace"'
    cands = CANDIDATES if method != "confirm" else CANDIDATES[:1]
    return open_election(factory, toml(slug, method, cands, precincts, seats=seats,
                                       office_seats=seats, rules=rules), roll,
                         with_members=with_members)


def trustee_ctx(factory: Any, number: int) -> Any:
    return ids.ctx(factory, TRUSTEES[number - 1], "observer")


def ceremony(factory: Any, slug: str, n: int = 3, t: int = 2) -> Poll:
    """Set up the online poll and run the trustees' key ceremony (every step)."""
    for name in TRUSTEES[:n]:
        ids.ensure(factory, name, "observer")
    online.setup(factory, slug, list(TRUSTEES[:n]), t, committee(factory))
    poll = Poll(factory, slug)
    for _ in range(3):  # box keys, dealings, checks
        for j in range(1, n + 1):
            key, _msg = oc.keygen(factory, slug, poll.keys.get(j), trustee_ctx(factory, j))
            poll.keys[j] = key
    return poll


def opened(factory: Any, slug: str, n: int = 3, t: int = 2,
           weights: dict[str, int] | None = None) -> Poll:
    poll = ceremony(factory, slug, n, t)
    for member, _name, private in oc.generate_credentials(factory, slug, committee(factory),
                                                          weights):
        poll.credentials[member] = private
    online.open_poll(factory, slug, committee(factory))
    return poll
