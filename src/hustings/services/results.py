"""Read-side queries: an election's published result, its versions and their differences."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hustings.domain.audit import canonical_json, sha256_hex, utc_iso
from hustings.domain.errors import NotFound
from hustings.domain.results import Result
from hustings.services.count import CHANGES, count_election
from hustings.services.ports import UnitOfWorkFactory


def election_result(uow_factory: UnitOfWorkFactory, slug: str) -> Result:
    """The live count's final round (figures as they stand now)."""
    with uow_factory() as uow:
        return count_election(uow, slug).final.result


def published_result(uow_factory: UnitOfWorkFactory, slug: str, version: int | None = None,
                     as_of: datetime | None = None) -> dict[str, Any]:
    """A stored result version (the newest by default) with its number and reason.

    Before any precinct reports there is no version: the live (empty) count is version 0.
    """
    with uow_factory() as uow:
        election = uow.elections.get(slug)
        versions = uow.versions.all(slug)
        if version is not None:
            chosen = [v for v in versions if v[0] == version]
            if not chosen:
                raise NotFound(f"{slug!r} has no result version {version} "
                               f"(versions 1–{len(versions)})" if versions else
                               f"{slug!r} has no result versions yet")
        elif as_of is not None:
            chosen = [v for v in versions if utc_iso(v[1]) <= utc_iso(as_of)][-1:]
            if not chosen:
                raise NotFound(f"{slug!r} had no result at {as_of.isoformat()}")
        else:
            chosen = versions[-1:]
        if not chosen:
            live = count_election(uow, slug).to_dict()
            return {**live, "version": 0, "reason": "no precinct has reported yet"}
        number = chosen[0][0]
        out = published_version(chosen[0])
        if number == versions[-1][0]:
            out["status"] = election.status.value
        return out


def published_version(item: tuple[int, datetime, str, dict[str, Any]]) -> dict[str, Any]:
    """A stored version as published: its result, number, reason, time, and the SHA-256 of
    the stored figures (what the certificate names)."""
    number, at, reason, result = item
    return {**published(result), "version": number, "reason": reason,
            "created_at": utc_iso(at),
            "sha256": sha256_hex(canonical_json(result).encode("utf-8"))}


def published(stored: dict[str, Any]) -> dict[str, Any]:
    """A stored version's result without what is kept for the story (its precinct changes)."""
    return {k: v for k, v in stored.items() if k != CHANGES}


def versions(uow_factory: UnitOfWorkFactory, slug: str) -> list[dict[str, Any]]:
    with uow_factory() as uow:
        uow.elections.get(slug)
        logs = uow.versions.logs(slug)
        return [{"version": n, "created_at": utc_iso(at), "reason": reason,
                 "winner": result.get("winner"), "log": _log(logs.get(n))}
                for n, at, reason, result in uow.versions.all(slug)]


def _log(log: tuple[int, str] | None) -> dict[str, Any] | None:
    """The log's Merkle tree when a version was made: a checkpoint of size `size` with this
    root proves the version's entry came after those entries (docs/integrity.md)."""
    return None if log is None else {"size": log[0], "root": log[1]}


def diff_versions(uow_factory: UnitOfWorkFactory, slug: str, a: int,
                  b: int) -> list[tuple[str, Any, Any]]:
    """Every figure that differs between versions a and b: (what, in a, in b)."""
    first = published_result(uow_factory, slug, a)
    second = published_result(uow_factory, slug, b)
    return diff_results(first, second)


def diff_results(first: dict[str, Any], second: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    changes: list[tuple[str, Any, Any]] = []
    for key in ("status", "registered", "ballots_cast", "valid", "blank", "invalid", "turnout",
                "winner", "margin"):
        if first.get(key) != second.get(key):
            changes.append((key, first.get(key), second.get(key)))
    if first.get("precincts") != second.get("precincts"):
        changes.append(("precincts reporting", first["precincts"]["reporting"],
                        second["precincts"]["reporting"]))
    votes_a = {c["name"]: c for c in first.get("candidates", [])}
    votes_b = {c["name"]: c for c in second.get("candidates", [])}
    for name in list(votes_a) + [n for n in votes_b if n not in votes_a]:
        ca, cb = votes_a.get(name, {}), votes_b.get(name, {})
        for field in ("votes", "percentage"):
            if ca.get(field) != cb.get(field):
                changes.append((f"{name}: {field}", ca.get(field), cb.get(field)))
    return changes

