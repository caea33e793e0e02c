"""Lifecycle, disputes and rulings, the audit log: `election advance|certify|withdraw`,
`dispute file|rule|list`, `log verify|export|head`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from hustings.bootstrap import ScratchSqlite, verified_replica
from hustings.cli.context import acting, console, container, err_console, read_file, uow
from hustings.cli.elections import election_app
from hustings.cli.options import parse_day
from hustings.domain.errors import InvalidInput, Problem
from hustings.services import audit_log, checkpoints, disputes, lifecycle, log_record
from hustings.services.queries import list_disputes

dispute_app = typer.Typer(help="Disputes and the rulings on them.", no_args_is_help=True)
log_app = typer.Typer(help="The tamper-evident, hash-chained log of every change.",
                      no_args_is_help=True)


EXIT_TAMPERED = 7  # `log verify`'s exit code when the log or the state was tampered with


@election_app.command("advance")
def advance(ctx: typer.Context, election: str, status: str = typer.Argument(
        ..., help="nominations | voting | counting | provisional | certified"),
        on: str = typer.Option(None, help="Effective date (certification), YYYY-MM-DD.")
        ) -> None:
    """Take the next lifecycle step; the message names the rule that blocks it, if any.

    Example: hustings election advance labor-2002 voting
    """
    new = lifecycle.advance(uow(ctx), election, status, acting(ctx), parse_day(on, "--on"))
    console.print(f"{election} is now {new.value}")


@election_app.command("certify")
def certify(ctx: typer.Context, election: str,
            on: str = typer.Option(None, help="Date of certification, YYYY-MM-DD (today).")
            ) -> None:
    """Certify the result: the winner's tenure of the office starts on that date.

    Example: hustings election certify labor-2002 --on 2002-11-19
    """
    lifecycle.certify(uow(ctx), election, acting(ctx), parse_day(on, "--on"))
    console.print(f"{election} is certified")


@election_app.command("withdraw")
def withdraw(ctx: typer.Context, election: str, candidate: str) -> None:
    """Withdraw a candidate (only before voting opens).

    Example: hustings election withdraw labor-2002 ramon
    """
    lifecycle.withdraw(uow(ctx), election, candidate, acting(ctx))
    console.print(f"{candidate} withdrawn from {election}")


@dispute_app.command("file")
def file(ctx: typer.Context, election: str,
         complaint: str = typer.Option(..., help="What is alleged."),
         poll: str = typer.Option("initial", help="The poll disputed."),
         precinct: list[str] = typer.Option(None, help="A precinct disputed (repeat); none "
                                            "means the whole poll."),
         evidence: list[Path] = typer.Option(None, help="An evidence file (repeat); stored "
                                             "with its SHA-256."),
         by: str = typer.Option(None, help="Who complains (recorded as the filer; default: "
                                "you)."),
         on: str = typer.Option(None, help="Day it was filed, YYYY-MM-DD (default: now).")
         ) -> None:
    """File a dispute about a poll or some of its precincts.

    Example: hustings dispute file labor-2001 --precinct NZR --complaint "..." --evidence a.pdf
    """
    files = [(p.name, read_file(p)) for p in evidence or []]
    number = disputes.file_dispute(uow(ctx), election, poll, list(precinct or []), complaint,
                                   acting(ctx), files, on=parse_day(on, "--on"), filed_by=by)
    console.print(f"filed dispute {number} in {election}")


@dispute_app.command("rule")
def rule(ctx: typer.Context, election: str, dispute: int,
         decision: str = typer.Option(..., help="dismiss | recount | void-and-revote | "
                                      "void-poll | accept-unreported"),
         reasons: str = typer.Option(..., help="The ruling's reasons."),
         precinct: list[str] = typer.Option(None, help="Precincts the ruling applies to "
                                            "(default: the dispute's)."),
         revote_day: str = typer.Option(None, help="Date of the re-vote, YYYY-MM-DD."),
         on: str = typer.Option(None, help="Date of the ruling, YYYY-MM-DD (today).")
         ) -> None:
    """Rule on a dispute and apply the decision to the count.

    Example: hustings dispute rule labor-2001 1 --decision void-and-revote --revote-day
    2001-12-26 --reasons "irregularities proven"
    """
    ruling = disputes.rule(uow(ctx), election, dispute, decision, reasons, acting(ctx),
                           list(precinct or []) or None, parse_day(revote_day, "--revote-day"),
                           parse_day(on, "--on"))
    extra = f"; re-vote poll {ruling.revote_poll} on {ruling.revote_day}" \
        if ruling.revote_poll else ""
    console.print(f"ruled on dispute {dispute}: {ruling.decision.value}{extra}")


@dispute_app.command("list")
def list_cmd(ctx: typer.Context, election: str) -> None:
    """List an election's disputes and rulings."""
    table = Table("no.", "filed by", "poll", "precincts", "complaint", "evidence (SHA-256)",
                  "ruling")
    for d, r in list_disputes(uow(ctx), election):
        ruling = "pending" if r is None else (
            f"{r.decision.value} by {r.ruled_by} on {r.ruled_at.date()}: {r.reasons}")
        table.add_row(str(d.number), d.filed_by, d.poll, ", ".join(d.precincts) or "all",
                      d.complaint, "\n".join(f"{e.name} {e.sha256[:16]}…" for e in d.evidence),
                      ruling)
    console.print(table)


@log_app.command("verify")
def verify(ctx: typer.Context,
           checkpoint: list[Path] = typer.Option(None, "--checkpoint", metavar="FILE",
                                                 help="A checkpoint kept outside the database "
                                                 "(repeat): prove the log extends it."),
           full: bool = typer.Option(False, "--full", help="Replay every entry even when "
                                     "the newest is a checkpoint.")
           ) -> None:
    """Check the hash chain and rebuild the state from the log in a scratch database.

    Exits 0 when intact; otherwise (exit 7) names the first bad entry, the table and row that
    disagree with the log, or the first checkpoint the log no longer extends. A checkpoint
    file that does not parse, is signed by an unknown key or is another log's: exit 2. After
    a checkpoint, the state is checked against the digests it signed, replaying only the
    entries since, unless --full.
    Example: hustings log verify --checkpoint published.checkpoint
    """
    given = [checkpoints.read(str(p), read_file(p)) for p in checkpoint or []]
    report = audit_log.verify(uow(ctx), ScratchSqlite, given, full=full,
                              replica=_replica(ctx))
    if report.ok:
        extends = "".join(f"; extends checkpoint {g.name} (size {g.checkpoint.size})"
                          for g in given)
        console.print(f"log intact: {report.entries} entries, head {report.head}; "
                      f"{report.basis}{extends}")
        return
    for problem in report.problems:
        err_console.print(f"tampered: {problem}", markup=False)
    raise typer.Exit(EXIT_TAMPERED)


@log_app.command("export")
def export(ctx: typer.Context,
           directory: Path = typer.Argument(None, metavar="[DIR]", help="Write the public "
                                            "record (entries, checkpoints, keys, files, "
                                            "results, manifest) into this new directory."),
           output: Path = typer.Option(None, help="Write to this file "
                                       "instead of standard output.")) -> None:
    """Write the log as JSON lines for publication, or the whole public record into DIR.

    The record's format is docs/formats/election-record.md; `hustings-verify DIR` checks it.
    Example: hustings log export --output log.jsonl; hustings log export record-2026/
    """
    if directory is not None:
        _write_record(ctx, directory)
        return
    lines = audit_log.export(uow(ctx))
    if output is None:
        for line in lines:
            print(line)
        return
    with output.open("w", encoding="utf-8") as f:
        for line in lines:
            f.write(line + "\n")
    console.print(f"wrote {output}")


def _replica(ctx: typer.Context) -> audit_log.Replica:
    return audit_log.Replica(verified_replica(container(ctx).settings.database_url),
                             ScratchSqlite)


def _write_record(ctx: typer.Context, directory: Path) -> None:
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise InvalidInput(Problem("exists and is not an empty directory: the record goes "
                                   "into a new one", str(directory)))
    count = 0
    try:
        for relative, content in log_record.record_files(uow(ctx)):
            target = directory / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            count += 1
    except OSError as exc:
        raise InvalidInput(Problem(exc.strerror or str(exc), str(directory))) from None
    console.print(f"wrote the public record to {directory}: {count} files; check it with "
                  f"hustings-verify {directory}")


@log_app.command("checkpoint")
def checkpoint_cmd(ctx: typer.Context,
                   out: Path = typer.Option(None, "--out", metavar="FILE",
                                            help="Write the checkpoint to this file (default: "
                                            "standard output).")) -> None:
    """Sign the log's size and Merkle root as a checkpoint to publish (administrators).

    The log is verified in full first (exit 7, and no checkpoint, if it does not verify);
    the checkpoint, with the state's digests, is recorded in the log too. Keep the file
    outside the database: later, `hustings log verify --checkpoint FILE` proves the log
    still extends it.
    Example: hustings log checkpoint --out 2026-12-02.checkpoint
    """
    factory = uow(ctx)
    try:
        made = checkpoints.make(factory, acting(ctx), lambda: audit_log.verify(
            factory, ScratchSqlite, full=True, replica=_replica(ctx), keep=True).problems)
    except checkpoints.NotVerified as refused:
        for problem in refused.problems:
            err_console.print(f"tampered: {problem}", markup=False)
        err_console.print("no checkpoint made: the log does not verify")
        raise typer.Exit(EXIT_TAMPERED) from None
    if out is None:
        print(made.text(), end="")
        return
    try:
        out.write_text(made.text(), encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(Problem(exc.strerror or str(exc), str(out))) from None
    console.print(f"wrote {out}: checkpoint of {made.size} entries, root {made.root}")


@log_app.command("head")
def head(ctx: typer.Context) -> None:
    """Print the number and hash of the newest entry, for publishing elsewhere."""
    seq, digest = audit_log.head(uow(ctx))
    print(f"{seq} {digest}")


def register(app: typer.Typer) -> None:
    app.add_typer(dispute_app, name="dispute")
    app.add_typer(log_app, name="log")
