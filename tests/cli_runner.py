"""Run the `hustings` console script in-process, as a user would call it."""

from __future__ import annotations

import os

import pytest

from hustings.cli.entry import main
from tests.identities import ADMIN, PASSWORD, ensure_url

# commands that change data: run_cli signs in (HUSTINGS_USER/HUSTINGS_PASSWORD) for them
CHANGING = {"election", "members", "precincts", "roll", "tally", "ballots", "dispute", "user",
            "record", "online", "credentials", "trustee"}
CHANGING_PAIRS = {("log", "checkpoint")}  # changing commands under a reading group
READ_ONLY = {("election", "list"), ("tally", "status"), ("ballots", "status"),
             ("dispute", "list"), ("user", "list"),
             ("record", "leaders"), ("record", "person"), ("record", "check"),
             ("online", "status"), ("online", "board"), ("online", "pollbook"),
             ("online", "export"), ("online", "verify")}


def _changes(argv: tuple[str, ...]) -> bool:
    words = [a for a in argv if not a.startswith("-")]
    if "--db" in argv:
        words.remove(argv[argv.index("--db") + 1])
    if tuple(words[:2]) in CHANGING_PAIRS:
        return True
    return bool(words) and words[0] in CHANGING and tuple(words[:2]) not in READ_ONLY


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str, user: str | None = ADMIN,
            password: str = PASSWORD) -> tuple[int, str, str]:
    """`hustings ARGV`: (exit code, stdout, stderr).

    Commands that change data run as `user` (created in the --db database if missing; the
    test administrator by default); `user=None` runs with no user and no password at all.
    """
    env: dict[str, str | None] = {"HUSTINGS_USER": None, "HUSTINGS_PASSWORD": None}
    if user is not None and not _changes(argv):
        env = {}  # reading, `init`, `demo`: the environment as the test set it
    elif user is not None:
        if "--db" in argv:
            ensure_url(argv[argv.index("--db") + 1], user)
        env = {"HUSTINGS_USER": user, "HUSTINGS_PASSWORD": password}
    saved = {k: os.environ.get(k) for k in env}
    for key, value in env.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    try:
        main(list(argv))
        code = 0
    except SystemExit as done:
        code = int(done.code or 0)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    out, err = capsys.readouterr()
    return code, out, err
