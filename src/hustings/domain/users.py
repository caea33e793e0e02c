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
    """An account. `password_hash` holds the sealed signing key (see services.identity), which
    only the password opens; `credential_sig` is the user's own signature over it; `totp` their
    second factor's secret, sealed (empty when they have none)."""

    username: str
    role: Role
    password_hash: str = ""
    public_key: str = ""  # hex Ed25519 verify key, as registered in the log
    disabled: bool = False
    credential_sig: str = ""
    totp: str = ""  # the TOTP secret sealed under the user's key (services.totp); "": none
