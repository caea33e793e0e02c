"""A canonical, backend-independent picture of every table, for comparing two databases.

Surrogate ids are replaced by what they point at, so a database rebuilt from the log compares
equal to the live one even when sequences differ (PostgreSQL burns ids on rolled-back work).
A foreign key becomes a short reference to the row it points at: that row's first values and
the SHA-256 of all of them, so a change to the referenced row shows in the referring rows too.
Rows are flat tuples of (column, value): cheap to hash, so a million rows compare in seconds.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Connection, Date, DateTime, LargeBinary, Table, select

from hustings.domain.audit import utc_iso
from hustings.storage import tables as t

EXCLUDED_TABLES = {"audit_log", "web_sessions", "signin_failures", "online_board_keys",
                   "log_tree", "state_digests"}
# credentials never enter the log (verify checks them by the user's own signature instead);
# nor do TOTP secrets (sealed like them) and the last TOTP step used (not a state change)
EXCLUDED_COLUMNS = {("users", "password_hash"), ("users", "credential_sig"),
                    ("users", "totp_sealed"), ("users", "totp_last_step")}

Convert = Callable[[Any], Any]


def _datetime(value: Any) -> Any:
    return utc_iso(value) if isinstance(value, datetime) else value


def _date(value: Any) -> Any:
    if isinstance(value, datetime):
        return utc_iso(value)
    return value.isoformat() if isinstance(value, date) else value


def _binary(value: Any) -> Any:
    return "sha256:" + hashlib.sha256(bytes(value)).hexdigest()


def _json(value: Any) -> Any:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _converter(column: Any) -> Convert | None:
    """How a column's values become plain, comparable text (None: they are already)."""
    kind = column.type
    if isinstance(kind, DateTime):
        return _datetime
    if isinstance(kind, Date):
        return _date
    if isinstance(kind, LargeBinary):
        return _binary
    if isinstance(kind, JSON):
        return _json
    return None


def reference(row: tuple[Any, ...]) -> str:
    """A foreign key's stand-in: the target row's first two values and its digest."""
    shown = ",".join(str(v) for _, v in row[:2])
    digest = hashlib.sha256(repr(row).encode("utf-8")).hexdigest()[:16]
    return f"→{shown}#{digest}"


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building millions of acyclic tuples: otherwise
    it rescans them over and over and takes half the time (reference counting still frees)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def snapshot(conn: Connection) -> dict[str, list[tuple[Any, ...]]]:
    """table -> rows of natural values (foreign keys resolved to references to their rows)."""
    natural: dict[str, dict[Any, str]] = {}
    out: dict[str, list[tuple[Any, ...]]] = {}
    with gc_paused():
        for table in t.metadata.sorted_tables:
            if table.name in EXCLUDED_TABLES:
                continue
            rows, by_id = _rows(conn, table, natural)
            natural[table.name] = by_id
            out[table.name] = rows
    return out


def _rows(conn: Connection, table: Table,
          natural: dict[str, dict[Any, str]]) -> tuple[list[tuple[Any, ...]], dict[Any, str]]:
    rows: list[tuple[Any, ...]] = []
    by_id: dict[Any, str] = {}
    names = _names(table)
    for row_id, values in _iter_rows(conn, table, natural):
        key = tuple(zip(names, values, strict=True))
        rows.append(key)
        if row_id is not None:
            by_id[row_id] = reference(key)
    return rows, by_id


def _names(table: Table) -> list[str]:
    surrogate = "id" in table.c and table.c.id.primary_key
    return [c.name for c in table.c if not (surrogate and c.name == "id")
            and (table.name, c.name) not in EXCLUDED_COLUMNS]


# the checkpoints are checked against the log's own `log.checkpoint` entries instead (a
# checkpoint's digest is taken before its row exists)
NOT_DIGESTED = {"log_checkpoints"}


def _iter_rows(conn: Connection, table: Table, natural: dict[str, dict[Any, str]]
               ) -> Iterator[tuple[Any, tuple[Any, ...]]]:
    surrogate = "id" in table.c and table.c.id.primary_key
    columns = [c for c in table.c if not (surrogate and c.name == "id")
               and (table.name, c.name) not in EXCLUDED_COLUMNS]
    plans: list[tuple[int, Convert]] = []  # (position, converter) for columns that need one
    for i, column in enumerate(columns):
        fks = list(column.foreign_keys)
        if fks:
            target = fks[0].column.table.name
            refs = natural.get(target, {})
            plans.append((i, lambda v, refs=refs, target=target:  # type: ignore[misc]
                          refs.get(v, f"(missing {target} {v})")))
        elif (convert := _converter(column)) is not None:
            plans.append((i, convert))
    selected = ([table.c.id] if surrogate else []) + columns
    start = 1 if surrogate else 0
    result = conn.execute(select(*selected).execution_options(yield_per=20_000))
    for raw in result:
        values = list(raw[start:])
        for i, convert in plans:
            if values[i] is not None:
                values[i] = convert(values[i])
        yield (raw[0] if surrogate else None), tuple(values)
