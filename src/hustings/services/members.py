"""Import a body's members from a CSV roll."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from hustings.domain.audit import sha256_hex
from hustings.domain.errors import InvalidInput, NotFound, Problem
from hustings.formats.csv_tables import read_members
from hustings.services.commands import Context, command, run
from hustings.services.ports import UnitOfWork, UnitOfWorkFactory

PARSED = "members.parsed"  # ctx.private key: (sha256, MemberTable) already read by the caller


def import_members(uow_factory: UnitOfWorkFactory, body: str, data: bytes, source: str,
                   ctx: Context) -> int:
    """Validate the whole file, then stream it in; a rejected file changes nothing.

    The table parsed here travels to the handler in `ctx.private` (never logged) so a large
    roll is parsed once; a replay of the log parses the stored blob again.
    """
    sha = sha256_hex(data)
    table = read_members(data, source)
    ctx = replace(ctx, private={**ctx.private, PARSED: (sha, table)})
    return run(uow_factory, "members.import",  # type: ignore[no-any-return]
               {"body": body, "source": source, "sha256": sha}, ctx, blobs=(data,))


@command("members.import")
def _import(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> int:
    body, source = payload["body"], payload["source"]
    if not uow.organisations.body_exists(body):
        raise NotFound(f"no body {body!r}: bodies are created by the election definitions "
                       "that name them (hustings election create)")
    parsed = ctx.private.get(PARSED)
    if parsed is not None and parsed[0] == payload["sha256"]:
        table = parsed[1]
    else:
        table = read_members(uow.blobs.get(payload["sha256"]), source)
    clashes = uow.members.existing_ids(body, table.member_id)
    if clashes:
        shown = sorted(clashes)[:10]
        raise InvalidInput([Problem(f"member id {m!r} is already a member of {body!r}", source,
                                    table.member_id.index(m) + 2, "member_id") for m in shown])
    joined = table.joined.tolist()
    return uow.members.add_many(body, table, joined, ctx.progress)
