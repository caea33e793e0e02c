"""A canonical, backend-independent picture of every table, for comparing two databases.

Surrogate ids are replaced by what they point at, so a database rebuilt from the log compares
equal to the live one even when sequences differ (PostgreSQL burns ids on rolled-back work).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Table, select

from hustings.domain.audit import utc_iso
from hustings.storage import tables as t

EXCLUDED_TABLES = {"audit_log"}
EXCLUDED_COLUMNS = {("users", "password_hash")}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return utc_iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return "sha256:" + hashlib.sha256(bytes(value)).hexdigest()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, separators=(",", ":"))
    return value


def snapshot(conn: Connection) -> dict[str, list[tuple[Any, ...]]]:
    """table -> sorted rows of natural values (foreign keys resolved to their rows)."""
    natural: dict[str, dict[Any, tuple[Any, ...]]] = {}
    out: dict[str, list[tuple[Any, ...]]] = {}
    for table in t.metadata.sorted_tables:
        if table.name in EXCLUDED_TABLES:
            continue
        rows, by_id = _rows(conn, table, natural)
        natural[table.name] = by_id
        out[table.name] = rows
    return out


def _rows(conn: Connection, table: Table,
          natural: dict[str, dict[Any, tuple[Any, ...]]]) -> tuple[list[tuple[Any, ...]],
                                                                   dict[Any, tuple[Any, ...]]]:
    surrogate = "id" in table.c and table.c.id.primary_key
    columns = [c for c in table.c if not (surrogate and c.name == "id")
               and (table.name, c.name) not in EXCLUDED_COLUMNS]
    rows: list[tuple[Any, ...]] = []
    by_id: dict[Any, tuple[Any, ...]] = {}
    for row in conn.execute(select(table)):
        values: list[Any] = []
        for column in columns:
            value = row._mapping[column.name]
            fks = list(column.foreign_keys)
            if fks and value is not None:
                target = fks[0].column.table.name
                value = natural.get(target, {}).get(value, ("missing", target, value))
            values.append((column.name, _plain(value)))
        key = tuple(values)
        rows.append(key)
        if surrogate:
            by_id[row._mapping["id"]] = key
    return rows, by_id
