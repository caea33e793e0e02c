"""`hustings results ELECTION [--format ...] [--version N | --as-of T]`, `results diff E A B`,
`results versions E`."""

from __future__ import annotations

import enum
import json
from typing import Any

import typer
from rich.table import Table

from hustings.cli.context import console, uow
from hustings.cli.options import parse_timestamp
from hustings.domain.errors import InvalidInput, Problem
from hustings.formats import article, wikitext
from hustings.formats import certificate as certificate_format
from hustings.formats.published_result import outcome_of, result_csv, result_json
from hustings.formats.results_rctab import write_rctab_summary
from hustings.services.certificates import certificate
from hustings.services.queries import get_election
from hustings.services.record_store import election_record
from hustings.services.results import diff_versions, published_result, versions


class ResultFormat(enum.StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    ARTICLE = "article"
    WIKITEXT = "wikitext"
    RCTAB = "rctab"
    CERTIFICATE = "certificate"


def results(
    ctx: typer.Context,
    words: list[str] = typer.Argument(..., metavar="ELECTION | diff ELECTION A B | versions "
                                      "ELECTION", help="An election slug; or `diff SLUG A B`; "
                                      "or `versions SLUG`."),
    format: ResultFormat = typer.Option(ResultFormat.TABLE, "--format", "-f",
                                        help="Output format."),
    version: int = typer.Option(None, "--version", help="An earlier result version."),
    as_of: str = typer.Option(None, "--as-of", help="The version in force at this timestamp "
                              "(UTC, YYYY-MM-DDTHH:MM:SS)."),
) -> None:
    """Show an election's result: votes, percentages, turnout, margin, winner, version.

    `--format article|wikitext` exports any election, run or imported (`record import`), as an
    encyclopedia article or MediaWiki wikitext; `--format certificate` prints a certified
    election's certificate of result.

    Examples: hustings results labor-2002 --format json; hustings results labor-2002 -f article;
    hustings results labor-2001 --version 1; hustings results diff labor-2001 1 3
    """
    factory = uow(ctx)
    if words[0] == "diff":
        if len(words) != 4 or not words[2].isdigit() or not words[3].isdigit():
            raise InvalidInput(Problem("usage: hustings results diff ELECTION A B (version "
                                       "numbers)", "results diff"))
        changes = diff_versions(factory, words[1], int(words[2]), int(words[3]))
        if format is ResultFormat.JSON:
            print(json.dumps([{"what": w, "a": a, "b": b} for w, a, b in changes],
                             ensure_ascii=False, indent=2))
            return
        table = Table("what", f"version {words[2]}", f"version {words[3]}",
                      title=f"{words[1]}: version {words[2]} → {words[3]}")
        for what, a, b in changes:
            table.add_row(what, str(a), str(b))
        console.print(table if changes else "no differences")
        return
    if words[0] == "versions":
        rows = versions(factory, words[1] if len(words) > 1 else "")
        if format is ResultFormat.JSON:
            print(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        table = Table("version", "created (UTC)", "winner", "reason", "log (size root)")
        for r in rows:
            log = r.get("log")
            table.add_row(str(r["version"]), r["created_at"], str(r["winner"]), r["reason"],
                          f"{log['size']} {log['root'][:12]}…" if log else "")
        console.print(table)
        return
    if len(words) != 1:
        raise InvalidInput(Problem(f"unexpected arguments: {' '.join(words[1:])}", "results"))
    if format in (ResultFormat.ARTICLE, ResultFormat.WIKITEXT):
        if version is not None or as_of is not None:
            raise InvalidInput(Problem("--format article/wikitext exports the current result: "
                                       "no --version or --as-of", "--format"))
        record = election_record(factory, words[0])
        writer = article.write if format is ResultFormat.ARTICLE else wikitext.write
        print(writer(record), end="")
        return
    if format is ResultFormat.CERTIFICATE:
        if version is not None or as_of is not None:
            raise InvalidInput(Problem("--format certificate is the certified result's: no "
                                       "--version or --as-of", "--format"))
        print(certificate_format.write(certificate(factory, words[0])), end="")
        return
    data = published_result(factory, words[0], version, parse_timestamp(as_of, "--as-of"))
    if format is ResultFormat.JSON:
        print(result_json(data))
    elif format is ResultFormat.CSV:
        print(result_csv(data), end="")
    elif format is ResultFormat.RCTAB:
        election = get_election(factory, words[0])
        print(write_rctab_summary(outcome_of(data), contest=election.title,
                                  date=(election.timetable.polling_day or "").__str__(),
                                  office=election.office, total_ballots=data["ballots_cast"]),
              end="")
    else:
        show_table(data)


def show_table(data: dict[str, Any]) -> None:
    base = "valid votes" if data.get("percentage_base", "valid") == "valid" else "ballots cast"
    for r in data.get("polls", [])[:-1]:
        console.print(f"Round {r['round']} ({r['poll']}, {r['day']}): " + "; ".join(
            f"{c['name']} {c['votes']:,} ({c['percentage']}%)" for c in r["candidates"])
            + (f" — runoff: {' v '.join(r['runoff'])}" if r.get("runoff") else "")
            + (f" — next ballot: {', '.join(r['next_ballot'])}" if r.get("next_ballot")
               else ""))
    show_count(data)
    table = Table(title=f"{data['election']} — {data['status']} (version {data['version']}: "
                  f"{data['reason']})", title_justify="left")
    table.add_column("Candidate")
    table.add_column("First preferences" if data.get("returns") == "ballots" else "Votes",
                     justify="right")
    table.add_column(f"% of {base}", justify="right")
    chosen = set(data.get("winners") or [data.get("winner")])
    for c in data["candidates"]:
        mark = " ✔" if c["name"] in chosen else ""
        table.add_row(c["name"] + mark, f"{c['votes']:,}", c["percentage"])
    table.add_section()
    table.add_row("Blank", f"{data['blank']:,}", "")
    table.add_row("Invalid", f"{data['invalid']:,}", "")
    table.add_row("Ballots cast", f"{data['ballots_cast']:,}", "")
    table.add_row("Registered", f"{data['registered']:,}", f"turnout {data['turnout']}%")
    console.print(table)
    winners = data.get("winners") or ([data["winner"]] if data.get("winner") else [])
    winner = ", ".join(winners) or "none yet (a tie, a runoff due, or no votes)"
    margin = f"; margin {data['margin']:,} votes" if data["margin"] else ""
    console.print(f"Winner: {winner}{margin}; precincts reporting "
                  f"{data['precincts']['reporting']} of {data['precincts']['total']}.")


def show_count(data: dict[str, Any]) -> None:
    """The engine's rounds, when the rule counts more than one (ranked and multi-seat rules),
    the sections of a college, and every tie with how it was broken."""
    rounds = data.get("rounds") or []
    if len(rounds) > 1 or data.get("seats", 1) > 1 or data.get("returns") == "ballots":
        seats = data.get("seats", 1)
        console.print(f"The count by {data.get('method')} ({seats} seat"
                      f"{'s' if seats != 1 else ''}):")
        for r in rounds:
            what = "; ".join([*(f"{n} elected" for n in r["elected"]),
                              *(f"{n} eliminated" for n in r["eliminated"])])
            extra = [f"exhausted {r['exhausted']}"] + (
                [f"{'quota' if data.get('method') == 'stv' else 'threshold'} "
                 f"{r['threshold']}"] if r["threshold"] else [])
            console.print(f"  Round {r['round']}: " + ", ".join(
                f"{n} {v}" for n, v in r["tallies"].items()) + f" ({'; '.join(extra)})"
                + (f" — {what}" if what else ""))
    for s in data.get("sections", []):
        console.print(f"Section {s['name']} (weight {s['weight']}): {s['ballots_cast']:,} of "
                      f"{s['registered']:,} voted; first round " + "; ".join(
                          f"{n} {v:,}" for n, v in s["tallies"].items()))
    for t in data.get("ties", []):
        console.print(f"Tie in round {t['round']} between {', '.join(t['between'])}: broken by "
                      f"{t['broken_by']}; {t['chosen']} chosen ({t['purpose']}).")


def register(app: typer.Typer) -> None:
    app.command("results")(results)
