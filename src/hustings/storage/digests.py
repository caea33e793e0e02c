"""Running state digests: for each table of the verified state, its number of rows and the sum,
modulo 2^256, of the SHA-256 of each row's canonical form, kept in `state_digests` and updated
in the same transaction as every write (issue 11, part 5; docs/integrity.md, "Running digests").

A table's digest is its row count and the sum, modulo 2^2048, of each row's SHAKE-256 digest
of 2048 bits (a multiset hash, "AdHash", with a modulus large enough that Wagner's
generalised-birthday attack, which breaks a 256-bit sum, is out of reach; docs/integrity.md).

A row's canonical form (digest scheme 2) is the tuple of its values without the surrogate `id`
and without the columns the log never holds (snapshot.EXCLUDED_COLUMNS): dates and times as
UTC ISO text, JSON as sorted compact text, binary as its SHA-256, and a foreign key as the
*natural key* of the row it points at (its unique columns, themselves resolved, hashed): never
the target's id (ids differ between the live database and a replay) nor its other values (so a
change to an election's status changes the `elections` digest only, not the digest of every
roll entry that points at the election).

Every write the repositories make through SQLAlchemy Core is seen by a `Tracker` attached to
the unit of work's connection (a `before_execute`/`after_execute` listener): the digests of
the rows an UPDATE or DELETE matches are subtracted before it runs, those of the rows it
leaves and of the rows an INSERT adds are added after, and the totals are written to
`state_digests` when the unit of work commits. Writes that bypass Core (the members import's
driver-level bulk insert and COPY) report their rows with `Tracker.inserted_after`. An INSERT
whose rows cannot be told apart (INSERT ... SELECT: freezing a roll) marks its table for a
fresh count at commit. A direct SQL edit bypasses all of this: that is what `log verify`
looks for (services/audit_log.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import (
    Connection,
    Delete,
    Insert,
    Table,
    Update,
    and_,
    event,
    func,
    or_,
    select,
)

from hustings.storage import tables as t
from hustings.storage.snapshot import EXCLUDED_COLUMNS, EXCLUDED_TABLES, NOT_DIGESTED, _converter

BITS = 2048
MODULUS = 1 << BITS
HEX = BITS // 4
SCHEME = 2  # recorded by every checkpoint (services/checkpoints.STATE_SCHEME)

# The natural key of every table a foreign key points at: what identifies a row whatever its id.
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "organisations": ("slug",),
    "bodies": ("organisation_id", "slug"),
    "members": ("body_id", "member_id"),
    "offices": ("organisation_id", "slug"),
    "elections": ("slug",),
    "precincts": ("election_id", "code"),
    "polls": ("election_id", "key"),
    "disputes": ("election_id", "number"),
    "rulings": ("dispute_id",),
    "online_polls": ("crypto_id",),
}
DIGESTED: tuple[str, ...] = tuple(
    table.name for table in t.metadata.sorted_tables
    if table.name not in EXCLUDED_TABLES | NOT_DIGESTED | {"state_digests"})
_TABLES = {table.name: table for table in t.metadata.sorted_tables}
REFERENCING: dict[str, set[str]] = {}  # table -> the digested tables whose rows point at it
for _name in DIGESTED:
    for _column in _TABLES[_name].c:
        for _fk in _column.foreign_keys:
            REFERENCING.setdefault(_fk.column.table.name, set()).add(_name)
CHUNK = 500


def empty() -> str:
    return _format(0, 0)


def _format(count: int, total: int) -> str:
    return f"{count}:{total % MODULUS:0{HEX}x}"



def _parse(text: str) -> tuple[int, int]:
    count, total = text.split(":")
    return int(count), int(total, 16)


def _surrogate(table: Table) -> bool:
    return "id" in table.c and bool(table.c.id.primary_key)


def _columns(table: Table) -> list[Any]:
    surrogate = _surrogate(table)
    return [c for c in table.c if not (surrogate and c.name == "id")
            and (table.name, c.name) not in EXCLUDED_COLUMNS]


class Hasher:
    """Row digests under the scheme above, with the natural keys of referenced rows loaded
    once per table (and forgotten when that table is written)."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self._keys: dict[str, dict[Any, str]] = {}

    def forget(self) -> None:
        self._keys.clear()

    def keys(self, table_name: str) -> dict[Any, str]:
        """id -> "→" and a short digest of the row's natural key (its unique columns,
        resolved); an id not there gives "(missing TABLE ID)"."""
        if table_name not in self._keys:
            table = _TABLES[table_name]
            names = NATURAL_KEYS[table_name]
            plans = self._plans(table, [table.c[n] for n in names])
            found = _Refs(table_name)
            sha256 = hashlib.sha256
            for raw in self.conn.execute(select(table.c.id, *[table.c[n] for n in names])
                                         .execution_options(yield_per=20_000)):
                values = _convert(raw[1:], plans)
                found[raw[0]] = "→" + sha256(repr((table_name, values)).encode()
                                             ).hexdigest()[:32]
            self._keys[table_name] = found
        return self._keys[table_name]

    def _plans(self, table: Table, columns: Sequence[Any]) -> list[tuple[int, Any]]:
        """(position, how its value becomes canonical) for the columns that need it."""
        plans: list[tuple[int, Any]] = []
        for i, column in enumerate(columns):
            fks = list(column.foreign_keys)
            if fks:
                plans.append((i, self.keys(fks[0].column.table.name).__getitem__))
            elif (convert := _converter(column)) is not None:
                plans.append((i, convert))
        return plans

    def rows(self, table: Table, where: Any = None) -> Iterator[tuple[tuple[Any, ...], int]]:
        """(primary key, digest as an integer) of each row (matching `where`)."""
        columns = _columns(table)
        pk = list(table.primary_key.columns)
        plans = self._plans(table, columns)
        stmt = select(*pk, *columns)
        if where is not None:
            stmt = stmt.where(where)
        n = len(pk)
        shake, from_bytes, size = hashlib.shake_256, int.from_bytes, BITS // 8
        for raw in self.conn.execute(stmt.execution_options(yield_per=20_000)):
            values = _convert(raw[n:], plans)
            yield tuple(raw[:n]), from_bytes(shake(repr(values).encode("utf-8")).digest(size),
                                             "big")

    def scan(self, table_name: str) -> str:
        """The table's digest computed from its rows ("ROWS:HEX")."""
        count = total = 0
        for _, digest in self.rows(_TABLES[table_name]):
            count += 1
            total += digest
        return _format(count, total)


class _Refs(dict[Any, str]):
    """A referenced table's natural keys by id; a dangling id names itself."""

    def __init__(self, target: str):
        super().__init__()
        self.target = target

    def __missing__(self, key: Any) -> str:
        return f"(missing {self.target} {key})"


def _convert(raw: Sequence[Any], plans: list[tuple[int, Any]]) -> tuple[Any, ...]:
    values = list(raw)
    for i, convert in plans:
        value = values[i]
        if value is not None:
            values[i] = convert(value)
    return tuple(values)


def scan_digests(conn: Connection, tables: Iterable[str] | None = None) -> dict[str, str]:
    """table -> its digest computed from its rows, for every digested table (or these)."""
    from hustings.storage.snapshot import gc_paused

    wanted = set(DIGESTED if tables is None else tables) & set(DIGESTED)
    hasher = Hasher(conn)
    with gc_paused():
        return {name: hasher.scan(name) for name in DIGESTED if name in wanted}


def running_digests(conn: Connection) -> dict[str, str]:
    """table -> the digest kept in `state_digests` (a table never written: no rows)."""
    stored = {name: f"{rows}:{digest}" for name, rows, digest in conn.execute(
        select(t.state_digests.c.table_name, t.state_digests.c.rows,
               t.state_digests.c.digest))}
    return {name: stored.get(name, empty()) for name in DIGESTED}


def recompute_all(conn: Connection) -> dict[str, str]:
    """Count every table afresh and store the digests (the migration that adds them, and
    `hustings log verify --full --repair`-style recovery by an administrator). Only the tables
    the database has: a migration runs before later ones create theirs (a table never written
    counts as empty, `running_digests`)."""
    from sqlalchemy import inspect

    present = set(inspect(conn).get_table_names())
    found = scan_digests(conn, [name for name in DIGESTED if name in present])
    _store(conn, found)
    return found


def _store(conn: Connection, values: dict[str, str]) -> None:
    existing = set(conn.execute(select(t.state_digests.c.table_name)).scalars())
    for name, text in values.items():
        rows, digest = text.split(":")
        if name in existing:
            conn.execute(t.state_digests.update().where(t.state_digests.c.table_name == name)
                         .values(rows=int(rows), digest=digest))
        else:
            conn.execute(t.state_digests.insert().values(table_name=name, rows=int(rows),
                                                         digest=digest))


def _in(table: Table, keys: Sequence[tuple[Any, ...]]) -> Any:
    pk = list(table.primary_key.columns)
    if len(pk) == 1:
        return pk[0].in_([k[0] for k in keys])
    return or_(*[and_(*[c == v for c, v in zip(pk, k, strict=True)]) for k in keys])


class Tracker:
    """The changes to the digests made by one transaction, written at commit."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self.hasher = Hasher(conn)
        self.delta: dict[str, list[int]] = {}  # table -> [rows, sum]
        self.dirty: set[str] = set()  # counted afresh at commit
        self._pending: list[Any] = []
        self._busy = False

    def attach(self) -> None:
        event.listen(self.conn, "before_execute", self._before)
        event.listen(self.conn, "after_execute", self._after)

    def detach(self) -> None:
        event.remove(self.conn, "before_execute", self._before)
        event.remove(self.conn, "after_execute", self._after)

    def _add(self, table: str, rows: int, digest: int) -> None:
        d = self.delta.setdefault(table, [0, 0])
        d[0] += rows
        d[1] += digest

    def _wrote(self, table: Table) -> None:
        if table.name in NATURAL_KEYS:
            self.hasher.forget()

    # -- the listener -------------------------------------------------------------------------

    def _before(self, conn: Connection, statement: Any, multiparams: Any, params: Any,
                options: Any) -> None:
        if self._busy or not isinstance(statement, Insert | Update | Delete):
            return
        table = statement.table
        if not isinstance(table, Table) or table.name not in DIGESTED:
            return
        self._busy = True
        try:
            self._pending.append(self._prepare(table, statement, multiparams, params))
        finally:
            self._busy = False

    def _after(self, conn: Connection, statement: Any, multiparams: Any, params: Any,
               options: Any, result: Any) -> None:
        if self._busy or not isinstance(statement, Insert | Update | Delete):
            return
        table = statement.table
        if not isinstance(table, Table) or table.name not in DIGESTED:
            return
        plan = self._pending.pop()
        self._busy = True
        try:
            self._apply(table, statement, plan)
        finally:
            self._busy = False

    def _prepare(self, table: Table, statement: Any, multiparams: Any, params: Any) -> Any:
        if isinstance(statement, Insert):
            if statement.select is not None:
                return ("dirty",)
            if _surrogate(table):
                return ("since", self.conn.execute(select(func.max(table.c.id))).scalar())
            rows = _param_rows(statement, multiparams, params)
            pk = [c.key for c in table.primary_key.columns]
            if rows is None or any(k not in r for r in rows for k in pk):
                return ("dirty",)
            return ("keys", [tuple(r[k] for k in pk) for r in rows])
        old = list(self.hasher.rows(table, statement.whereclause))
        if isinstance(statement, Update):
            changed = {getattr(k, "key", k) for k in statement._values or {}}
            keys = {c.key for c in table.primary_key.columns}
            keys |= set(NATURAL_KEYS.get(table.name, ()))
            if changed & keys:
                return ("dirty-referenced", old)
        return ("old", old)

    def _apply(self, table: Table, statement: Any, plan: Any) -> None:
        name = table.name
        self._wrote(table)
        kind = plan[0]
        if kind == "dirty":
            self.dirty.add(name)
            return
        if kind == "since":
            where = table.c.id > plan[1] if plan[1] is not None else None
            for _, digest in self.hasher.rows(table, where):
                self._add(name, 1, digest)
            return
        if kind == "keys":
            self._add_keys(table, plan[1])
            return
        old = plan[1]
        for _, digest in old:
            self._add(name, -1, -digest)
        if isinstance(statement, Update):
            if kind == "dirty-referenced":  # a key changed: count it and its referrers afresh
                self.dirty.add(name)
                self.dirty.update(REFERENCING.get(name, set()))
                return
            self._add_keys(table, [k for k, _ in old])

    def _add_keys(self, table: Table, keys: Sequence[tuple[Any, ...]]) -> None:
        for start in range(0, len(keys), CHUNK):
            for _, digest in self.hasher.rows(table, _in(table, keys[start:start + CHUNK])):
                self._add(table.name, 1, digest)

    # -- for writes that bypass SQLAlchemy Core --------------------------------------------

    def last_id(self, table: Table) -> Any:
        return self.conn.execute(select(func.max(table.c.id))).scalar()

    def inserted_after(self, table: Table, last_id: Any) -> None:
        """Rows with an id above `last_id` were inserted (bulk, through the driver)."""
        self._apply(table, None, ("since", last_id))

    # -- at commit ----------------------------------------------------------------------------

    def flush(self) -> None:
        """Write the transaction's changes into `state_digests` (before it commits)."""
        if not self.delta and not self.dirty:
            return
        self._busy = True
        try:
            names = sorted(set(self.delta) | self.dirty)
            stmt = select(t.state_digests.c.table_name, t.state_digests.c.rows,
                          t.state_digests.c.digest).where(
                t.state_digests.c.table_name.in_(names))
            if self.conn.dialect.name == "postgresql":
                stmt = stmt.with_for_update()
            stored = {n: _parse(f"{r}:{d}") for n, r, d in self.conn.execute(stmt)}
            values: dict[str, str] = {}
            self.hasher.forget()
            for name in names:
                if name in self.dirty:
                    values[name] = self.hasher.scan(name)
                    continue
                rows, total = stored.get(name, (0, 0))
                d = self.delta[name]
                values[name] = _format(rows + d[0], total + d[1])
            _store(self.conn, values)
        finally:
            self._busy = False
            self.reset()

    def reset(self) -> None:
        self.delta.clear()
        self.dirty.clear()
        self._pending.clear()
        self.hasher.forget()


def _param_rows(statement: Any, multiparams: Any, params: Any) -> list[dict[str, Any]] | None:
    """The rows an INSERT names, as {column key: value}; None when they cannot be read."""
    if multiparams:
        rows = list(multiparams)
        if rows and isinstance(rows[0], list | tuple) and len(rows) == 1:
            rows = list(rows[0])
        if all(isinstance(r, dict) for r in rows):
            return [{getattr(k, "key", k): v for k, v in r.items()} for r in rows]
        return None
    if params:
        return [{getattr(k, "key", k): v for k, v in params.items()}]
    if statement._multi_values:
        return None
    values = statement._values or {}
    out: dict[str, Any] = {}
    for k, v in values.items():
        out[getattr(k, "key", k)] = getattr(v, "value", v)
    return [out]
