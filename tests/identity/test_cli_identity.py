"""The command line acts only as an authenticated user, with the same role checks as the web."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

import tests.identities as ids
from hustings.services.queries import precinct_statuses
from hustings.storage import tables as t
from tests.cli_runner import run_cli
from tests.conftest import DEMO_DIR
from tests.integrity.builders import SLUG, build, definition

EXE = str(Path(sys.executable).with_name("hustings"))
TALLY = b"precinct,registered,ballots_cast,ann,bob,blank,invalid\nN,10,9,8,1,0,0\n"


def entries(container: Any) -> int:
    with container.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(t.audit_log)).scalar_one())


def test_a_change_without_a_user_is_refused_with_how_to_sign_in(
        container: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    toml = tmp_path / "e.toml"
    toml.write_text(definition())
    url = container.settings.database_url
    code, _, err = run_cli(capsys, "--db", url, "election", "create", str(toml), user=None)
    assert code == 6
    assert "--user NAME" in err and "HUSTINGS_USER" in err and "HUSTINGS_PASSWORD" in err
    assert "hustings init --admin NAME" in err and "Traceback" not in err
    assert entries(container) == 0


def test_no_password_and_no_terminal_is_exit_6(container: Any, tmp_path: Path) -> None:
    ids.signer(container.uow_factory)
    toml = tmp_path / "e.toml"
    toml.write_text(definition())
    env = {k: v for k, v in os.environ.items() if k != "HUSTINGS_PASSWORD"}
    done = subprocess.run([EXE, "--db", container.settings.database_url, "--user", ids.ADMIN,
                           "election", "create", str(toml)], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, env=env)
    assert done.returncode == 6
    assert "no password: set HUSTINGS_PASSWORD, or run in a terminal" in done.stderr
    assert entries(container) == 1  # the administrator's registration only


def test_wrong_password_and_disabled_user_are_exit_6_and_change_nothing(
        container: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    uow_factory = container.uow_factory
    build(uow_factory)
    ids.signer(uow_factory, "clerk-b")
    url = container.settings.database_url
    sheet = tmp_path / "t.csv"
    sheet.write_bytes(TALLY)
    before = entries(container)
    code, _, err = run_cli(capsys, "--db", url, "tally", "import", SLUG, str(sheet),
                           user="clerk-b", password="not the password")
    assert code == 6 and "wrong username or password" in err
    assert entries(container) == before
    code, _, err = run_cli(capsys, "--db", url, "user", "disable", "clerk-b")
    assert code == 0, err
    after_disable = entries(container)
    assert after_disable == before + 1
    code, _, err = run_cli(capsys, "--db", url, "tally", "import", SLUG, str(sheet),
                           user="clerk-b")
    assert code == 6 and "user 'clerk-b' is disabled" in err
    assert entries(container) == after_disable


def test_a_clerk_cannot_certify_on_the_command_line(
        container: Any, capsys: pytest.CaptureFixture[str]) -> None:
    build(container.uow_factory)
    code, _, err = run_cli(capsys, "--db", container.settings.database_url, "election",
                           "certify", SLUG, user="clerk-a")
    assert code == 6 and "a clerk may not run election.advance (administrator only)" in err


def test_reading_needs_no_user(container: Any, capsys: pytest.CaptureFixture[str]) -> None:
    build(container.uow_factory)
    url = container.settings.database_url
    for argv in (["results", SLUG, "--format", "json"], ["log", "verify"], ["log", "head"],
                 ["tally", "status", SLUG], ["user", "list"], ["methods"]):
        code, _, err = run_cli(capsys, "--db", url, *argv, user=None)
        assert code == 0, (argv, err)


def test_the_clerk_is_the_user_not_a_name_typed(
        container: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One person cannot be both clerks: --clerk must name yourself, and a second entry of
    your own is a correction, never the second side of the sheet."""
    build(container.uow_factory)
    url = container.settings.database_url
    sheet = tmp_path / "t.csv"
    sheet.write_bytes(TALLY)
    code, out, err = run_cli(capsys, "--db", url, "tally", "import", SLUG, str(sheet),
                             "--clerk", "clerk-a", user="clerk-a")
    assert code == 0 and "by clerk-a" in out, err
    code, _, err = run_cli(capsys, "--db", url, "tally", "import", SLUG, str(sheet),
                           "--clerk", "clerk-b", user="clerk-a")
    assert code == 6 and "--clerk clerk-b is not you (clerk-a)" in err
    code, _, err = run_cli(capsys, "--db", url, "tally", "import", SLUG, str(sheet),
                           user="clerk-a")
    assert code == 2 and "clerk-a already entered precinct 'N'" in err
    code, out, _ = run_cli(capsys, "--db", url, "tally", "status", SLUG)
    assert "awaiting second entry" in out
    code, out, err = run_cli(capsys, "--db", url, "tally", "import", SLUG, str(sheet),
                             user="clerk-b")
    assert code == 0, err
    statuses = {p.code: p.reconciliation for _, p in
                precinct_statuses(container.uow_factory, SLUG)}
    assert statuses["N"].status == "accepted"
    assert statuses["N"].clerks == ("clerk-a", "clerk-b")


def test_init_creates_the_first_administrator_once(
        database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: Any) -> None:
    monkeypatch.setenv("HUSTINGS_PASSWORD", ids.PASSWORD)
    code, out, err = run_cli(capsys, "--db", database_url, "init", "--admin", "ro")
    assert code == 0 and "created administrator ro" in out, err
    code, _, err = run_cli(capsys, "--db", database_url, "init", "--admin", "other")
    assert code == 5 and "users exist already" in err
    code, out, err = run_cli(capsys, "--db", database_url, "user", "list", user=None)
    assert "ro" in out and "administrator" in out and "other" not in out


def test_user_add_list_passwd_and_the_password_policy(
        container: Any, capsys: pytest.CaptureFixture[str], monkeypatch: Any) -> None:
    url = container.settings.database_url
    ids.signer(container.uow_factory)
    for weak, why in (("short-1", "at least 12 characters"), ("aaaaaaaaaaaa", "too weak"),
                      ("password1234", "too weak"), ("clerk-dana-2026", "too weak")):
        monkeypatch.setenv("NEW_PW", weak)
        code, _, err = run_cli(capsys, "--db", url, "user", "add", "clerk-dana", "--role",
                               "clerk", "--password-env", "NEW_PW")
        assert code == 2 and why in err, (weak, err)
    monkeypatch.setenv("NEW_PW", "Vivid-Otter-Marble-42")
    code, out, err = run_cli(capsys, "--db", url, "user", "add", "clerk-dana", "--role", "clerk",
                             "--password-env", "NEW_PW")
    assert code == 0 and "created clerk clerk-dana" in out, err
    with container.uow_factory() as uow:
        key = uow.users.get("clerk-dana").public_key  # type: ignore[union-attr]
    monkeypatch.setenv("NEWER_PW", "Quiet-Harbour-Lantern-77")
    code, out, err = run_cli(capsys, "--db", url, "user", "passwd", "--password-env",
                             "NEWER_PW", user="clerk-dana", password="Vivid-Otter-Marble-42")
    assert code == 0 and "changed the password of clerk-dana" in out, err
    with container.uow_factory() as uow:
        assert uow.users.get("clerk-dana").public_key == key  # type: ignore[union-attr]
    code, _, err = run_cli(capsys, "--db", url, "user", "passwd", "--password-env", "NEWER_PW",
                           user="clerk-dana", password="Vivid-Otter-Marble-42")
    assert code == 6 and "wrong username or password" in err
    code, _, err = run_cli(capsys, "--db", url, "user", "disable", ids.ADMIN)
    assert code == 5 and "you cannot disable yourself" in err
    code, out, err = run_cli(capsys, "--db", url, "log", "verify", user=None)
    assert code == 0, err


def test_a_clerk_may_not_add_users_or_change_others_passwords(
        container: Any, capsys: pytest.CaptureFixture[str], monkeypatch: Any) -> None:
    url = container.settings.database_url
    ids.signer(container.uow_factory, "clerk-a")
    monkeypatch.setenv("NEW_PW", "Vivid-Otter-Marble-42")
    code, _, err = run_cli(capsys, "--db", url, "user", "add", "clerk-x", "--password-env",
                           "NEW_PW", user="clerk-a")
    assert code == 6 and "a clerk may not run user.add" in err
    code, _, err = run_cli(capsys, "--db", url, "user", "passwd", ids.ADMIN, "--password-env",
                           "NEW_PW", user="clerk-a")
    assert code == 6 and "a clerk may not run user.passwd" in err


def test_the_demo_signs_every_entry_by_its_three_users(demo: Any) -> None:
    from hustings.services import identity

    with demo.uow_factory() as uow:
        users = {u.username: u for u in uow.users.all()}
        logged = list(uow.audit.entries())
    assert {n: u.role.value for n, u in users.items()} == {
        "returning-officer": "administrator", "clerk-dana": "clerk", "clerk-yossi": "clerk"}
    assert {e.actor for e in logged} == set(users)
    for e in logged:
        assert identity.valid_signature(users[e.actor].public_key, e.signed_bytes(),
                                        e.signature), e.seq
    assert DEMO_DIR.is_dir()
