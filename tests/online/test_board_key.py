"""The board account's signing key is stored sealed under $HUSTINGS_BOARD_KEY (issue 12): the
database alone does not give it; the server needs the passphrase it was set up with."""

from __future__ import annotations

import pytest

from hustings.domain.errors import RuleViolation
from hustings.domain.online import BOARD_ACCOUNT
from hustings.services import identity, online
from hustings.services import online_clients as oc
from tests.online.flow import election, opened


def test_the_board_key_is_stored_sealed(uow_factory, monkeypatch) -> None:
    monkeypatch.setenv(online.BOARD_KEY_ENV, "a board passphrase for this test only")
    slug = election(uow_factory, "sealed-board", members=3)
    poll = opened(uow_factory, slug)
    with uow_factory() as uow:
        stored = uow.online.board_key(BOARD_ACCOUNT)
        registered = uow.users.get(BOARD_ACCOUNT)
    assert stored is not None and registered is not None
    assert stored.startswith("hustings-key-1$")  # sealed, not the seed in hex
    signer = online.board_signer(uow_factory)
    assert signer.public_key == registered.public_key
    assert bytes(identity.unseal(stored, "a board passphrase for this test only")) \
        == bytes(signer.key)
    oc.vote(uow_factory, slug, next(iter(poll.credentials.values())), ["ada"])
    # another passphrase does not open it: casts are refused, clearly, and nothing stored
    monkeypatch.setenv(online.BOARD_KEY_ENV, "not the passphrase")
    with pytest.raises(RuleViolation, match="does not open with \\$HUSTINGS_BOARD_KEY"):
        oc.vote(uow_factory, slug, list(poll.credentials.values())[1], ["ben"])
    with uow_factory() as uow:
        assert online.current_poll(uow, slug).ballots == 1


def test_the_demo_default_and_a_plain_seed_from_before_sealing(monkeypatch) -> None:
    monkeypatch.delenv(online.BOARD_KEY_ENV, raising=False)
    key = identity.new_key()
    sealed = online.seal_board_key(key)
    assert bytes(identity.unseal(sealed, online.DEMO_BOARD_PASSPHRASE)) == bytes(key)
    assert bytes(online.open_board_key(sealed)) == bytes(key)
    assert bytes(online.open_board_key(bytes(key).hex())) == bytes(key)
