"""`hustings-verify DIR`: exit 0 when the record is intact, 1 when something in it fails
(each failure named), 2 when DIR is not a record this verifier can read."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

INTACT, TAMPERED, UNUSABLE = 0, 1, 2
USAGE = ("usage: hustings-verify DIR [--checkpoint FILE]...\n"
         "  DIR: a record written by `hustings log export DIR`; each FILE: a checkpoint kept "
         "outside it, which the record's log must extend")


def kind_of(directory: Path) -> str:
    """The record's kind from DIR/manifest.json; ValueError saying why it cannot be read."""
    if not directory.is_dir():
        raise ValueError(f"{directory}: not a directory")
    manifest = directory / "manifest.json"
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"{manifest}: missing (not a record)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{manifest}: unreadable: {error}") from None
    kind = data.get("kind") if isinstance(data, dict) else None
    if not isinstance(kind, str):
        raise ValueError(f"{manifest}: no \"kind\"")
    return kind


def run(directory: Path, given: tuple[Path, ...] = ()) -> tuple[int, list[str], list[str]]:
    """(exit code, problems, notes)."""
    try:
        kind = kind_of(directory)
    except ValueError as error:
        return UNUSABLE, [str(error)], []
    if kind == "hustings-online-record":
        try:
            online = importlib.import_module("hustings_verify.online")
        except ModuleNotFoundError:
            return UNUSABLE, ["online records are not supported by this verifier"], []
        problems = list(online.verify_online(directory))
        return (TAMPERED if problems else INTACT), problems, []
    if kind != "hustings-log-record":
        return UNUSABLE, [f"{directory / 'manifest.json'}: unknown kind {kind!r}"], []
    from hustings_verify.log_record import Unusable, verify_record

    try:
        report = verify_record(directory, given)
    except Unusable as error:
        return UNUSABLE, [str(error)], []
    return (TAMPERED if report.problems else INTACT), report.problems, report.notes


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args in (["-h"], ["--help"]):
        print(USAGE)
        sys.exit(INTACT)
    given: list[Path] = []
    while "--checkpoint" in args:
        at = args.index("--checkpoint")
        if at + 1 >= len(args):
            args = []
            break
        given.append(Path(args[at + 1]))
        del args[at:at + 2]
    if len(args) != 1 or args[0].startswith("-"):
        print(USAGE, file=sys.stderr)
        sys.exit(UNUSABLE)
    code, problems, notes = run(Path(args[0]), tuple(given))
    for note in notes:
        print(f"note: {note}")
    if code == INTACT:
        print(f"record intact: {args[0]}")
    elif code == TAMPERED:
        for problem in problems:
            print(f"tampered: {problem}", file=sys.stderr)
    else:
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
    sys.exit(code)
