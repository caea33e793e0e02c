"""The certificate of result as plain text: the one writer for `hustings results --format
certificate` and the web's `certificate.txt`."""

from __future__ import annotations

from hustings.domain.results import Certificate


def write(cert: Certificate) -> str:
    rule = f"{cert.method}, {cert.seats} seat{'s' if cert.seats != 1 else ''}"
    rules = "; ".join(f"{k} = {v}" for k, v in cert.rules) or "the method's defaults"
    polls = "; ".join(f"{key} on {day}" for key, day in cert.polls)
    width = max([len(name) for name, _, _ in cert.candidates] +
                [len(name) for name, _ in cert.final_round] + [10])
    lines = [
        "CERTIFICATE OF RESULT",
        "",
        f"{cert.organisation} — {cert.office}",
        f"Election:    {cert.title} ({cert.election})",
        f"Rule:        {rule}; {rules}",
        f"Polls:       {polls}",
        f"Registered:  {cert.registered:,}   ballots cast: {cert.ballots_cast:,}   "
        f"turnout: {cert.turnout}%",
        f"Valid:       {cert.valid:,}   blank: {cert.blank:,}   invalid: {cert.invalid:,}",
        "",
        "Votes (first preferences)" if cert.final_round else "Votes",
    ]
    lines += [f"  {name:<{width}}  {votes:>12,}  {pct:>7}%"
              for name, votes, pct in cert.candidates]
    if cert.final_round:
        lines += ["", "Final round of the count"]
        lines += [f"  {name:<{width}}  {tally:>12}" for name, tally in cert.final_round]
    lines += ["", ("Elected:     " if len(cert.winners) == 1 else "Elected, in order: ")
              + ", ".join(cert.winners)]
    lines += ["Ties:        " + ("; ".join(cert.ties) if cert.ties else "none")]
    lines += [
        "",
        f"Certified on {cert.certified_on} by {cert.certified_by}, "
        f"log entry {cert.log_entry} at {cert.certified_at}",
        f"  entry hash:            {cert.log_entry_hash}",
        f"  result version:        {cert.version}",
        f"  result version SHA-256: {cert.version_sha256}",
        "",
        "To check: `hustings log verify` (the entry and everything before it are signed and",
        "intact), and the SHA-256 of the canonical JSON of result version "
        f"{cert.version} equals the one above.",
    ]
    return "\n".join(lines) + "\n"
