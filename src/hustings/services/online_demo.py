"""The online demo: `branch-online-demo`, a party branch electing its chair online.

About 500 members on the roll, three candidates, trustees 2 of 3 (one absent at decryption),
credentials drawn by the credential authority, ballots encrypted and cast with the real
cryptography (some members vote twice: the last ballot counts), the tally decrypted, published
as the ONLINE return and certified. Illustrative: names and votes are made up, drawn from a
fixed seed so every build gives the same result.
"""

from __future__ import annotations

import random
from datetime import date

from hustings.services import elections, lifecycle, members, online
from hustings.services import online_clients as oc
from hustings.services.commands import as_user
from hustings.services.identity import Signer
from hustings.services.ports import UnitOfWorkFactory
from hustings.services.users import authenticate, create_user

SLUG = "branch-online-demo"
MEMBERS = 500
VOTERS = 410  # members who vote; REVOTES of them vote again
REVOTES = 25
TRUSTEES = ("trustee-ana", "trustee-bo", "trustee-cy")
CANDIDATES = (("okafor", "Grace Okafor"), ("lindqvist", "Erik Lindqvist"),
              ("haddad", "Samir Haddad"))
SHARE = (0.46, 0.34, 0.20)  # the made-up leanings the votes are drawn from

DEFINITION = f"""
[organisation]
slug = "riverside-branch"
name = "Riverside Branch"
[office]
slug = "branch-chair"
name = "Chair of the Riverside Branch"
[body]
slug = "riverside-members"
name = "Members of the Riverside Branch"
[election]
slug = "{SLUG}"
title = "Riverside Branch: election of the chair (online)"
kind = "regular"
method = "plurality"
seats = 1
[eligibility]
cutoff = 2026-01-01
[timetable]
polling_day = 2026-11-28
{"".join(f'''
[[candidates]]
key = "{k}"
name = "{n}"''' for k, n in CANDIDATES)}

[[precincts]]
code = "ONLINE"
name = "Online voting"
[rules]
seed = 1
"""


def _members_csv() -> bytes:
    rows = ["member_id,name,joined,standing,precinct"]
    rows += [f"RB{i:04d},Member {i:04d},2019-05-01,good,ONLINE" for i in range(1, MEMBERS + 1)]
    return ("\n".join(rows) + "\n").encode()


def _trustees(uow_factory: UnitOfWorkFactory, admin: Signer, password: str) -> list[Signer]:
    with uow_factory() as uow:
        existing = {u.username for u in uow.users.all()}
    for name in TRUSTEES:
        if name not in existing:
            create_user(uow_factory, name, password, "observer", as_user(admin), policy=False)
    return [authenticate(uow_factory, name, password) for name in TRUSTEES]


def build_online_demo(uow_factory: UnitOfWorkFactory, admin: Signer, password: str) -> str:
    """Build, vote, count and certify the online demo; returns its slug."""
    committee = as_user(admin)
    src = "demo/branch-online-demo.toml"
    elections.create_election(uow_factory, DEFINITION, src, committee)
    members.import_members(uow_factory, "riverside-members", _members_csv(),
                           "demo/riverside-members.csv", committee)
    elections.freeze_roll(uow_factory, SLUG, committee)
    for step in ("nominations", "voting"):
        lifecycle.advance(uow_factory, SLUG, step, committee)
    trustees = _trustees(uow_factory, admin, password)
    online.setup(uow_factory, SLUG, list(TRUSTEES), 2, committee)
    keys: dict[int, oc.KeyFile] = {}
    for _ in range(3):  # box keys, dealings, checks
        for j, trustee in enumerate(trustees, start=1):
            keys[j], _message = oc.keygen(uow_factory, SLUG, keys.get(j), as_user(trustee))
    private = {m: c for m, _, c in oc.generate_credentials(uow_factory, SLUG, committee)}
    online.open_poll(uow_factory, SLUG, committee)
    rnd = random.Random(2026)
    voters = rnd.sample(sorted(private), VOTERS)
    keys_ = [k for k, _ in CANDIDATES]
    for member in voters + rnd.sample(voters, REVOTES):
        choice = rnd.choices(keys_, SHARE)[0]
        oc.vote(uow_factory, SLUG, private[member], [choice])
    online.close(uow_factory, SLUG, committee)
    for j in (1, 3):  # trustee-bo is away: any two decrypt
        oc.decrypt(uow_factory, SLUG, keys[j], as_user(trustees[j - 1]))
    online.decrypt_tally(uow_factory, SLUG, committee)
    online.publish(uow_factory, SLUG, committee)
    lifecycle.certify(uow_factory, SLUG, committee, on=date(2026, 11, 29))
    return SLUG
