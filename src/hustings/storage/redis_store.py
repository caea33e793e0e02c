"""Redis, when `HUSTINGS_REDIS_URL` is set: web sessions, failed sign-ins and change news shared
by every worker (and every machine) of one database.

- `RedisSessionRepo` satisfies `services.ports.SessionRepo`: a hash per session (by the SHA-256
  of its id, as in the database) and a set of a user's sessions, so sign-out, a password change
  and disabling the user end them everywhere. The services decide idle and absolute timeouts as
  with the database; Redis also forgets a session `ttl` seconds after its last use.
- `RedisSigninFailureRepo` satisfies `services.ports.SigninFailureRepo` with the database's exact
  sliding window: one sorted set per user name, per client address and overall (member: the
  failure's id, score: its time), so counts and "retry after" agree with the database's.
- `RedisChanges` satisfies `services.ports.ChangeChannel`: Redis pub/sub carries the newest log
  entry number from the worker that made a change to every other worker.

Keys and the channel are prefixed with a digest of the database URL (without its password), so
several databases can share one Redis. Redis calls are not part of the database transaction:
ending a user's sessions happens at once, even if the transaction that asked for it then fails
(the safe direction). A Redis that cannot be reached is `Unavailable`, naming the URL without
its password (the web answers 503); public pages do not need Redis.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import redis

from hustings.domain.errors import Unavailable
from hustings.storage.engine import normalise_url, safe_url
from hustings.storage.listener import Listener

SESSION_TTL = 24 * 3600  # seconds after its last use that Redis forgets a session anyway
FAILURE_TTL = 24 * 3600  # seconds a failure set lives past its last failure (window is less)


def safe_redis_url(url: str) -> str:
    """The URL as it may be shown: a password replaced by ***."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        user = parts.username or ""
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
        return urlunsplit((parts.scheme, f"{user}:***@{host}{port}", parts.path, parts.query,
                           parts.fragment))
    except ValueError:
        return url.split("://", 1)[0] + "://…" if "://" in url else "(not a URL)"


@contextmanager
def redis_errors(url: str) -> Iterator[None]:
    """Redis connection failures as `Unavailable` naming the URL (without password)."""
    try:
        yield
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        raise Unavailable(f"lost Redis at {safe_redis_url(url)}: {exc}") from exc


def connect(url: str) -> redis.Redis:
    """A client for `url`, checked with a PING; `Unavailable` naming the URL otherwise."""
    shown = safe_redis_url(url)
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5,
                                      health_check_interval=30)
    except ValueError as exc:
        raise Unavailable(f"{shown!r} is not a Redis URL (expected redis://HOST:PORT/DB, "
                          f"rediss://… or unix://…): {exc}") from exc
    try:
        client.ping()
    except (redis.ConnectionError, redis.TimeoutError, redis.ResponseError) as exc:
        client.close()
        raise Unavailable(f"cannot use Redis at {shown}: {exc}") from exc
    return client


def prefix_for(database_url: str) -> str:
    """The key prefix of one database: `hustings:` and a digest of its URL (driver normalised,
    password left out), so `postgresql://` and `postgresql+psycopg://` agree."""
    shown = safe_url(normalise_url(database_url))
    return "hustings:" + hashlib.sha256(shown.encode("utf-8")).hexdigest()[:16] + ":"


def _epoch(at: datetime) -> float:
    return at.replace(tzinfo=UTC).timestamp()


def _naive(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)


class RedisSessionRepo:
    """Web sessions in Redis by the SHA-256 of their id (see the module's docstring)."""

    def __init__(self, client: redis.Redis, prefix: str, url: str, ttl: int = SESSION_TTL):
        self.client, self.prefix, self.url, self.ttl = client, prefix, url, ttl

    def _key(self, digest: str) -> str:
        return f"{self.prefix}session:{digest}"

    def _user_key(self, username: str) -> str:
        return f"{self.prefix}user-sessions:{username}"

    def add(self, digest: str, username: str, sealed_key: bytes, at: datetime) -> None:
        with redis_errors(self.url):
            pipe = self.client.pipeline()
            pipe.hset(self._key(digest), mapping={
                "username": username, "sealed": sealed_key,
                "created": _epoch(at), "last_seen": _epoch(at)})
            pipe.expire(self._key(digest), self.ttl)
            pipe.sadd(self._user_key(username), digest)
            pipe.expire(self._user_key(username), self.ttl)
            pipe.execute()

    def get(self, digest: str) -> tuple[str, bytes, datetime, datetime] | None:
        with redis_errors(self.url):
            row: dict[bytes, bytes] = self.client.hgetall(self._key(digest))  # type: ignore[assignment]
        if not row or b"username" not in row:
            return None
        return (row[b"username"].decode("utf-8"), bytes(row[b"sealed"]),
                _naive(float(row[b"created"])), _naive(float(row[b"last_seen"])))

    def touch(self, digest: str, at: datetime) -> None:
        with redis_errors(self.url):
            key = self._key(digest)
            if self.client.exists(key):
                pipe = self.client.pipeline()
                pipe.hset(key, "last_seen", _epoch(at))
                pipe.expire(key, self.ttl)
                pipe.execute()

    def end(self, digest: str) -> None:
        with redis_errors(self.url):
            username = self.client.hget(self._key(digest), "username")
            pipe = self.client.pipeline()
            pipe.delete(self._key(digest))
            if isinstance(username, bytes):
                pipe.srem(self._user_key(username.decode("utf-8")), digest)
            pipe.execute()

    def end_user(self, username: str) -> int:
        with redis_errors(self.url):
            digests: set[bytes] = self.client.smembers(self._user_key(username))  # type: ignore[assignment]
            keys = [self._key(d.decode("ascii")) for d in digests]
            ended = int(self.client.delete(*keys)) if keys else 0  # type: ignore[arg-type]
            self.client.delete(self._user_key(username))
        return ended


class RedisSigninFailureRepo:
    """Failed sign-ins in three sorted sets (user name, address, all) and, per (user name,
    address) pair, the set of its failure ids (so a success clears exactly those)."""

    def __init__(self, client: redis.Redis, prefix: str, url: str):
        self.client, self.prefix, self.url = client, prefix, url

    def _keys(self, username: str, address: str) -> tuple[str, str, str, str]:
        p = f"{self.prefix}signin-failures:"
        return (f"{p}user:{username}", f"{p}address:{address}", f"{p}all",
                f"{p}pair:{json.dumps([username, address])}")

    def add(self, username: str, address: str, at: datetime) -> None:
        failure = secrets.token_hex(8)
        score = _epoch(at)
        with redis_errors(self.url):
            pipe = self.client.pipeline()
            for key in self._keys(username, address)[:3]:
                pipe.zadd(key, {failure: score})
                pipe.expire(key, FAILURE_TTL)
            pair = self._keys(username, address)[3]
            pipe.sadd(pair, failure)
            pipe.expire(pair, FAILURE_TTL)
            pipe.execute()

    def recent(self, username: str, address: str,
               since: datetime) -> list[tuple[str, int, datetime | None]]:
        low = f"({_epoch(since)}"  # strictly after `since`, as the database's `at > since`
        with redis_errors(self.url):
            pipe = self.client.pipeline()
            keys = self._keys(username, address)[:3]
            for key in keys:
                pipe.zcount(key, low, "+inf")
                pipe.zrangebyscore(key, low, "+inf", start=0, num=1, withscores=True)
            answers = pipe.execute()
        out: list[tuple[str, int, datetime | None]] = []
        for i, scope in enumerate(("user", "address", "all")):
            count, first = int(answers[2 * i]), answers[2 * i + 1]
            out.append((scope, count, _naive(float(first[0][1])) if first else None))
        return out

    def clear(self, username: str, address: str) -> None:
        user, addr, everyone, pair = self._keys(username, address)
        with redis_errors(self.url):
            failures: set[bytes] = self.client.smembers(pair)  # type: ignore[assignment]
            pipe = self.client.pipeline()
            if failures:
                for key in (user, addr, everyone):
                    pipe.zrem(key, *failures)
            pipe.delete(pair)
            pipe.execute()

    def prune(self, before: datetime) -> None:
        # Only the overall set grows without bound under a spray; the others expire (TTL).
        everyone = self._keys("", "")[2]
        with redis_errors(self.url):
            self.client.zremrangebyscore(everyone, "-inf", _epoch(before))


class RedisChanges(Listener):
    """Change news over Redis pub/sub: `publish(stamp)` from the worker that made a change;
    `start(deliver)` calls `deliver(stamp)` in a background thread for every stamp any worker
    publishes (its own included). A lost connection is retried every `retry` seconds; the
    polling watcher covers the gap."""

    name = "hustings-redis-changes"
    transient = (redis.ConnectionError, redis.TimeoutError)

    def __init__(self, client: redis.Redis, prefix: str, url: str, retry: float = 1.0):
        super().__init__(retry)
        self.client, self.url = client, url
        self.channel = f"{prefix}changes"

    def publish(self, stamp: int) -> None:
        with redis_errors(self.url):
            self.client.publish(self.channel, str(stamp))

    def listen(self, deliver: Callable[[int], None]) -> None:
        pubsub: Any = None
        try:
            pubsub = self.client.pubsub()
            pubsub.subscribe(self.channel)
            while not self.stopping:
                message = pubsub.get_message(timeout=1.0)
                if message is None:
                    continue
                if message.get("type") == "subscribe":
                    self.listening.set()  # Redis confirmed: nothing published is missed
                elif message.get("type") == "message":
                    data = message["data"]
                    if isinstance(data, bytes) and data.isdigit():
                        deliver(int(data))
        finally:
            if pubsub is not None:
                try:
                    pubsub.close()
                except (redis.ConnectionError, redis.TimeoutError):
                    pass
