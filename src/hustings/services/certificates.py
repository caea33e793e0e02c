"""The certificate of a certified result: the version made at certification, the log entry
that certified it, and the fingerprints that tie the two together."""

from __future__ import annotations

import json

from hustings.domain.audit import canonical_json, sha256_hex, utc_iso
from hustings.domain.election import ElectionStatus, Returns
from hustings.domain.errors import NotFound, RuleViolation
from hustings.domain.results import Certificate
from hustings.services.ports import UnitOfWorkFactory
from hustings.services.web_queries import definition_names


def certificate(uow_factory: UnitOfWorkFactory, slug: str) -> Certificate:
    """The certificate of a certified election: its result version made at certification, the
    log entry that certified it (who, when) and the fingerprints of both."""
    with uow_factory() as uow:
        election = uow.elections.get(slug)
        if election.status is not ElectionStatus.CERTIFIED:
            raise RuleViolation(f"{slug!r} is {election.status.value}, not certified: a "
                                "certificate is issued only for a certified result")
        entry = None
        for e in uow.audit.entries():
            if e.command == "election.advance":
                payload = json.loads(e.payload)
                if payload.get("election") == slug and payload.get("to") == "certified":
                    entry = e
        versions = [v for v in uow.versions.all(slug) if v[2].startswith("certified on")]
        polls = [(p.key, p.day.isoformat()) for p in uow.polls.all(slug)]
    if entry is None or not versions:
        raise NotFound(f"the log holds no certification of {slug!r}")
    number, _, reason, result = versions[-1]
    names = definition_names(uow_factory).get(slug)
    final = result.get("rounds", [])[-1:] if election.returns is Returns.BALLOTS else []
    by_key = {c.key: c.name for c in election.candidates}
    return Certificate(
        election=slug, title=election.title,
        organisation=names.organisation if names else election.organisation,
        office=names.office if names else election.office,
        method=election.method, seats=election.seats,
        rules=tuple((k, str(v)) for k, v in sorted(election.rules.items())),
        polls=tuple(polls), registered=result["registered"],
        ballots_cast=result["ballots_cast"], valid=result["valid"], blank=result["blank"],
        invalid=result["invalid"], turnout=result["turnout"],
        candidates=tuple((c["name"], c["votes"], c["percentage"])
                         for c in result["candidates"]),
        final_round=tuple((by_key.get(k, k), str(v))
                          for k, v in (final[0]["tallies"].items() if final else ())),
        winners=tuple(result.get("winners") or ([result["winner"]] if result.get("winner")
                                               else [])),
        ties=tuple(f"round {t['round']}: {', '.join(t['between'])} — {t['broken_by']}, "
                   f"{t['chosen']} chosen" for t in result.get("ties", [])),
        certified_on=reason.removeprefix("certified on ").split(":", 1)[0],
        certified_by=entry.actor, certified_at=utc_iso(entry.at), log_entry=entry.seq,
        log_entry_hash=entry.hash, version=number,
        version_sha256=sha256_hex(canonical_json(result).encode("utf-8")))
