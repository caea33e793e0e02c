"""A background listener thread for the change channels (`notify_pg.PgChanges`,
`redis_store.RedisChanges`): start, stop, and the loop that re-opens a lost connection every
`retry` seconds while the polling watcher covers the gap. Subclasses say how to listen."""

from __future__ import annotations

import threading
from collections.abc import Callable


class Listener:
    name = "hustings-changes"
    transient: tuple[type[BaseException], ...] = ()  # the connection went away: retry quietly

    def __init__(self, retry: float = 1.0):
        self.retry = retry
        self.listening = threading.Event()  # set while subscribed (for tests and benchmarks)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, deliver: Callable[[int], None],
              on_error: Callable[[BaseException], None]) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, args=(deliver, on_error),
                                        name=self.name, daemon=True)
        self._thread.start()
        self.listening.wait(5.0)  # serve once subscribed (bounded: else polling covers)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def listen(self, deliver: Callable[[int], None]) -> None:
        """Subscribe, set `listening`, deliver every stamp heard until `stopping`."""
        raise NotImplementedError

    def _run(self, deliver: Callable[[int], None],
             on_error: Callable[[BaseException], None]) -> None:
        while not self._stop.is_set():
            try:
                self.listen(deliver)
            except self.transient:
                self.listening.clear()
                self._stop.wait(self.retry)  # gone away: the polling covers until it is back
            except Exception as exc:  # noqa: BLE001 - a bug must not stop the listener
                self.listening.clear()
                on_error(exc)
                self._stop.wait(self.retry)
        self.listening.clear()
