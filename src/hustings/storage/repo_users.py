"""User accounts and their server-side web sessions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, or_, select

from hustings.domain.users import Role, User
from hustings.storage import tables as t


def _user(row: Any) -> User:
    return User(row.username, Role(row.role), row.password_hash, row.public_key,
                bool(row.disabled), row.credential_sig, row.totp_sealed or "")


class SqlUserRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def add(self, user: User, at: datetime) -> None:
        self.conn.execute(t.users.insert().values(
            username=user.username, password_hash=user.password_hash, role=user.role.value,
            created_at=at, public_key=user.public_key, disabled=user.disabled,
            credential_sig=user.credential_sig))

    def get(self, username: str) -> User | None:
        row = self.conn.execute(select(t.users).where(t.users.c.username == username)).first()
        return None if row is None else _user(row)

    def set_password(self, username: str, password_hash: str) -> None:
        self.conn.execute(t.users.update().where(t.users.c.username == username)
                          .values(password_hash=password_hash))

    def set_credential(self, username: str, public_key: str, credential: str,
                       credential_sig: str) -> None:
        self.conn.execute(t.users.update().where(t.users.c.username == username).values(
            public_key=public_key, password_hash=credential, credential_sig=credential_sig))

    def set_disabled(self, username: str, disabled: bool) -> None:
        self.conn.execute(t.users.update().where(t.users.c.username == username)
                          .values(disabled=disabled))

    def set_totp(self, username: str, sealed: str) -> None:
        """A new sealed TOTP secret ("" removes it); the steps used are forgotten with it."""
        self.conn.execute(t.users.update().where(t.users.c.username == username)
                          .values(totp_sealed=sealed, totp_last_step=None))

    def use_totp_step(self, username: str, step: int) -> bool:
        """Record `step` as used if it is later than every step used before (one atomic
        update, so two workers cannot both accept one code); False if it is not."""
        u = t.users.c
        result = self.conn.execute(t.users.update().where(
            u.username == username, or_(u.totp_last_step.is_(None), u.totp_last_step < step))
            .values(totp_last_step=step))
        return int(result.rowcount or 0) == 1

    def all(self) -> list[User]:
        rows = self.conn.execute(select(t.users).order_by(t.users.c.username))
        return [_user(r) for r in rows]


class SqlSessionRepo:
    """Web sessions by the SHA-256 of their id; the cookie alone holds the id and the key."""

    def __init__(self, conn: Connection):
        self.conn = conn

    def add(self, digest: str, username: str, sealed_key: bytes, at: datetime) -> None:
        self.conn.execute(t.web_sessions.insert().values(
            id=digest, username=username, sealed_key=sealed_key, created_at=at, last_seen=at))

    def get(self, digest: str) -> tuple[str, bytes, datetime, datetime] | None:
        s = t.web_sessions.c
        row = self.conn.execute(select(s.username, s.sealed_key, s.created_at, s.last_seen)
                                .where(s.id == digest)).first()
        return None if row is None else (row[0], bytes(row[1]), row[2], row[3])

    def touch(self, digest: str, at: datetime) -> None:
        self.conn.execute(t.web_sessions.update().where(t.web_sessions.c.id == digest)
                          .values(last_seen=at))

    def end(self, digest: str) -> None:
        self.conn.execute(t.web_sessions.delete().where(t.web_sessions.c.id == digest))

    def end_user(self, username: str) -> int:
        result = self.conn.execute(t.web_sessions.delete()
                                   .where(t.web_sessions.c.username == username))
        return int(result.rowcount or 0)


class SqlSigninFailureRepo:
    """Failed sign-ins: (user name, client address, time), counted by every worker."""

    def __init__(self, conn: Connection):
        self.conn = conn

    def add(self, username: str, address: str, at: datetime) -> None:
        self.conn.execute(t.signin_failures.insert().values(username=username, address=address,
                                                            at=at))

    def recent(self, username: str, address: str,
               since: datetime) -> list[tuple[str, int, datetime | None]]:
        """(scope, failures since `since`, the oldest of them) for the scopes user, address
        and all."""
        f = t.signin_failures.c
        out: list[tuple[str, int, datetime | None]] = []
        for scope, condition in (("user", f.username == username),
                                 ("address", f.address == address), ("all", None)):
            query = select(func.count(), func.min(f.at)).where(f.at > since)
            if condition is not None:
                query = query.where(condition)
            row = self.conn.execute(query).one()
            out.append((scope, int(row[0]), row[1]))
        return out

    def clear(self, username: str, address: str) -> None:
        f = t.signin_failures.c
        self.conn.execute(t.signin_failures.delete().where(f.username == username,
                                                           f.address == address))

    def prune(self, before: datetime) -> None:
        self.conn.execute(t.signin_failures.delete().where(t.signin_failures.c.at <= before))
