"""Change news between the workers serving one database (`hustings serve --workers N`).

Each process has one `web.cache.ChangeWatcher`: it polls the newest log entry every
`WebConfig.change_check_seconds` and re-reads it after every state-changing request made here,
then announces the elections that changed to this process's live-page broadcaster (and the page
cache keys on its value). With a `ChangeChannel` (Redis pub/sub when `HUSTINGS_REDIS_URL` is
set, else PostgreSQL LISTEN/NOTIFY; none on SQLite alone) the hub also publishes each new stamp
it noticed, once, and every other worker that hears it re-reads the log at once (one query per
change per worker) instead of at its next poll. The polling stays as the safety net: a missed
or late message is caught within one interval, and a channel that goes away costs nothing else.

One message per change: a stamp heard from the channel is not published again. (A worker that
polls the same new stamp before the writer's message arrives publishes it too; listeners ignore
a stamp they already have, so the worst case is one message per worker per change.)
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from hustings.bootstrap import record_incident
from hustings.domain.errors import HustingsError
from hustings.services.ports import ChangeChannel
from hustings.web.cache import ChangeWatcher


class ChangeHub:
    """Wires a process's watcher, its live broadcaster and the channel (if any)."""

    def __init__(self, announce: Callable[[set[str]], None],
                 channel: ChangeChannel | None) -> None:
        self.announce, self.channel = announce, channel
        self.watcher: ChangeWatcher | None = None
        self.heard = 0  # the newest stamp heard from the channel
        self.published = 0  # the newest stamp this process published
        self.messages_heard = 0  # (for tests and benchmarks)
        self._lock = threading.Lock()

    def bind(self, watcher: ChangeWatcher) -> None:
        self.watcher = watcher

    def changed(self, slugs: set[str]) -> None:
        """The watcher's news (from any thread): announce here, publish unless heard."""
        self.announce(slugs)
        watcher, channel = self.watcher, self.channel
        if watcher is None or channel is None or watcher.value is None:
            return
        stamp = watcher.value
        with self._lock:
            if stamp <= max(self.heard, self.published):
                return
            self.published = stamp
        try:
            channel.publish(stamp)
        except HustingsError:
            pass  # the channel is down: the other workers' polling sees the change
        except Exception as exc:  # noqa: BLE001 - news is best effort; the answer goes out
            record_incident(exc, "change channel: publish")

    def heard_stamp(self, stamp: int) -> None:
        """A stamp from the channel (its listener thread): re-read the log if it is new."""
        with self._lock:
            self.messages_heard += 1
            self.heard = max(self.heard, stamp)
        watcher = self.watcher
        if watcher is None or (watcher.value is not None and stamp <= watcher.value):
            return
        try:
            watcher.check()
        except HustingsError:
            pass  # the database is unreachable for now: the polling tries again
        except Exception as exc:  # noqa: BLE001 - a bug must not stop the listener
            record_incident(exc, "change channel: re-read")

    def start(self) -> None:
        if self.channel is not None:
            self.channel.start(self.heard_stamp, _incident)

    def stop(self) -> None:
        if self.channel is not None:
            self.channel.stop()


def _incident(error: BaseException) -> None:
    record_incident(error, "change channel")
