"""User accounts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select

from hustings.domain.users import Role, User
from hustings.storage import tables as t


class SqlUserRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def add(self, user: User, at: datetime) -> None:
        self.conn.execute(t.users.insert().values(
            username=user.username, password_hash=user.password_hash, role=user.role.value,
            created_at=at))

    def get(self, username: str) -> User | None:
        row = self.conn.execute(select(t.users).where(t.users.c.username == username)).first()
        return None if row is None else User(row.username, Role(row.role), row.password_hash)

    def set_password(self, username: str, password_hash: str) -> None:
        self.conn.execute(t.users.update().where(t.users.c.username == username)
                          .values(password_hash=password_hash))

    def all(self) -> list[User]:
        rows = self.conn.execute(select(t.users).order_by(t.users.c.username))
        return [User(r.username, Role(r.role), r.password_hash) for r in rows]
