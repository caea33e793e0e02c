"""One authorisation policy and the rules that used to live in web forms, in the services."""

from __future__ import annotations

from typing import Any

import pytest

import tests.identities as ids
from hustings.domain.errors import InvalidInput, PermissionDenied
from hustings.domain.users import Role
from hustings.services import authz, disputes, users
from hustings.services.commands import Context, run
from tests.integrity.builders import SLUG, build, cli


def test_who_may_run_what() -> None:
    for command in ("tally.import", "tally.enter", "ballots.import"):
        assert authz.allowed_roles(command) == {Role.ADMINISTRATOR, Role.CLERK}
    for command in ("election.create", "election.advance", "dispute.rule", "user.add",
                    "user.disable", "record.import", "some.future.command"):
        assert authz.allowed_roles(command) == {Role.ADMINISTRATOR}
    assert not any(authz.may(Role.OBSERVER, c) for c in ("tally.enter", "election.create"))


def test_an_observer_changes_nothing(container: Any) -> None:
    build(container.uow_factory)
    observer = ids.ctx(container.uow_factory, "observer-1")
    with pytest.raises(PermissionDenied, match="an observer may not run dispute.file"):
        disputes.file_dispute(container.uow_factory, SLUG, "initial", [], "x", observer)


def test_no_signer_no_command(container: Any) -> None:
    with pytest.raises(PermissionDenied, match="must run as a user"):
        run(container.uow_factory, "election.create", {}, Context(actor="anyone"))


def test_a_ruling_needs_reasons_everywhere(container: Any,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    build(container.uow_factory)
    admin = ids.ctx(container.uow_factory)
    number = disputes.file_dispute(container.uow_factory, SLUG, "initial", [], "x", admin)
    with pytest.raises(InvalidInput, match="give the reasons for the ruling"):
        disputes.rule(container.uow_factory, SLUG, number, "dismiss", "   ", admin)
    code, _, err = cli(capsys, "--db", container.settings.database_url, "dispute", "rule", SLUG,
                       str(number), "--decision", "dismiss", "--reasons", " ")
    assert code == 2 and "give the reasons for the ruling" in err


def test_the_password_policy() -> None:
    assert users.password_problems("Vivid-Otter-Marble-42") == []
    for weak in ("short", "aaaaaaaaaaaa", "password1234", "qwertyuiop123", "demo-password"):
        assert users.password_problems(weak), weak
    assert users.password_problems("clerk-dana-2026", "clerk-dana")  # made of the user name
