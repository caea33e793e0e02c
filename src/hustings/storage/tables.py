"""The schema as SQLAlchemy Core tables. Rows are mapped to domain objects in `mapping.py`."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

organisations = Table(
    "organisations", metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", String(100), nullable=False, unique=True),
    Column("name", String(300), nullable=False),
)

bodies = Table(
    "bodies", metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id"), nullable=False),
    Column("slug", String(100), nullable=False),
    Column("name", String(300), nullable=False),
    UniqueConstraint("organisation_id", "slug"),
)

members = Table(
    "members", metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("body_id", ForeignKey("bodies.id"), nullable=False),
    Column("member_id", String(64), nullable=False),
    Column("name", String(300), nullable=False),
    Column("joined", Date, nullable=False),
    Column("standing", String(20), nullable=False),
    Column("precinct", String(64)),
    UniqueConstraint("body_id", "member_id"),
)

offices = Table(
    "offices", metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id"), nullable=False),
    Column("slug", String(100), nullable=False),
    Column("name", String(300), nullable=False),
    Column("seats", Integer, nullable=False, server_default="1"),
    UniqueConstraint("organisation_id", "slug"),
)

elections = Table(
    "elections", metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", String(100), nullable=False, unique=True),
    Column("title", String(300), nullable=False),
    Column("organisation_id", ForeignKey("organisations.id"), nullable=False),
    Column("office_id", ForeignKey("offices.id"), nullable=False),
    Column("body_id", ForeignKey("bodies.id"), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("method", String(40), nullable=False),
    Column("seats", Integer, nullable=False),
    Column("sheet_entries", Integer, nullable=False, server_default="2"),
    Column("percentage_base", String(20), nullable=False),
    Column("eligibility", JSON, nullable=False),
    Column("timetable", JSON, nullable=False),
    Column("rules", JSON, nullable=False),
    Column("returns", String(20), nullable=False, server_default="sheets"),
    Column("sections", JSON),  # an electoral college's sections: key, name, body, weight
)

candidates = Table(
    "candidates", metadata,
    Column("id", Integer, primary_key=True),
    Column("election_id", ForeignKey("elections.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("key", String(100), nullable=False),
    Column("name", String(300), nullable=False),
    Column("ballot_name", String(300), nullable=False),
    Column("biography", Text, nullable=False),
    Column("portrait", String(500), nullable=False),
    Column("status", String(20), nullable=False),
    UniqueConstraint("election_id", "key"),
)

precincts = Table(
    "precincts", metadata,
    Column("id", Integer, primary_key=True),
    Column("election_id", ForeignKey("elections.id"), nullable=False),
    Column("code", String(64), nullable=False),
    Column("name", String(300), nullable=False),
    Column("section", String(64)),  # an electoral college's section key
    Column("points", Integer),  # a points election's district points
    UniqueConstraint("election_id", "code"),
)

polls = Table(
    "polls", metadata,
    Column("id", Integer, primary_key=True),
    Column("election_id", ForeignKey("elections.id"), nullable=False),
    Column("key", String(64), nullable=False),
    Column("day", Date, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("candidates", JSON),  # candidate keys on this poll's ballot; null = all
    Column("replaces", String(64)),  # a re-vote's: the key of the poll whose precincts it redoes
    UniqueConstraint("election_id", "key"),
)

poll_precincts = Table(
    "poll_precincts", metadata,
    Column("poll_id", ForeignKey("polls.id"), primary_key=True),
    Column("precinct_id", ForeignKey("precincts.id"), primary_key=True),
)

roll_entries = Table(
    "roll_entries", metadata,
    Column("election_id", ForeignKey("elections.id"), primary_key=True),
    Column("member_row_id", ForeignKey("members.id"), primary_key=True),
    Column("precinct_id", ForeignKey("precincts.id"), nullable=False, index=True),
)

tally_sheets = Table(  # one row per clerk's entry; what counts is derived (two matching clerks)
    "tally_sheets", metadata,
    Column("id", Integer, primary_key=True),
    Column("poll_id", ForeignKey("polls.id"), nullable=False),
    Column("precinct_id", ForeignKey("precincts.id"), nullable=False),
    Column("registered", Integer, nullable=False),
    Column("ballots_cast", Integer, nullable=False),
    Column("blank", Integer, nullable=False),
    Column("invalid", Integer, nullable=False),
    Column("votes", JSON, nullable=False),
    Column("entered_by", String(100), nullable=False),
    Column("entered_at", DateTime(timezone=True), nullable=False),
    Column("reason", Text),  # a correction's reason
    Column("voided_by", ForeignKey("rulings.id")),
    Index("ix_tally_sheets_poll_precinct", "poll_id", "precinct_id"),
)

ballot_batches = Table(  # one row per clerk's import of a precinct's ballots for a poll
    "ballot_batches", metadata,
    Column("id", Integer, primary_key=True),
    Column("poll_id", ForeignKey("polls.id"), nullable=False),
    Column("precinct_id", ForeignKey("precincts.id"), nullable=False),
    Column("candidates", JSON, nullable=False),  # candidate keys the codes index
    Column("width", Integer, nullable=False),
    Column("rankings", LargeBinary, nullable=False),  # unique rows, int32 little-endian
    Column("counts", LargeBinary, nullable=False),  # int64 little-endian, one per row
    Column("overvote_sets", JSON, nullable=False),
    Column("ballots", BigInteger, nullable=False),
    Column("digest", String(64), nullable=False),
    Column("source_sha256", String(64), nullable=False),
    Column("entered_by", String(100), nullable=False),
    Column("entered_at", DateTime(timezone=True), nullable=False),
    Column("reason", Text),
    Column("voided_by", ForeignKey("rulings.id")),
    Index("ix_ballot_batches_poll_precinct", "poll_id", "precinct_id"),
)

disputes = Table(
    "disputes", metadata,
    Column("id", Integer, primary_key=True),
    Column("election_id", ForeignKey("elections.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("filed_by", String(200), nullable=False),
    Column("filed_at", DateTime(timezone=True), nullable=False),
    Column("poll_key", String(64), nullable=False),
    Column("precincts", JSON, nullable=False),
    Column("complaint", Text, nullable=False),
    Column("evidence", JSON, nullable=False),  # [{"name": str, "sha256": str}]
    UniqueConstraint("election_id", "number"),
)

rulings = Table(
    "rulings", metadata,
    Column("id", Integer, primary_key=True),
    Column("dispute_id", ForeignKey("disputes.id"), nullable=False, unique=True),
    Column("ruled_by", String(200), nullable=False),
    Column("ruled_at", DateTime(timezone=True), nullable=False),
    Column("decision", String(40), nullable=False),
    Column("precincts", JSON, nullable=False),
    Column("revote_poll", String(64)),
    Column("reasons", Text, nullable=False),
)

result_versions = Table(
    "result_versions", metadata,
    Column("id", Integer, primary_key=True),
    Column("election_id", ForeignKey("elections.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("reason", Text, nullable=False),
    Column("result", JSON, nullable=False),
    Column("log_size", Integer),  # the log's Merkle tree when the version was made: size,
    Column("log_root", String(64)),  # and root (hex); see docs/integrity.md
    UniqueConstraint("election_id", "number"),
)

tenures = Table(
    "tenures", metadata,
    Column("id", Integer, primary_key=True),
    Column("office_id", ForeignKey("offices.id"), nullable=False),
    Column("holder", String(300)),
    Column("kind", String(20), nullable=False),
    Column("start", Date),
    Column("end", Date),
    Column("election", String(300)),
    Column("ended_by", Text),
)

blobs = Table(
    "blobs", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("content", LargeBinary, nullable=False),
)

audit_log = Table(
    "audit_log", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("command", String(100), nullable=False),
    Column("payload", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
    Column("version", Integer, nullable=False, server_default="1"),  # the command's version
    Column("key_id", String(32), nullable=False, server_default=""),  # the actor's signing key
    Column("signature", String(128), nullable=False, server_default=""),  # hex Ed25519
)

log_tree = Table(  # derived from audit_log (rebuilt from it when stale): not verified state
    "log_tree", metadata,
    Column("id", Integer, primary_key=True),
    Column("size", Integer, nullable=False),
    Column("frontier", JSON, nullable=False),  # hex roots of the perfect subtrees (merkle)
    Column("digests", JSON, nullable=False),
)

log_checkpoints = Table(  # written by the logged command `log.checkpoint`
    "log_checkpoints", metadata,
    Column("id", Integer, primary_key=True),
    Column("size", Integer, nullable=False, unique=True),
    Column("root", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("signer", String(100), nullable=False),
    Column("public_key", String(64), nullable=False),
    Column("signature", String(128), nullable=False),
    Column("state", JSON, nullable=False),  # per-table state digests at the checkpoint
    Column("origin", String(200), nullable=False, server_default=""),  # "" in version 1
)

users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(100), nullable=False, unique=True),
    Column("password_hash", String(300), nullable=False),
    Column("role", String(20), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("public_key", String(64), nullable=False, server_default=""),  # as in the log
    Column("disabled", Boolean, nullable=False, server_default="0"),
    Column("credential_sig", String(128), nullable=False, server_default=""),  # the user's own
    Column("totp_sealed", String(200), nullable=False, server_default=""),  # under their key
    Column("totp_last_step", BigInteger, nullable=True),  # a TOTP code works once
)

web_sessions = Table(  # server-side web sessions; not logged, not part of the state verified
    "web_sessions", metadata,
    Column("id", String(64), primary_key=True),  # SHA-256 of the session id the cookie holds
    Column("username", String(100), nullable=False, index=True),
    Column("sealed_key", LargeBinary, nullable=False),  # signing key under the cookie's key
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False),
)

signin_failures = Table(  # failed sign-ins, counted by every worker; not logged, not verified
    "signin_failures", metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(100), nullable=False, index=True),  # casefolded
    Column("address", String(100), nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
)

# -- the record: elections hustings did not run, imported from articles (issue 5) -------------

recorded_elections = Table(
    "recorded_elections", metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", String(200), nullable=False, unique=True),
    Column("organisation_id", ForeignKey("organisations.id"), nullable=False),
    Column("office_id", ForeignKey("offices.id"), nullable=False),
    Column("title", String(300), nullable=False),
    Column("first_day", Date),
    Column("document", JSON, nullable=False),  # the native record format (hustings-record/1)
    Column("source", String(500), nullable=False),  # the file name it was imported from
    Column("source_sha256", String(64), nullable=False),  # the file's content, in blobs
)

recorded_tenures = Table(  # derived from recorded_elections on every import; see docs/record.md
    "recorded_tenures", metadata,
    Column("id", Integer, primary_key=True),
    Column("office_id", ForeignKey("offices.id"), nullable=False),
    Column("position", Integer, nullable=False),  # order in the office's chain
    Column("holder", String(300)),  # null for a vacancy
    Column("kind", String(20), nullable=False),
    Column("start", Date),
    Column("end", Date),
    Column("election", String(200)),  # the recorded election's slug
    UniqueConstraint("office_id", "position"),
)

# -- online voting (issue 12; docs/online-voting.md, protocol in docs/formats/online-voting.md) -

online_polls = Table(  # one online channel of one poll of an election
    "online_polls", metadata,
    Column("id", Integer, primary_key=True),
    Column("election_id", ForeignKey("elections.id"), nullable=False),
    Column("poll_key", String(64), nullable=False),  # the election's poll it is a channel of
    Column("crypto_id", String(200), nullable=False, unique=True),  # the protocol's election_id
    Column("question", JSON, nullable=False),  # key, choices, min, max
    Column("threshold", Integer, nullable=False),
    Column("opens", DateTime(timezone=True)),
    Column("closes", DateTime(timezone=True)),
    Column("status", String(20), nullable=False),  # setup, open, closed, tallied, published
    Column("election_json", JSON),  # the protocol's election, once the key ceremony is done
    Column("qualified", JSON),  # the dealers in QUAL
    Column("board_head", String(64)),
    Column("ballots", Integer, nullable=False, server_default="0"),  # entries on the board
    Column("tally", JSON),  # the encrypted tally, at close
    Column("result", JSON),  # the decrypted counts
    Column("voided", Boolean, nullable=False, server_default="0"),
)

online_trustees = Table(
    "online_trustees", metadata,
    Column("online_poll_id", ForeignKey("online_polls.id"), primary_key=True),
    Column("number", Integer, primary_key=True, autoincrement=False),  # 1..n
    Column("username", String(100), nullable=False),  # the user who acts as this trustee
    Column("box_key", String(64)),  # X25519 public key, hex
    Column("dealing", JSON),
    Column("sealed", JSON),  # recipient number (text) -> sealed share, hex
    Column("share", JSON),  # the decryption share
)

online_complaints = Table(
    "online_complaints", metadata,
    Column("online_poll_id", ForeignKey("online_polls.id"), primary_key=True),
    Column("dealer", Integer, primary_key=True, autoincrement=False),
    Column("recipient", Integer, primary_key=True, autoincrement=False),
    Column("reason", Text, nullable=False),
    Column("revealed", String(64)),  # the dealer's answer: the share in clear, hex
    Column("upheld", Boolean),  # null until answered; true: the dealer is disqualified
)

online_credentials = Table(  # public credentials only; the private ones never reach the server
    "online_credentials", metadata,
    Column("online_poll_id", ForeignKey("online_polls.id"), primary_key=True),
    Column("credential", String(64), primary_key=True),  # the public credential, hex
    Column("weight", Integer, nullable=False),
    Column("member_id", String(64)),  # who received it (for the stations' poll book)
    Index("ix_online_credentials_member", "online_poll_id", "member_id"),
)

online_board = Table(  # the bulletin board: append-only, hash-chained
    "online_board", metadata,
    Column("online_poll_id", ForeignKey("online_polls.id"), primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("tracker", String(64), nullable=False),
    Column("link", String(64), nullable=False),
    Column("credential", String(64), nullable=False),
    Column("ballot", Text, nullable=False),  # the ballot's canonical JSON
    Column("cast_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("online_poll_id", "tracker"),
    Index("ix_online_board_credential", "online_poll_id", "credential"),
)

station_marks = Table(  # a station's marked register: who voted there (never how)
    "station_marks", metadata,
    Column("election_id", ForeignKey("elections.id"), primary_key=True),
    Column("poll_key", String(64), primary_key=True),
    Column("member_id", String(64), primary_key=True),
    Column("precinct", String(64), nullable=False),
    Column("marked_at", DateTime(timezone=True), nullable=False),
    Index("ix_station_marks_precinct", "election_id", "poll_key", "precinct"),
)

online_board_keys = Table(  # the server's board account's signing key; not logged, not verified
    "online_board_keys", metadata,
    Column("username", String(100), primary_key=True),
    # the Ed25519 seed sealed under $HUSTINGS_BOARD_KEY (services/online.py); a plain 64-hex
    # seed written before migration 0012 is still read
    Column("seed", String(200), nullable=False),
)

state_digests = Table(  # running digests of the verified state's tables (storage/digests.py)
    "state_digests", metadata,
    Column("table_name", String(100), primary_key=True),
    Column("rows", BigInteger, nullable=False),
    Column("digest", String(512), nullable=False),  # hex: the rows' digests' sum mod 2^2048
)
