"""Change news over PostgreSQL's own LISTEN/NOTIFY (no Redis): `services.ports.ChangeChannel`.

The worker that made a change sends `NOTIFY hustings_changes, 'STAMP'` (the newest log entry's
number); every worker keeps one extra connection LISTENing, in a background thread. A lost
connection is re-opened every `retry` seconds; the polling watcher covers the gap.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import psycopg
from sqlalchemy import Engine, text

from hustings.storage.engine import database_errors

CHANNEL = "hustings_changes"


class PgChanges:
    def __init__(self, engine: Engine, retry: float = 1.0):
        self.engine, self.retry = engine, retry
        url = engine.url.set(drivername="postgresql")
        self._dsn = url.render_as_string(hide_password=False)
        self._shown = url.render_as_string(hide_password=True)
        self.listening = threading.Event()  # set while LISTENing (for tests and benchmarks)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def publish(self, stamp: int) -> None:
        with database_errors(self._shown), self.engine.connect() as conn:
            conn.execute(text("SELECT pg_notify(:channel, :payload)"),
                         {"channel": CHANNEL, "payload": str(stamp)})
            conn.commit()

    def start(self, deliver: Callable[[int], None],
              on_error: Callable[[BaseException], None]) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, args=(deliver, on_error),
                                        name="hustings-pg-changes", daemon=True)
        self._thread.start()
        self.listening.wait(5.0)  # serve once subscribed (bounded: else polling covers)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _run(self, deliver: Callable[[int], None],
             on_error: Callable[[BaseException], None]) -> None:
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._dsn, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=1.0):
                            if note.payload.isdigit():
                                deliver(int(note.payload))
            except psycopg.OperationalError:
                self.listening.clear()
                self._stop.wait(self.retry)  # the database went away: poll until it is back
            except Exception as exc:  # noqa: BLE001 - a bug must not stop the listener
                self.listening.clear()
                on_error(exc)
                self._stop.wait(self.retry)
        self.listening.clear()
