"""Run the `hustings` console script in-process, as a user would call it."""

from __future__ import annotations

import pytest

from hustings.cli.entry import main


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """`hustings ARGV`: (exit code, stdout, stderr)."""
    try:
        main(list(argv))
        code = 0
    except SystemExit as done:
        code = int(done.code or 0)
    out, err = capsys.readouterr()
    return code, out, err
