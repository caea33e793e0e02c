"""An online poll of an election (issue 12): the channel's state as the server keeps it.

The cryptography is in `hustings.crypto`; these are the plain rows the services work with.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

ONLINE_PRECINCT = "ONLINE"  # the pseudo-precinct whose return is the online poll's result
BOARD_ACCOUNT = "online-board"  # the server's account that signs the log entries of casts


class OnlineStatus(enum.StrEnum):
    SETUP = "setup"  # key ceremony and credentials
    OPEN = "open"  # taking ballots
    CLOSED = "closed"  # the encrypted tally is fixed; trustees decrypt
    TALLIED = "tallied"  # decrypted
    PUBLISHED = "published"  # entered in the count as the ONLINE return


@dataclass(frozen=True)
class OnlinePoll:
    crypto_id: str  # the protocol's election_id: "<election>/<poll>/online-<n>"
    election: str  # the election's slug
    poll: str  # the election's poll this is a channel of
    question: dict[str, Any]  # key, choices, min, max
    threshold: int
    status: OnlineStatus = OnlineStatus.SETUP
    opens: datetime | None = None
    closes: datetime | None = None
    election_json: dict[str, Any] | None = None
    qualified: list[int] | None = None
    board_head: str | None = None
    ballots: int = 0
    tally: dict[str, Any] | None = None
    result: dict[str, Any] | None = None
    voided: bool = False


@dataclass(frozen=True)
class OnlineTrustee:
    number: int
    username: str
    box_key: str | None = None
    dealing: dict[str, Any] | None = None
    sealed: dict[str, str] = field(default_factory=dict)  # recipient -> sealed share (hex)
    share: dict[str, Any] | None = None


@dataclass(frozen=True)
class Complaint:
    dealer: int
    recipient: int
    reason: str
    revealed: str | None = None
    upheld: bool | None = None


@dataclass(frozen=True)
class BoardRow:
    position: int
    tracker: str
    link: str
    credential: str
    ballot: str  # canonical JSON
    cast_at: datetime
