"""Members vote online: `hustings online setup|open|close|tally|publish|status|board|export|
verify`, `hustings credentials generate`, `hustings trustee keygen|decrypt`, `hustings vote`.

See docs/online-voting.md for the whole flow and who runs what.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import typer

from hustings.cli.context import acting, console, read_file, uow
from hustings.cli.options import parse_day
from hustings.crypto.errors import VerificationError
from hustings.domain.errors import InvalidInput, Problem
from hustings.services import online
from hustings.services import online_clients as oc

online_app = typer.Typer(help="Online voting: set up, open, close, tally, publish, export.",
                         no_args_is_help=True)
credentials_app = typer.Typer(help="The credential authority's tool: members' credentials.",
                              no_args_is_help=True)
trustee_app = typer.Typer(help="A trustee's steps: the key ceremony and decryption.",
                          no_args_is_help=True)

EXIT_TAMPERED = 7


@online_app.command("setup")
def setup_cmd(ctx: typer.Context, election: str = typer.Argument(..., help="Slug."),
              trustee: list[str] = typer.Option(..., "--trustee", help="A trustee's user name "
                                                "(repeat: trustee 1, 2, ...)."),
              threshold: int = typer.Option(..., help="How many trustees must decrypt."),
              poll: str = typer.Option("initial", help="The poll this is an online channel "
                                       "of (a runoff or next ballot is a new online poll)."),
              opens: str = typer.Option(None, help="Opening day, YYYY-MM-DD (shown)."),
              closes: str = typer.Option(None, help="Last day, YYYY-MM-DD: no ballot is "
                                         "taken after it ends.")) -> None:
    """Attach an online poll to an election's poll: question, trustees and threshold.

    Example: hustings online setup branch-online-demo --trustee t-ana --trustee t-bo
    --trustee t-cy --threshold 2
    """
    from datetime import datetime, time

    day_open = parse_day(opens, "--opens")
    day_close = parse_day(closes, "--closes")
    crypto_id = online.setup(
        uow(ctx), election, trustee, threshold, acting(ctx), poll,
        datetime.combine(day_open, time()) if day_open else None,
        datetime.combine(day_close, time(23, 59, 59)) if day_close else None)
    console.print(f"online poll {crypto_id} set up: {threshold} of {len(trustee)} trustees; "
                  "next, each trustee runs `hustings trustee keygen " f"{election} --key FILE`")


@online_app.command("open")
def open_cmd(ctx: typer.Context, election: str = typer.Argument(..., help="Slug.")) -> None:
    """Fix the election key from the trustees' dealings and open the board to ballots.

    Example: hustings online open branch-online-demo
    """
    fingerprint = online.open_poll(uow(ctx), election, acting(ctx))
    console.print(f"online poll of {election} open; election fingerprint {fingerprint}")


@online_app.command("close")
def close_cmd(ctx: typer.Context, election: str = typer.Argument(..., help="Slug.")) -> None:
    """Close the board and fix its encrypted tally; the trustees decrypt next.

    Example: hustings online close branch-online-demo
    """
    tally = online.close(uow(ctx), election, acting(ctx))
    console.print(f"online poll of {election} closed: {tally['ballots']} ballots counted "
                  f"(total weight {tally['weight']}); trustees now run `hustings trustee "
                  f"decrypt {election} --key FILE`")


@online_app.command("tally")
def tally_cmd(ctx: typer.Context, election: str = typer.Argument(..., help="Slug.")) -> None:
    """Decrypt the tally from the trustees' shares (at least the threshold).

    Example: hustings online tally branch-online-demo
    """
    result = online.decrypt_tally(uow(ctx), election, acting(ctx))
    console.print("; ".join(f"{k} {v}" for k, v in result.items()))


@online_app.command("publish")
def publish_cmd(ctx: typer.Context, election: str = typer.Argument(..., help="Slug.")
                ) -> None:
    """Enter the decrypted result in the count as the return of precinct ONLINE.

    Example: hustings online publish branch-online-demo
    """
    online.publish(uow(ctx), election, acting(ctx))
    console.print(f"the online result of {election} is in the count (precinct ONLINE)")


@online_app.command("status")
def status_cmd(ctx: typer.Context, election: str = typer.Argument(..., help="Slug."),
               as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Where the online poll stands: trustees, complaints, credentials, ballots, result.

    Example: hustings online status branch-online-demo
    """
    state = online.status(uow(ctx), election)
    if as_json:
        console.print_json(json.dumps(state))
        return
    console.print(f"{state['online_poll']}: {state['status']}; question "
                  f"{', '.join(state['question']['choices'])} "
                  f"({state['question']['min']}..{state['question']['max']} marks)")
    for t in state["trustees"]:
        steps = [s for s in ("box_key", "dealt", "decrypted") if t[s]]
        console.print(f"  trustee {t['number']} {t['user']}: {', '.join(steps) or 'waiting'}")
    for c in state["complaints"]:
        console.print(f"  complaint of {c['recipient']} against {c['dealer']}: "
                      f"{'upheld' if c['upheld'] else 'answered' if c['answered'] else 'open'}")
    console.print(f"  credentials {state['credentials']} (weight {state['weight']}), "
                  f"ballots on the board {state['ballots']}, head {state['board_head']}")
    if state["result"]:
        console.print("  result: " + "; ".join(f"{k} {v}" for k, v in state["result"].items()))


@online_app.command("board")
def board_cmd(ctx: typer.Context, election: str = typer.Argument(..., help="Slug."),
              tracker: str = typer.Option(None, help="Look up one tracker.")) -> None:
    """The public bulletin board: positions and trackers (or look up your tracker).

    Example: hustings online board branch-online-demo --tracker 3f1c...
    """
    board = online.public_board(uow(ctx), election)
    if tracker:
        found = [e for e in board["entries"] if e["tracker"] == tracker.strip().lower()]
        if not found:
            raise InvalidInput(Problem("this tracker is not on the board", "--tracker"))
        console.print(f"tracker on the board at position {found[0]['position']}")
        return
    for e in board["entries"]:
        console.print(f"{e['position']:>6} {e['tracker']}")
    console.print(f"head {board['head']}")


@online_app.command("pollbook")
def pollbook_cmd(ctx: typer.Context, election: str = typer.Argument(..., help="Slug."),
                 precinct: str = typer.Option(None, help="One station's roll only."),
                 fmt: str = typer.Option("table", "--format", help="table or csv (to print)."),
                 poll: str = typer.Option("initial", help="The poll (a runoff is another)."),
                 ) -> None:
    """The stations' poll book: each member on the roll, marked when they voted online or
    at their station.

    Example: hustings online pollbook branch-online-demo --precinct TLV --format csv
    """
    rows = online.poll_book(uow(ctx), election, precinct, poll)
    if fmt == "csv":
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(["member_id", "name", "precinct", "voted_online", "voted_station"])
        writer.writerows((m, n, p, "yes" if v else "", "yes" if s else "")
                         for m, n, p, v, s in rows)
        console.print(text.getvalue(), end="", markup=False, highlight=False)
        return
    if fmt != "table":
        raise InvalidInput(Problem(f"{fmt!r} is not table or csv", "--format"))
    for m, n, p, v, s in rows:
        mark = "VOTED ONLINE" if v else "VOTED AT STATION" if s else ""
        console.print(f"{p:<8} {m:<16} {n:<40} {mark}", markup=False, highlight=False)
    console.print(f"{sum(r[3] for r in rows)} of {len(rows)} voted online, "
                  f"{sum(r[4] for r in rows)} at their station")


@online_app.command("mark")
def mark_cmd(ctx: typer.Context, election: str = typer.Argument(..., help="Slug."),
             file: Path = typer.Argument(None, help="The station's marked register: one "
                                         "member number a line."),
             precinct: str = typer.Option(..., help="The polling station."),
             member: list[str] = typer.Option(None, "--member", help="A member who voted "
                                              "at the station (repeat; instead of FILE)."),
             poll: str = typer.Option("initial", help="The poll (a runoff is another)."),
             ) -> None:
    """Record a station's marked register: the members its clerk marked as having voted
    there. Refused, naming the member and line, when one is not on this station's roll, is
    marked already or voted online; then nothing is recorded. A member marked here can no
    longer vote online.

    Example: hustings online mark branch-online-demo register-TLV.txt --precinct TLV
    """
    from hustings.services import online_rolls

    if (file is None) == (not member):
        raise InvalidInput(Problem("give the register FILE or --member (not both)", "mark"))
    if file is not None:
        rows: list[tuple[int | None, str]] = list(online_rolls.read_marks_file(
            read_file(file), str(file)))
        source = str(file)
    else:
        rows, source = [(None, m.strip()) for m in member], "--member"
    n = online_rolls.mark_voted(uow(ctx), election, precinct, rows, source, acting(ctx), poll)
    console.print(f"{n} member(s) marked as having voted at {precinct} in poll {poll}")


@online_app.command("export")
def export_cmd(ctx: typer.Context, election: str = typer.Argument(..., help="Slug."),
               folder: Path = typer.Argument(..., help="Folder to write (created).")) -> None:
    """Write the online poll's election record: manifest.json, record.json, ceremony.json,
    board-log.json.

    Example: hustings online export branch-online-demo record/
    """
    files = online.export_files(uow(ctx), election)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (folder / name).write_bytes(data)
    except OSError as exc:
        raise InvalidInput(Problem(exc.strerror or str(exc), str(folder))) from None
    console.print(f"wrote {len(files)} files to {folder}")


@online_app.command("verify")
def verify_cmd(folder: Path = typer.Argument(..., help="An exported record's folder.")
               ) -> None:
    """Check an exported record: every hash, proof, signature, the board's chain, the tally
    and the result. Exit 7 naming the first failure when anything was tampered with.

    Example: hustings online verify record/
    """
    files = {p.name: p.read_bytes() for p in folder.glob("*.json")} if folder.is_dir() \
        else {}
    if not files:
        raise InvalidInput(Problem("no exported record here", str(folder)))
    try:
        record = online.check_export(files)
        online.verify_export(record)
    except VerificationError as error:
        console.print(f"TAMPERED: {error}")
        raise typer.Exit(EXIT_TAMPERED) from None
    counts = dict(zip(record.election.questions[0].choices, record.result.counts[0],
                      strict=True))
    console.print(f"record of {record.election.election_id} verifies: {len(record.board)} "
                  f"ballots on the board, result " + "; ".join(f"{k} {v}"
                                                               for k, v in counts.items()))


@credentials_app.command("generate")
def generate_cmd(ctx: typer.Context, election: str = typer.Argument(..., help="Slug."),
                 out: Path = typer.Option(..., help="Folder for the private credentials "
                                          "(outside the database; for the mail merge)."),
                 weights: Path = typer.Option(None, help="CSV member_id,weight for weighted "
                                              "voters (1 otherwise).")) -> None:
    """Draw a credential for each member on the roll: private ones to a file, public ones
    registered.

    Example: hustings credentials generate branch-online-demo --out ca/
    """
    table = _read_weights(weights) if weights else None
    rows = oc.generate_credentials(uow(ctx), election, acting(ctx), table)
    target = out / f"{election}-credentials.csv"
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    try:
        out.mkdir(parents=True, exist_ok=True)
        fresh = not target.exists()
        if fresh:
            writer.writerow(["member_id", "name", "credential"])
        writer.writerows(rows)  # a later run (late registrations) appends
        with target.open("a", encoding="utf-8") as f:
            f.write(text.getvalue())
        target.chmod(0o600)
    except OSError as exc:
        raise InvalidInput(Problem(exc.strerror or str(exc), str(out))) from None
    console.print(f"{len(rows)} credentials drawn; private credentials in {target} (keep it "
                  "off the server; deliver each to its member); public credentials registered")


def _read_weights(path: Path) -> dict[str, int]:
    table: dict[str, int] = {}
    text = read_file(path).decode("utf-8-sig", errors="replace")
    for line, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if line == 1 and row and row[0].strip() == "member_id":
            continue
        if len(row) != 2 or not row[1].strip().isdigit() or int(row[1]) < 1:
            raise InvalidInput(Problem("expected member_id,weight (a whole number >= 1)",
                                       str(path), line, "weight"))
        table[row[0].strip()] = int(row[1])
    return table


def _key_file(path: Path) -> oc.KeyFile | None:
    return oc.KeyFile.read(read_file(path), str(path)) if path.exists() else None


@trustee_app.command("keygen")
def keygen_cmd(ctx: typer.Context, election: str = typer.Argument(..., help="Slug."),
               key: Path = typer.Option(..., help="Your private key file (created on the "
                                        "first run; keep it secret and safe).")) -> None:
    """Your next step of the key ceremony (run it until it says ready).

    Example: hustings --user t-ana trustee keygen branch-online-demo --key ana.key
    """
    new, message = oc.keygen(uow(ctx), election, _key_file(key), acting(ctx), str(key))
    try:
        key.write_text(json.dumps(new.to_json(), indent=1) + "\n", encoding="utf-8")
        key.chmod(0o600)
    except OSError as exc:
        raise InvalidInput(Problem(exc.strerror or str(exc), str(key))) from None
    console.print(message)


@trustee_app.command("decrypt")
def decrypt_cmd(ctx: typer.Context, election: str = typer.Argument(..., help="Slug."),
                key: Path = typer.Option(..., help="Your key file from the ceremony.")
                ) -> None:
    """Compute and upload your decryption share of the closed online poll's tally.

    Example: hustings --user t-ana trustee decrypt branch-online-demo --key ana.key
    """
    found = _key_file(key)
    if found is None:
        raise InvalidInput(Problem("no such key file", str(key)))
    console.print(oc.decrypt(uow(ctx), election, found, acting(ctx), str(key)))


def vote_cmd(ctx: typer.Context, election: str = typer.Argument(..., help="Slug."),
             credential: Path = typer.Option(None, help="File holding your credential "
                                             "(26 letters and digits)."),
             choice: list[str] = typer.Option(None, "--choice", help="A choice's key "
                                              "(repeat for several)."),
             ballot: Path = typer.Option(None, help="Cast this ballot JSON instead (built "
                                         "by another booth)."),
             audit: Path = typer.Option(None, help="Audit instead of casting: write the "
                                        "ballot and its randomness here (never cast it)."),
             server: str = typer.Option(None, help="Vote through a hustings server's API "
                                        "(e.g. https://vote.example.org) instead of the "
                                        "database.")
             ) -> None:
    """Vote online: encrypt and sign your choices, cast, print the tracker.

    Example: hustings vote branch-online-demo --credential my.txt --choice ada
    """
    factory = uow(ctx)
    if ballot is not None:
        try:
            body = json.loads(read_file(ballot))
        except ValueError as exc:
            raise InvalidInput(Problem(f"not JSON: {exc}", str(ballot))) from None
        console.print(online.cast(factory, election, body))
        return
    if credential is None or not choice:
        raise InvalidInput(Problem("give --credential FILE and --choice KEY (or --ballot "
                                   "FILE)", "vote"))
    secret = read_file(credential).decode("utf-8", errors="replace").strip()
    if server is not None and audit is None:
        console.print(_vote_over_http(server, election, secret, choice))
        return
    if audit is not None:
        opened = oc.audit_vote(factory, election, secret, choice)
        try:
            audit.write_text(json.dumps(opened, indent=1) + "\n", encoding="utf-8")
        except OSError as exc:
            raise InvalidInput(Problem(exc.strerror or str(exc), str(audit))) from None
        console.print(f"audited: the ballot encrypts {', '.join(choice)} (not cast; "
                      f"details in {audit})")
        return
    console.print(oc.vote(factory, election, secret, choice))


def _vote_over_http(server: str, election: str, credential: str, choices: list[str]) -> str:
    """The booth's path: GET the election, encrypt and sign here, POST the ballot."""
    from urllib.parse import quote

    from hustings.crypto.election import Election

    base = f"{server.rstrip('/')}/api/elections/{quote(election, safe='')}/online"
    crypto = Election.from_json(_http(f"{base}/election"))
    body = oc.encrypt_for(crypto, credential, choices)
    answer = _http(f"{base}/ballots", body)
    return str(answer["tracker"])


def _http(url: str, body: object | None = None) -> dict:  # type: ignore[type-arg]
    """GET (or POST JSON) and decode the answer; the server's refusals become the same errors
    (and exit codes) as through the database."""
    import urllib.error
    import urllib.request

    from hustings.domain.errors import NotFound, PermissionDenied, RuleViolation, Unavailable

    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method="GET" if body is None else "POST",
                                     headers={"Content-Type": "application/json",
                                              "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310 - user's URL
            return json.loads(answer.read())  # type: ignore[no-any-return]
    except urllib.error.HTTPError as refused:
        try:
            error = json.loads(refused.read())["error"]
            message = error["message"]
            field = (error.get("problems") or [{}])[0].get("field")
        except (ValueError, KeyError, TypeError):
            message, field = f"HTTP {refused.code}", None
        if refused.code in (401, 403):
            raise PermissionDenied(message) from None
        if refused.code == 404:
            raise NotFound(message) from None
        if refused.code == 409:
            raise RuleViolation(message) from None
        if refused.code in (400, 413, 415, 422):
            raise InvalidInput(Problem(message, "server", None, field)) from None
        raise Unavailable(f"{url}: HTTP {refused.code}: {message}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise Unavailable(f"{url}: {exc}") from None


def register(app: typer.Typer) -> None:
    app.add_typer(online_app, name="online")
    app.add_typer(credentials_app, name="credentials")
    app.add_typer(trustee_app, name="trustee")
    app.command("vote")(vote_cmd)
