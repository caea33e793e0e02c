"""Import a body's members from a CSV roll."""

from __future__ import annotations

from typing import Any

from hustings.domain.audit import sha256_hex
from hustings.domain.errors import InvalidInput, NotFound, Problem
from hustings.formats.csv_tables import read_members
from hustings.services.commands import Context, command, run
from hustings.services.ports import UnitOfWork, UnitOfWorkFactory


def import_members(uow_factory: UnitOfWorkFactory, body: str, data: bytes, source: str,
                   ctx: Context) -> int:
    """Validate the whole file, then stream it in; a rejected file changes nothing."""
    read_members(data, source)
    return run(uow_factory, "members.import",  # type: ignore[no-any-return]
               {"body": body, "source": source, "sha256": sha256_hex(data)}, ctx, blobs=(data,))


@command("members.import")
def _import(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> int:
    body, source = payload["body"], payload["source"]
    if not uow.organisations.body_exists(body):
        raise NotFound(f"no body {body!r}: bodies are created by the election definitions "
                       "that name them (hustings election create)")
    table = read_members(uow.blobs.get(payload["sha256"]), source)
    clashes = uow.members.existing_ids(body, table.member_id)
    if clashes:
        shown = sorted(clashes)[:10]
        raise InvalidInput([Problem(f"member id {m!r} is already a member of {body!r}", source,
                                    table.member_id.index(m) + 2, "member_id") for m in shown])
    joined = table.joined.tolist()
    return uow.members.add_many(body, table, joined, ctx.progress)
