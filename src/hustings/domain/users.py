"""Users of the administration and their roles."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Role(enum.StrEnum):
    ADMINISTRATOR = "administrator"  # the election committee / returning officer
    CLERK = "clerk"  # enters tally sheets
    OBSERVER = "observer"  # reads everything, changes nothing


@dataclass(frozen=True)
class User:
    username: str
    role: Role
    password_hash: str = ""
