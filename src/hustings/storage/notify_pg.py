"""Change news over PostgreSQL's own LISTEN/NOTIFY (no Redis): `services.ports.ChangeChannel`.

The worker that made a change sends `NOTIFY hustings_changes, 'STAMP'` (the newest log entry's
number); every worker keeps one extra connection LISTENing, in a background thread. A lost
connection is re-opened every `retry` seconds; the polling watcher covers the gap.
"""

from __future__ import annotations

from collections.abc import Callable

import psycopg
from sqlalchemy import Engine, text

from hustings.storage.engine import database_errors
from hustings.storage.listener import Listener

CHANNEL = "hustings_changes"


class PgChanges(Listener):
    name = "hustings-pg-changes"
    transient = (psycopg.OperationalError,)

    def __init__(self, engine: Engine, retry: float = 1.0):
        super().__init__(retry)
        self.engine = engine
        url = engine.url.set(drivername="postgresql")
        self._dsn = url.render_as_string(hide_password=False)
        self._shown = url.render_as_string(hide_password=True)

    def publish(self, stamp: int) -> None:
        with database_errors(self._shown), self.engine.connect() as conn:
            conn.execute(text("SELECT pg_notify(:channel, :payload)"),
                         {"channel": CHANNEL, "payload": str(stamp)})
            conn.commit()

    def listen(self, deliver: Callable[[int], None]) -> None:
        with psycopg.connect(self._dsn, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f"LISTEN {CHANNEL}")
            self.listening.set()
            while not self.stopping:
                for note in conn.notifies(timeout=1.0):
                    if note.payload.isdigit():
                        deliver(int(note.payload))
