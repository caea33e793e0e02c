"""Casts verified outside the writer lock (issue 12): voters casting at once, from threads,
still give one valid board: positions 1..n in order, an unbroken chain whose head the log
records, every ballot accepted exactly once, and the revote rule (a credential's last ballot
counts) intact. SQLite and PostgreSQL."""

from __future__ import annotations

import threading

from hustings.bootstrap import ScratchSqlite
from hustings.crypto import board as bb
from hustings.services import audit_log, online
from hustings.services import online_clients as oc
from tests.elections.builders import committee
from tests.online.flow import election, opened, trustee_ctx


def test_concurrent_casts_give_a_valid_board(uow_factory) -> None:
    slug = election(uow_factory, "concurrent", members=12)
    poll = opened(uow_factory, slug)
    credentials = list(poll.credentials.values())
    # every voter votes ben, then (revote) ada or cleo: their second ballot must count
    first = [oc.encrypt_vote(uow_factory, slug, c, ["ben"]) for c in credentials]
    second = [oc.encrypt_vote(uow_factory, slug, c, ["ada" if i % 3 else "cleo"])
              for i, c in enumerate(credentials)]
    trackers: list[str] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def voter(i: int) -> None:
        try:
            for body in (first[i], second[i]):
                tracker = online.cast(uow_factory, slug, body)
                with lock:
                    trackers.append(tracker)
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=voter, args=(i,)) for i in range(len(credentials))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    with uow_factory() as uow:
        current = online.current_poll(uow, slug)
        election_ = online.crypto_election(current)
        board = online.board_entries(uow, current)
        listed = online.credential_list(uow, current)
    assert len(board) == len(trackers) == 24 and current.ballots == 24
    assert sorted(e.tracker for e in board) == sorted(trackers)
    assert [e.position for e in board] == list(range(1, 25))
    bb.verify_board(election_, listed, board, bytes.fromhex(current.board_head or ""))
    for i in range(len(credentials)):  # each voter's ballots in the order they cast them
        mine = [e.position for e in board if e.tracker in (oc_tracker(first[i]),
                                                             oc_tracker(second[i]))]
        assert len(mine) == 2 and board[mine[0] - 1].tracker == oc_tracker(first[i])
    online.close(uow_factory, slug, committee(uow_factory))
    for j in (1, 3):
        oc.decrypt(uow_factory, slug, poll.keys[j], trustee_ctx(uow_factory, j))
    assert online.decrypt_tally(uow_factory, slug, committee(uow_factory)) == {
        "ada": 8, "ben": 0, "cleo": 4}
    report = audit_log.verify(uow_factory, ScratchSqlite)
    assert report.ok, report.problems


def oc_tracker(body: dict) -> str:
    from hustings.crypto.ballot import Ballot

    return Ballot.from_json(body).tracker


def test_a_group_with_a_refused_cast_answers_each_on_its_own(uow_factory) -> None:
    """Group commit: a refused cast in a group (here a replay) rolls the group back and each
    cast runs again alone: the others are accepted, the replay refused, the board valid."""
    from hustings.crypto.errors import VerificationError
    from hustings.services.commands import Context, run_group

    slug = election(uow_factory, "grouped", members=3)
    poll = opened(uow_factory, slug)
    a, b = (oc.encrypt_vote(uow_factory, slug, c, ["ada"])
            for c in list(poll.credentials.values())[:2])
    with uow_factory() as uow:
        crypto_id = online.current_poll(uow, slug).crypto_id
    signer = online.board_signer(uow_factory)

    def item(body: dict) -> tuple[dict, Context]:
        return {"election": slug, "online": crypto_id, "ballot": body}, Context(signer=signer)

    results = run_group(uow_factory, "online.cast", [item(a), item(b), item(a)])
    assert results[:2] == [oc_tracker(a), oc_tracker(b)]
    assert isinstance(results[2], VerificationError) and "replay" in str(results[2])
    assert run_group(uow_factory, "online.cast", []) == []
    with uow_factory() as uow:
        current = online.current_poll(uow, slug)
        board = online.board_entries(uow, current)
        bb.verify_board(online.crypto_election(current), online.credential_list(uow, current),
                        board, bytes.fromhex(current.board_head or ""))
    assert [e.tracker for e in board] == [oc_tracker(a), oc_tracker(b)]
    report = audit_log.verify(uow_factory, ScratchSqlite)
    assert report.ok, report.problems
