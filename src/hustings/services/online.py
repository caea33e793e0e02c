"""Members vote online (issue 12): an online channel of an election's poll, every step a
logged, signed command whose handler `log verify` replays.

The protocol is docs/formats/online-voting.md and its cryptography `hustings.crypto`; what an
administrator, a trustee, a member and an observer do is docs/online-voting.md. Steps:

    online.setup       the question (from the poll's candidates and the rule), trustees, threshold
    online.boxkey      a trustee's X25519 key             (by that trustee)
    online.deal        a trustee's dealing, sealed shares (by that trustee)
    online.complain    a trustee's complaint about a share it received (by that trustee)
    online.answer      the dealer reveals the share; judged by `dkg.judge_complaint`
    online.credentials the credential authority's public list (public credentials only)
    online.open        the election key from the qualified dealings; the board opens
    online.cast        one ballot onto the board (signed by the server's board account)
    online.close       the board is closed and its encrypted tally fixed
    online.share       a trustee's decryption share, its proofs checked (by that trustee)
    online.tally       the tally decrypted from at least t shares
    online.publish     the result enters the count as the return of the pseudo-precinct ONLINE

Who signs a cast: a ballot authenticates itself (the credential's signature, checked against
the public list), so the voter is not a user. The log entry of a cast is signed by the server's
board account `online-board`, created with the first online poll; its key is kept by the server
(table online_board_keys, outside the verified state), sealed like a user's key (argon2id,
SecretBox) under the passphrase in $HUSTINGS_BOARD_KEY (a documented demo default when unset),
and the policy lets that account run `online.cast` and nothing else. The entry's payload
holds the ballot (with its public credential), the tracker, the position and the new board
head: never who the voter is.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import threading
from dataclasses import replace
from datetime import datetime
from typing import Any

from nacl.signing import SigningKey

from hustings.crypto import board as bb
from hustings.crypto import dkg
from hustings.crypto.ballot import Ballot, verify_ballot
from hustings.crypto.credentials import CredentialList
from hustings.crypto.decryption import (
    DecryptionShare,
    Result,
    decrypt,
    verify_decryption_share,
)
from hustings.crypto.election import Election as CryptoElection
from hustings.crypto.election import Question
from hustings.crypto.errors import VerificationError
from hustings.crypto.group import Point, Scalar
from hustings.crypto.hashing import canonical_json
from hustings.crypto.record import ElectionRecord, verify_record
from hustings.crypto.tally import EncryptedTally, tally
from hustings.domain.election import Election, ElectionStatus, Returns
from hustings.domain.errors import (
    InvalidInput,
    NotFound,
    PermissionDenied,
    Problem,
    RuleViolation,
)
from hustings.domain.online import (
    BOARD_ACCOUNT,
    ONLINE_PRECINCT,
    BoardRow,
    Complaint,
    OnlinePoll,
    OnlineStatus,
    OnlineTrustee,
)
from hustings.domain.polling import BallotBatch, Poll, Precinct, TallySheet
from hustings.domain.users import Role
from hustings.services import identity
from hustings.services.commands import Context, command, run, run_group
from hustings.services.count import on_ballot
from hustings.services.identity import Signer
from hustings.services.online_rolls import station_marks, voted_online
from hustings.services.ports import UnitOfWork, UnitOfWorkFactory
from hustings.services.tallies import accepted_returns, returns_changed
from hustings.services.users import UNUSABLE

ONLINE_METHODS = ("plurality", "approval", "confirm", "two-round", "exhaustive")
RECORD_KIND = "hustings-online-record"


# -- reading ----------------------------------------------------------------------------------

def current_poll(uow: UnitOfWork, slug: str) -> OnlinePoll:
    """The election's live online poll (the latest not voided)."""
    uow.elections.get(slug)  # NotFound names the election
    live = [p for p in uow.online.polls(slug) if not p.voided]
    if not live:
        raise NotFound(f"election {slug!r} has no online poll: set one up with "
                       f"`hustings online setup {slug} --trustee NAME ... --threshold T`")
    return live[-1]


def _by_id(uow: UnitOfWork, crypto_id: str) -> OnlinePoll:
    return uow.online.get(crypto_id)


def crypto_election(poll: OnlinePoll) -> CryptoElection:
    if poll.election_json is None:
        raise RuleViolation(f"online poll {poll.crypto_id!r} is not open yet: the key "
                            "ceremony must finish and `hustings online open` run first")
    return CryptoElection.from_json(poll.election_json)


def ceremony_of(trustees: list[OnlineTrustee], poll: OnlinePoll) -> dkg.Ceremony:
    missing = [t.number for t in trustees if t.box_key is None]
    if missing:
        raise RuleViolation(f"trustee(s) {', '.join(map(str, missing))} have not published "
                            "their box key yet (`hustings trustee keygen`)")
    return dkg.Ceremony(poll.crypto_id, poll.threshold,
                        tuple(bytes.fromhex(t.box_key or "") for t in trustees))


def credential_list(uow: UnitOfWork, poll: OnlinePoll) -> CredentialList:
    return CredentialList.of(poll.crypto_id, [
        (Point.decode(bytes.fromhex(c), "credential"), w)
        for c, w, _ in uow.online.credentials(poll.crypto_id)])


def qualified_dealings(uow: UnitOfWork, poll: OnlinePoll) -> tuple[dkg.Dealing, ...]:
    dealings = {t.number: dkg.Dealing.from_json(t.dealing)
                for t in uow.online.trustees(poll.crypto_id) if t.dealing is not None}
    return tuple(dealings[j] for j in (poll.qualified or []))


def verification_keys(dealings: tuple[dkg.Dealing, ...], n: int) -> dict[int, Point]:
    return {j: dkg.verification_key(dealings, j) for j in range(1, n + 1)}


def board_entries(uow: UnitOfWork, poll: OnlinePoll) -> bb.Board:
    return tuple(bb.BoardEntry(r.position, r.tracker, bytes.fromhex(r.link),
                               Ballot.from_json(json.loads(r.ballot)))
                 for r in uow.online.board(poll.crypto_id))


def status(uow_factory: UnitOfWorkFactory, slug: str) -> dict[str, Any]:
    """Where the election's online poll stands (for `hustings online status`)."""
    with uow_factory() as uow:
        poll = current_poll(uow, slug)
        trustees = uow.online.trustees(poll.crypto_id)
        complaints = uow.online.complaints(poll.crypto_id)
        credentials = uow.online.credentials(poll.crypto_id)
        return {
            "election": slug, "poll": poll.poll, "online_poll": poll.crypto_id,
            "status": poll.status.value, "question": poll.question,
            "threshold": poll.threshold,
            "trustees": [{"number": t.number, "user": t.username,
                          "box_key": t.box_key is not None, "dealt": t.dealing is not None,
                          "decrypted": t.share is not None} for t in trustees],
            "complaints": [{"dealer": c.dealer, "recipient": c.recipient, "reason": c.reason,
                            "answered": c.revealed is not None, "upheld": c.upheld}
                           for c in complaints],
            "qualified": poll.qualified, "credentials": len(credentials),
            "weight": sum(w for _, w, _ in credentials), "ballots": poll.ballots,
            "board_head": poll.board_head, "result": _named_result(poll),
        }


def _named_result(poll: OnlinePoll) -> dict[str, int] | None:
    if poll.result is None:
        return None
    return dict(zip(poll.question["choices"], poll.result["counts"][0], strict=True))


def crypto_election_of(uow_factory: UnitOfWorkFactory, slug: str) -> CryptoElection:
    with uow_factory() as uow:
        return crypto_election(current_poll(uow, slug))


def election_json(uow_factory: UnitOfWorkFactory, slug: str) -> dict[str, Any]:
    """The protocol's election JSON: what the booth needs to encrypt."""
    with uow_factory() as uow:
        return crypto_election(current_poll(uow, slug)).to_json()


def public_board(uow_factory: UnitOfWorkFactory, slug: str) -> dict[str, Any]:
    """The public board: every entry's position, tracker and link, and the head."""
    with uow_factory() as uow:
        poll = current_poll(uow, slug)
        rows = uow.online.board(poll.crypto_id)
    return {"online_poll": poll.crypto_id, "status": poll.status.value,
            "head": poll.board_head,
            "entries": [{"position": r.position, "tracker": r.tracker, "link": r.link}
                        for r in rows]}


def trustee_view(uow_factory: UnitOfWorkFactory, slug: str) -> dict[str, Any]:
    """What a trustee's machine downloads: the frame, everyone's box keys, dealings, sealed
    shares, complaints, the tally and the qualified dealers."""
    with uow_factory() as uow:
        poll = current_poll(uow, slug)
        return {"online_poll": poll.crypto_id, "status": poll.status.value,
                "threshold": poll.threshold, "qualified": poll.qualified,
                "election": poll.election_json, "tally": poll.tally,
                "trustees": [{"number": t.number, "user": t.username, "box_key": t.box_key,
                              "dealing": t.dealing, "sealed": t.sealed,
                              "share": t.share is not None}
                             for t in uow.online.trustees(poll.crypto_id)],
                "complaints": [{"dealer": c.dealer, "recipient": c.recipient,
                                "revealed": c.revealed, "upheld": c.upheld}
                               for c in uow.online.complaints(poll.crypto_id)]}


def trustee_number(uow_factory: UnitOfWorkFactory, slug: str, username: str) -> int:
    with uow_factory() as uow:
        poll = current_poll(uow, slug)
        for t in uow.online.trustees(poll.crypto_id):
            if t.username == username:
                return t.number
    raise PermissionDenied(f"{username} is not a trustee of the online poll of {slug!r}")


def roll_members(uow_factory: UnitOfWorkFactory, slug: str) -> tuple[str, list[tuple[str, str]]]:
    """The online poll's id and (member id, name) of everyone on the frozen roll: what the
    credential authority draws credentials for."""
    with uow_factory() as uow:
        poll = current_poll(uow, slug)
        if not uow.roll.is_frozen(slug):
            raise RuleViolation(f"the roll of {slug!r} is not frozen: run "
                                f"`hustings roll freeze {slug}` first")
        return poll.crypto_id, [(m, n) for m, n, _ in uow.online.roll_members(slug)]


def poll_book(uow_factory: UnitOfWorkFactory, slug: str, precinct: str | None = None,
              poll: str = "initial") -> list[tuple[str, str, str, bool, bool]]:
    """The stations' poll book: (member id, name, precinct, voted online, marked as having
    voted at their station) for every member on the frozen roll (of one precinct when
    given), in `poll`. A member marked as having voted online is not given a ballot at the
    station; one marked at the station cannot cast online."""
    with uow_factory() as uow:
        uow.elections.get(slug)
        if precinct is not None and precinct not in {p.code for p in
                                                     uow.precincts.all(slug)}:
            raise NotFound(f"no precinct {precinct!r} in election {slug!r}")
        voted = voted_online(uow, slug, poll)
        marked = station_marks(uow, slug, poll)
        return [(m, n, p, m in voted, m in marked) for m, n, p in uow.online.roll_members(slug)
                if precinct is None or p == precinct]


# -- setting up ---------------------------------------------------------------------------

def question_for(election: Election, poll: Poll) -> Question:
    """The online question a rule asks: plurality and vote-for-N (1..seats), approval (0..n),
    confirmation (the candidate, 0..1: a mark is a yes), one round of two-round or exhaustive
    (1..1). Rules that need rankings are refused."""
    keys = tuple(c.key for c in on_ballot(election, poll))
    method = election.method
    if method not in ONLINE_METHODS:
        raise RuleViolation(
            f"{election.slug!r} is counted by {method}, which needs each voter's full ranking: "
            "online polls carry marks, not rankings, until the verifiable mixnet is added; "
            f"online voting takes {', '.join(ONLINE_METHODS)}")
    if not keys:
        raise RuleViolation(f"no candidate stands on poll {poll.key!r}")
    if method == "approval":
        return Question("choice", keys, 0, len(keys))
    if method == "confirm":
        return Question("confirm", keys[:1], 0, 1)
    seats = election.seats if method == "plurality" else 1
    return Question("choice", keys, 1, min(seats, len(keys)))


BOARD_KEY_ENV = "HUSTINGS_BOARD_KEY"
# The passphrase when $HUSTINGS_BOARD_KEY is unset: `make demo` and tests need no setup. It is
# public, so a production server sets its own (docs/security.md).
DEMO_BOARD_PASSPHRASE = "hustings demo board key: set HUSTINGS_BOARD_KEY in production"
_opened_board_keys: dict[tuple[str, str], SigningKey] = {}  # opened once per process


def board_passphrase() -> str:
    return os.environ.get(BOARD_KEY_ENV) or DEMO_BOARD_PASSPHRASE


def seal_board_key(key: SigningKey) -> str:
    """The board account's signing key as stored: sealed under $HUSTINGS_BOARD_KEY."""
    return identity.seal(key, board_passphrase()).encode()


def open_board_key(stored: str) -> SigningKey:
    """The board account's signing key from its stored form. A plain 64-hex seed (written
    before the key was sealed) is still read."""
    if len(stored) == 64 and all(ch in "0123456789abcdef" for ch in stored):
        return SigningKey(bytes.fromhex(stored))
    passphrase = board_passphrase()
    cached = _opened_board_keys.get((stored, passphrase))
    if cached is None:
        try:
            cached = identity.unseal(stored, passphrase)
        except PermissionDenied:
            raise RuleViolation(f"the board account's key does not open with ${BOARD_KEY_ENV}: "
                                "run the server with the passphrase the online poll was set "
                                "up with") from None
        _opened_board_keys[(stored, passphrase)] = cached
    return cached


def ensure_board_account(uow_factory: UnitOfWorkFactory, ctx: Context) -> None:
    """The server's board account, which signs the entries of casts (created once, by an
    administrator, like any user: `user.add` with its key's proof of possession)."""
    with uow_factory() as uow:
        if uow.users.get(BOARD_ACCOUNT) is not None:
            return
    key = identity.new_key()
    public = identity.public_hex(key)
    role = Role.OBSERVER.value
    payload = {"username": BOARD_ACCOUNT, "role": role, "public_key": public,
               "proof": bytes(key.sign(identity.registration_bytes(
                   BOARD_ACCOUNT, role, public)).signature).hex()}
    private = {"credential": UNUSABLE, "credential_sig": bytes(key.sign(
        identity.credential_bytes(BOARD_ACCOUNT, UNUSABLE)).signature).hex()}
    with uow_factory() as uow:  # the key first: a failed user.add leaves it to be replaced
        uow.begin_write()
        uow.online.set_board_key(BOARD_ACCOUNT, seal_board_key(key))
        uow.commit()
    run(uow_factory, "user.add", payload, replace(ctx, private=private))


def board_signer(uow_factory: UnitOfWorkFactory) -> Signer:
    with uow_factory() as uow:
        seed = uow.online.board_key(BOARD_ACCOUNT)
    if seed is None:
        raise RuleViolation("this server has no board account yet: set up an online poll "
                            "first (`hustings online setup`)")
    return Signer(BOARD_ACCOUNT, Role.OBSERVER, open_board_key(seed))


def setup(uow_factory: UnitOfWorkFactory, slug: str, trustees: list[str], threshold: int,
          ctx: Context, poll: str = "initial", opens: datetime | None = None,
          closes: datetime | None = None) -> str:
    """Attach an online channel to the election's poll; returns the online poll's id."""
    problems = []
    if not trustees:
        problems.append(Problem("name at least one trustee (--trustee USER)", "online setup",
                                None, "trustee"))
    if len(set(trustees)) != len(trustees):
        problems.append(Problem("a trustee is named twice", "online setup", None, "trustee"))
    if not 1 <= threshold <= max(len(trustees), 1):
        problems.append(Problem(f"the threshold must be 1 to {len(trustees)} (the number of "
                                "trustees)", "online setup", None, "threshold"))
    if opens and closes and closes <= opens:
        problems.append(Problem("closes must be after opens", "online setup", None, "closes"))
    if problems:
        raise InvalidInput(problems)
    ensure_board_account(uow_factory, ctx)
    payload: dict[str, Any] = {"election": slug, "poll": poll, "trustees": trustees,
                               "threshold": threshold,
                               "opens": opens.isoformat() if opens else None,
                               "closes": closes.isoformat() if closes else None}
    return run(uow_factory, "online.setup", payload, ctx)  # type: ignore[no-any-return]


@command("online.setup")
def _setup(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> str:
    slug, poll_key = payload["election"], payload["poll"]
    election = uow.elections.get(slug)
    if election.status is ElectionStatus.CERTIFIED:
        raise RuleViolation(f"{slug!r} is certified: no new online poll")
    poll = uow.polls.get(slug, poll_key)
    question = question_for(election, poll)
    live = [p for p in uow.online.polls(slug) if not p.voided and p.poll == poll_key]
    if live:
        raise RuleViolation(f"poll {poll_key!r} of {slug!r} has an online poll already "
                            f"({live[-1].crypto_id})")
    for name in payload["trustees"]:
        user = uow.users.get(name)
        if user is None or user.disabled:
            raise InvalidInput(Problem(f"no active user {name!r}: each trustee signs in as "
                                       "their own user (hustings user add)", "online setup",
                                       None, "trustee"))
        if name == BOARD_ACCOUNT:
            raise InvalidInput(Problem("the board account cannot be a trustee",
                                       "online setup", None, "trustee"))
    if poll.replaces is not None and ONLINE_PRECINCT in poll.precincts:
        # a re-vote of the online channel (a ruling voided its return): the voided online
        # poll's board, credentials and result stay on record, marked void
        for old in uow.online.polls(slug):
            if old.poll == poll.replaces and not old.voided:
                uow.online.update(old.crypto_id, voided=True)
    crypto_id = f"{slug}/{poll_key}/online-{uow.online.count_polls(slug, poll_key) + 1}"
    uow.online.add_poll(OnlinePoll(
        crypto_id, slug, poll_key, question.to_json(), payload["threshold"],
        opens=datetime.fromisoformat(payload["opens"]) if payload.get("opens") else None,
        closes=datetime.fromisoformat(payload["closes"]) if payload.get("closes") else None),
        list(payload["trustees"]))
    if ONLINE_PRECINCT not in {p.code for p in uow.precincts.all(slug)}:
        uow.precincts.add(slug, Precinct(ONLINE_PRECINCT, "Online voting"))
    if ONLINE_PRECINCT not in poll.precincts:
        uow.polls.add_precinct(slug, poll_key, ONLINE_PRECINCT)
    return crypto_id


# -- the key ceremony -----------------------------------------------------------------------

def _poll_payload(uow_factory: UnitOfWorkFactory, slug: str, **rest: Any) -> dict[str, Any]:
    """A command's payload naming the election and its current online poll."""
    with uow_factory() as uow:
        poll = current_poll(uow, slug)
    return {"election": slug, "online": poll.crypto_id, **rest}


def _trustee_payload(uow_factory: UnitOfWorkFactory, slug: str, trustee: int,
                     **rest: Any) -> dict[str, Any]:
    return _poll_payload(uow_factory, slug, trustee=trustee, **rest)


def _in_setup(poll: OnlinePoll) -> None:
    if poll.status is not OnlineStatus.SETUP:
        raise RuleViolation(f"the key ceremony of {poll.crypto_id!r} is over (the poll is "
                            f"{poll.status.value})")


def _trustee(uow: UnitOfWork, poll: OnlinePoll, number: int) -> OnlineTrustee:
    for t in uow.online.trustees(poll.crypto_id):
        if t.number == number:
            return t
    raise NotFound(f"no trustee {number} in online poll {poll.crypto_id!r}")


def publish_box_key(uow_factory: UnitOfWorkFactory, slug: str, trustee: int, box_key: str,
                    ctx: Context) -> None:
    run(uow_factory, "online.boxkey",
        _trustee_payload(uow_factory, slug, trustee, box_key=box_key), ctx)


@command("online.boxkey")
def _boxkey(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> None:
    poll = _by_id(uow, payload["online"])
    _in_setup(poll)
    me = _trustee(uow, poll, payload["trustee"])
    key = payload["box_key"]
    if not isinstance(key, str) or len(key) != 64 or key != key.lower() or \
            any(ch not in "0123456789abcdef" for ch in key):
        raise InvalidInput(Problem("a box key is 64 lowercase hex digits", "trustee file",
                                   None, "box_key"))
    if me.box_key is not None:
        raise RuleViolation(f"trustee {me.number} has published a box key already")
    if any(t.box_key == key for t in uow.online.trustees(poll.crypto_id)):
        raise RuleViolation("another trustee has this box key")
    uow.online.update_trustee(poll.crypto_id, me.number, box_key=key)


def publish_dealing(uow_factory: UnitOfWorkFactory, slug: str, trustee: int,
                    dealing: dict[str, Any], sealed: dict[str, str], ctx: Context) -> None:
    run(uow_factory, "online.deal", _trustee_payload(uow_factory, slug, trustee,
                                                      dealing=dealing, sealed=sealed), ctx)


@command("online.deal")
def _deal(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> None:
    poll = _by_id(uow, payload["online"])
    _in_setup(poll)
    trustees = uow.online.trustees(poll.crypto_id)
    me = _trustee(uow, poll, payload["trustee"])
    if me.dealing is not None:
        raise RuleViolation(f"trustee {me.number} has dealt already")
    ceremony = ceremony_of(trustees, poll)
    dealing = dkg.Dealing.from_json(payload["dealing"], "dealing")
    if dealing.dealer != me.number:
        raise VerificationError(f"the dealing is trustee {dealing.dealer}'s, not "
                                f"{me.number}'s", "dealing.dealer")
    dkg.verify_dealing(ceremony, dealing)
    sealed = payload["sealed"]
    expected = {str(t.number) for t in trustees}
    if not isinstance(sealed, dict) or set(sealed) != expected:
        raise VerificationError("one sealed share per trustee is needed", "sealed")
    for j, text in sealed.items():
        try:
            bytes.fromhex(text)
        except (TypeError, ValueError):
            raise VerificationError("a sealed share is hex", f"sealed.{j}") from None
    uow.online.update_trustee(poll.crypto_id, me.number, dealing=dealing.to_json(),
                              sealed=dict(sealed))


def complain(uow_factory: UnitOfWorkFactory, slug: str, trustee: int, dealer: int,
             reason: str, ctx: Context) -> None:
    """Trustee `trustee` says the share dealer `dealer` sealed to it fails its check."""
    run(uow_factory, "online.complain", _trustee_payload(uow_factory, slug, trustee,
                                                          dealer=dealer, reason=reason), ctx)


@command("online.complain")
def _complain(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> None:
    poll = _by_id(uow, payload["online"])
    _in_setup(poll)
    me = _trustee(uow, poll, payload["trustee"])
    dealer = _trustee(uow, poll, payload["dealer"])
    if dealer.dealing is None:
        raise RuleViolation(f"trustee {dealer.number} has not dealt")
    if any(c.dealer == dealer.number and c.recipient == me.number
           for c in uow.online.complaints(poll.crypto_id)):
        raise RuleViolation("this complaint was made already")
    uow.online.add_complaint(poll.crypto_id, Complaint(dealer.number, me.number,
                                                       str(payload["reason"])[:500]))


def answer(uow_factory: UnitOfWorkFactory, slug: str, trustee: int, recipient: int,
           revealed: str, ctx: Context) -> bool:
    """Dealer `trustee` answers a complaint by revealing the share; True when upheld."""
    return run(uow_factory, "online.answer",  # type: ignore[no-any-return]
               _trustee_payload(uow_factory, slug, trustee, recipient=recipient,
                                revealed=revealed), ctx)


@command("online.answer")
def _answer(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> bool:
    poll = _by_id(uow, payload["online"])
    _in_setup(poll)
    me = _trustee(uow, poll, payload["trustee"])
    recipient = payload["recipient"]
    open_ = [c for c in uow.online.complaints(poll.crypto_id)
             if c.dealer == me.number and c.recipient == recipient and c.revealed is None]
    if not open_:
        raise RuleViolation(f"no open complaint of trustee {recipient} against {me.number}")
    share = Scalar.decode(_hex32(payload["revealed"], "revealed"), "revealed")
    upheld = dkg.judge_complaint(dkg.Dealing.from_json(me.dealing), recipient, share)
    uow.online.answer_complaint(poll.crypto_id, me.number, recipient, share.hex(), upheld)
    return upheld


def _hex32(text: Any, field: str) -> bytes:
    try:
        raw = bytes.fromhex(text)
    except (TypeError, ValueError):
        raw = b""
    if len(raw) != 32:
        raise VerificationError("expected 64 hexadecimal digits", field)
    return raw


# -- credentials ----------------------------------------------------------------------------

def register_credentials(uow_factory: UnitOfWorkFactory, slug: str,
                         rows: list[tuple[str, int, str | None]], ctx: Context) -> int:
    """The credential authority's public list: (public credential hex, weight, member id)."""
    with uow_factory() as uow:
        poll = current_poll(uow, slug)
    # the list goes in a stored file named by its SHA-256 (a roll may be large), like an
    # imported tally sheet; the log entry holds the hash and the count
    data = json.dumps([{"credential": c, "weight": w, "member": m} for c, w, m in rows],
                      sort_keys=True, separators=(",", ":")).encode()
    payload = {"election": slug, "online": poll.crypto_id, "count": len(rows),
               "sha256": hashlib.sha256(data).hexdigest()}
    return run(uow_factory, "online.credentials",  # type: ignore[no-any-return]
               payload, ctx, blobs=(data,))


@command("online.credentials")
def _credentials(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> int:
    poll = _by_id(uow, payload["online"])
    if poll.status not in (OnlineStatus.SETUP, OnlineStatus.OPEN):
        raise RuleViolation(f"the online poll is {poll.status.value}: no more credentials")
    try:
        given = json.loads(uow.blobs.get(payload["sha256"]))
    except ValueError:
        given = None
    if not isinstance(given, list) or not all(isinstance(r, dict) for r in given):
        raise VerificationError("the credential list is a JSON array of objects",
                                "credentials")
    listed = CredentialList.from_json(
        {"election_id": poll.crypto_id,
         "credentials": [{"credential": r.get("credential"), "weight": r.get("weight")}
                         for r in given]}, "credentials")
    existing = uow.online.credentials(poll.crypto_id)
    known = {c for c, _, _ in existing}
    members = {m for _, _, m in existing if m is not None}
    roll = {m for m, _, _ in uow.online.roll_members(poll.election)}
    rows = []
    for i, r in enumerate(given):
        member = r.get("member")
        if r["credential"] in known:
            raise VerificationError("this public credential is registered already",
                                    f"credentials[{i}].credential")
        if member is not None:
            if member in members:
                raise VerificationError(f"member {member!r} has a credential already",
                                        f"credentials[{i}].member")
            if member not in roll:
                raise VerificationError(f"member {member!r} is not on the frozen roll",
                                        f"credentials[{i}].member")
            members.add(member)
        rows.append((r["credential"], int(r["weight"]), member))
    del listed
    uow.online.add_credentials(poll.crypto_id, rows)
    return len(rows)


# -- opening, casting, closing --------------------------------------------------------------

def open_poll(uow_factory: UnitOfWorkFactory, slug: str, ctx: Context) -> str:
    """Fix the election key from the qualified dealings and open the board; returns the
    election's fingerprint (hex)."""
    return run(uow_factory, "online.open",  # type: ignore[no-any-return]
               _poll_payload(uow_factory, slug), ctx)


@command("online.open")
def _open(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> str:
    poll = _by_id(uow, payload["online"])
    _in_setup(poll)
    election = uow.elections.get(poll.election)
    if election.status is not ElectionStatus.VOTING:
        raise RuleViolation(f"{poll.election!r} is {election.status.value}: an online poll "
                            f"opens while the election is voting (hustings election advance "
                            f"{poll.election} voting)")
    trustees = uow.online.trustees(poll.crypto_id)
    ceremony_of(trustees, poll)
    complaints = uow.online.complaints(poll.crypto_id)
    out = {c.dealer for c in complaints if c.upheld is None or c.upheld}
    qualified = [t.number for t in trustees if t.dealing is not None and t.number not in out]
    if len(qualified) < poll.threshold:
        waiting = [t.number for t in trustees if t.dealing is None]
        raise RuleViolation(
            f"{len(qualified)} qualified trustee(s), {poll.threshold} needed"
            + (f"; trustee(s) {', '.join(map(str, waiting))} have not dealt" if waiting else "")
            + (f"; disqualified or unanswered: {', '.join(map(str, sorted(out)))}" if out
               else ""))
    if not uow.online.credentials(poll.crypto_id):
        raise RuleViolation("no credentials registered: run `hustings credentials generate "
                            f"{poll.election} --out DIR` first")
    dealings = {t.number: dkg.Dealing.from_json(t.dealing) for t in trustees
                if t.dealing is not None}
    key = dkg.public_key([dealings[j] for j in qualified])
    crypto = CryptoElection(poll.crypto_id, key, (Question.from_json(poll.question,
                                                                     "question"),))
    uow.online.update(poll.crypto_id, status=OnlineStatus.OPEN, qualified=qualified,
                      election_json=crypto.to_json(), board_head=bb.genesis(crypto).hex())
    return crypto.fingerprint.hex()


def cast(uow_factory: UnitOfWorkFactory, slug: str, ballot: Any,
         now: datetime | None = None) -> str:
    """Put a ballot (its JSON, spec section 8) on the board; returns its tracker.

    UnknownCredential (PermissionDenied) when its credential is not on the list;
    VerificationError (InvalidInput) when malformed, foreign, replayed or a proof fails;
    RuleViolation when the poll is not open. Nothing is stored unless it is accepted.

    The costly part, checking the ballot's proofs and signature (about 1.5 ms of CPU), is
    done here, before the write transaction, so casts verify in parallel and hold the writer
    lock only for the short append; the command's handler then skips that one check for this
    very ballot (a replay of the log checks everything again)."""
    with uow_factory() as uow:
        poll = current_poll(uow, slug)
        stored = uow.online.board_key(BOARD_ACCOUNT)
        weight = None
        if poll.status is OnlineStatus.OPEN and isinstance(ballot, dict) \
                and isinstance(ballot.get("credential"), str):
            weight = uow.online.credential_weight(poll.crypto_id, ballot["credential"])
    if stored is None:
        raise RuleViolation("this server has no board account yet: set up an online poll "
                            "first (`hustings online setup`)")
    signer = Signer(BOARD_ACCOUNT, Role.OBSERVER, open_board_key(stored))
    private: dict[str, Any] = {}
    if weight is not None:  # listed and open: verify now, outside the writer lock
        checked = Ballot.from_json(ballot)
        verify_ballot(_election_of(poll), checked)
        private[VERIFIED] = canonical_json(checked.to_json())
    payload = {"election": slug, "online": poll.crypto_id, "ballot": ballot}
    return _GROUPS.submit(uow_factory, payload,  # type: ignore[no-any-return]
                          Context(signer=signer, now=now, private=private))


class _Waiting:
    def __init__(self, payload: dict[str, Any], ctx: Context):
        self.payload, self.ctx = payload, ctx
        self.done = threading.Event()
        self.lead = False
        self.result: Any = None


class CastGroups:
    """Group commit of casts: a cast that finds others waiting for the writer joins them, and
    one of the waiting threads (the leader) appends every waiting cast in one transaction,
    each with its own signed log entry, in arrival order, and commits once; each voter is
    answered after that commit. Then the next waiting cast leads the next group."""

    MAX = 64  # casts in one transaction at most

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: dict[int, list[_Waiting]] = {}
        self._busy: set[int] = set()

    def submit(self, uow_factory: UnitOfWorkFactory, payload: dict[str, Any],
               ctx: Context) -> Any:
        key = id(uow_factory)
        me = _Waiting(payload, ctx)
        with self._lock:
            self._queues.setdefault(key, []).append(me)
            if key not in self._busy:
                self._busy.add(key)
                me.lead = True
        if not me.lead:
            me.done.wait()
        if me.lead:  # take the waiting casts (me first among them) and run them together
            with self._lock:
                queue = self._queues[key]
                group, self._queues[key] = queue[:self.MAX], queue[self.MAX:]
            try:
                results = run_group(uow_factory, "online.cast",
                                    [(w.payload, w.ctx) for w in group])
            except BaseException as exc:  # noqa: BLE001 - every waiter answers with it
                results = [exc] * len(group)
            for w, result in zip(group, results, strict=True):
                w.result = result
            with self._lock:  # hand over to the next waiting cast, if any
                rest = self._queues[key]
                if rest:
                    rest[0].lead = True
                    rest[0].done.set()
                else:
                    self._busy.discard(key)
            for w in group:
                if w is not me:
                    w.done.set()
        if isinstance(me.result, BaseException):
            raise me.result
        return me.result


_GROUPS = CastGroups()


VERIFIED = "verified_ballot"  # ctx.private: the canonical JSON of a ballot verified just before
_elections: dict[str, CryptoElection] = {}  # parsed election JSON, by online poll and key


def _election_of(poll: OnlinePoll) -> CryptoElection:
    """The poll's crypto election, parsed once per process (its JSON is fixed once open)."""
    key = canonical_json(poll.election_json).decode() if poll.election_json else ""
    election = _elections.get(key)
    if election is None:
        election = crypto_election(poll)
        if len(_elections) > 64:
            _elections.clear()
        _elections[key] = election
    return election


@command("online.cast")
def _cast(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> str:
    poll = _by_id(uow, payload["online"])
    if poll.status is not OnlineStatus.OPEN:
        raise RuleViolation(f"the online poll is {poll.status.value}: ballots are taken only "
                            "while it is open")
    if poll.closes is not None and ctx.time > poll.closes.replace(tzinfo=None):
        raise RuleViolation(f"the online poll closed at {poll.closes.isoformat()}")
    if poll.opens is not None and ctx.time < poll.opens.replace(tzinfo=None):
        raise RuleViolation(f"the online poll opens at {poll.opens.isoformat()}")
    election = _election_of(poll)
    ballot = Ballot.from_json(payload["ballot"])
    canonical = canonical_json(ballot.to_json())
    credential = ballot.credential.hex()
    weight = uow.online.credential_weight(poll.crypto_id, credential)
    member = None if weight is None else uow.online.credential_member(poll.crypto_id,
                                                                      credential)
    if member is not None and uow.online.station_marked(poll.election, poll.poll, member):
        # one vote per member: checked inside the write transaction, so a clerk's marking
        # and a cast cannot both pass; nothing is stored and the board is unchanged
        raise RuleViolation("the member this credential was issued to is marked in a polling "
                            "station's register as having voted there: one vote per member")
    listed = CredentialList.of(poll.crypto_id, [] if weight is None else
                               [(ballot.credential, weight)])
    position = poll.ballots + 1
    entry = bb.admit(election, listed, ballot, bytes.fromhex(poll.board_head or ""), position,
                     lambda tracker: uow.online.on_board(poll.crypto_id, tracker),
                     verified=ctx.private.get(VERIFIED) == canonical)
    head = entry.link.hex()
    for key, value in (("tracker", entry.tracker), ("position", position), ("head", head)):
        if payload.setdefault(key, value) != value:  # a replay must rebuild the logged board
            raise RuleViolation(f"the logged cast says {key} {payload[key]}, the board gives "
                                f"{value}")
    uow.online.append(poll.crypto_id, BoardRow(position, entry.tracker, head, credential,
                                               canonical.decode(), ctx.time))
    uow.online.update(poll.crypto_id, ballots=position, board_head=head)
    return entry.tracker


def close(uow_factory: UnitOfWorkFactory, slug: str, ctx: Context) -> dict[str, Any]:
    """Close the board and fix its encrypted tally; returns the tally's JSON."""
    return run(uow_factory, "online.close",  # type: ignore[no-any-return]
               _poll_payload(uow_factory, slug), ctx)


@command("online.close")
def _close(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> dict[str, Any]:
    poll = _by_id(uow, payload["online"])
    if poll.status is not OnlineStatus.OPEN:
        raise RuleViolation(f"the online poll is {poll.status.value}, not open")
    encrypted = tally(crypto_election(poll), credential_list(uow, poll),
                      board_entries(uow, poll))
    uow.online.update(poll.crypto_id, status=OnlineStatus.CLOSED, tally=encrypted.to_json())
    return encrypted.to_json()


# -- decryption and the result --------------------------------------------------------------

def submit_share(uow_factory: UnitOfWorkFactory, slug: str, trustee: int,
                 share: dict[str, Any], ctx: Context) -> None:
    run(uow_factory, "online.share", _trustee_payload(uow_factory, slug, trustee,
                                                       share=share), ctx)


@command("online.share")
def _share(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> None:
    poll = _by_id(uow, payload["online"])
    if poll.status is not OnlineStatus.CLOSED:
        raise RuleViolation(f"the online poll is {poll.status.value}: decryption shares are "
                            "taken once it is closed, until the tally is decrypted")
    me = _trustee(uow, poll, payload["trustee"])
    if me.number not in (poll.qualified or []):
        raise RuleViolation(f"trustee {me.number} is not a qualified trustee")
    if me.share is not None:
        raise RuleViolation(f"trustee {me.number} has decrypted already")
    share = DecryptionShare.from_json(payload["share"], "share")
    if share.trustee != me.number:
        raise VerificationError(f"the share is trustee {share.trustee}'s, not {me.number}'s",
                                "share.trustee")
    dealings = qualified_dealings(uow, poll)
    encrypted = EncryptedTally.from_json(poll.tally)
    verify_decryption_share(crypto_election(poll), dkg.verification_key(dealings, me.number),
                            encrypted, share)
    uow.online.update_trustee(poll.crypto_id, me.number, share=share.to_json())


def decrypt_tally(uow_factory: UnitOfWorkFactory, slug: str, ctx: Context) -> dict[str, int]:
    """Combine the trustees' shares (at least the threshold) into the result."""
    return run(uow_factory, "online.tally",  # type: ignore[no-any-return]
               _poll_payload(uow_factory, slug), ctx)


@command("online.tally")
def _tally(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> dict[str, int]:
    poll = _by_id(uow, payload["online"])
    if poll.status is not OnlineStatus.CLOSED:
        raise RuleViolation(f"the online poll is {poll.status.value}, not closed")
    trustees = uow.online.trustees(poll.crypto_id)
    shares = [DecryptionShare.from_json(t.share) for t in trustees if t.share is not None]
    if len(shares) < poll.threshold:
        raise RuleViolation(f"{len(shares)} decryption share(s), {poll.threshold} needed "
                            "(`hustings trustee decrypt`)")
    dealings = qualified_dealings(uow, poll)
    result = decrypt(crypto_election(poll), EncryptedTally.from_json(poll.tally), shares,
                     verification_keys(dealings, len(trustees)), poll.threshold)
    uow.online.update(poll.crypto_id, status=OnlineStatus.TALLIED, result=result.to_json())
    return dict(zip(poll.question["choices"], result.counts[0], strict=True))


def publish(uow_factory: UnitOfWorkFactory, slug: str, ctx: Context) -> None:
    """The decrypted result enters the count as the return of precinct ONLINE."""
    run(uow_factory, "online.publish", _poll_payload(uow_factory, slug), ctx)


@command("online.publish")
def _publish(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> None:
    poll = _by_id(uow, payload["online"])
    if poll.status is not OnlineStatus.TALLIED:
        raise RuleViolation(f"the online poll is {poll.status.value}: decrypt the tally "
                            "first (hustings online tally)")
    election = uow.elections.get(poll.election)
    base = uow.polls.get(poll.election, poll.poll)
    before = accepted_returns_now(uow, poll.election)
    # the decrypted tally is proved, not copied: it is entered once, by the command
    if election.returns is Returns.SHEETS:
        uow.sheets.add(poll.election, online_sheet(uow, poll, election),
                       f"online:{poll.crypto_id}", ctx.time)
    else:
        uow.batches.add(poll.election, online_batch(poll, election),
                        f"online:{poll.crypto_id}", ctx.time)
    uow.online.update(poll.crypto_id, status=OnlineStatus.PUBLISHED)
    returns_changed(uow, election, base, before, ctx, None)


def accepted_returns_now(uow: UnitOfWork, slug: str) -> set[tuple[str, str]]:
    from hustings.services.count import count_election

    return accepted_returns(count_election(uow, slug))


def online_sheet(uow: UnitOfWork, poll: OnlinePoll, election: Election) -> TallySheet:
    """The ONLINE precinct's sheet: the decrypted counts (weights), blank ballots counted
    where a question takes at most one mark."""
    if poll.result is None or poll.tally is None:
        raise RuleViolation("the online poll has no result yet")
    counts = dict(zip(poll.question["choices"], Result.from_json(poll.result).counts[0],
                      strict=True))
    weight = int(poll.tally["weight"])
    valid = sum(counts.values())
    blank = max(0, weight - valid) if poll.question["max"] == 1 else 0
    registered = uow.roll.counts(election.slug).get(ONLINE_PRECINCT, 0)
    return TallySheet(poll.poll, ONLINE_PRECINCT, registered, valid + blank, counts, blank, 0)


def online_batch(poll: OnlinePoll, election: Election) -> BallotBatch:
    """The ONLINE precinct's return for an election counted from ballots: the decrypted
    totals as ballots of one mark each, plus the blank ballots where a question takes at most
    one mark. Exact for plurality and confirmation (a ballot marks at most one choice); for
    approval each approval is one row, so the scores are exact but the batch's ballot count is
    the number of approvals (the tally gives totals, not each ballot's marks)."""
    if poll.result is None or poll.tally is None:
        raise RuleViolation("the online poll has no result yet")
    keys = tuple(c.key for c in election.candidates)
    counts = dict(zip(poll.question["choices"], Result.from_json(poll.result).counts[0],
                      strict=True))
    rows = [((keys.index(k),), n) for k, n in counts.items() if n > 0]
    if poll.question["max"] == 1:
        blank = int(poll.tally["weight"]) - sum(counts.values())
        if blank > 0:
            rows.append(((-1,), blank))
    rows.sort()
    flat = [code for row, _ in rows for code in row]
    return BallotBatch(poll.poll, ONLINE_PRECINCT, keys, 1,
                       struct.pack(f"<{len(flat)}i", *flat), tuple(n for _, n in rows))


# -- the record -----------------------------------------------------------------------------

def election_record(uow: UnitOfWork, poll: OnlinePoll) -> ElectionRecord:
    if poll.result is None:
        raise RuleViolation(f"the online poll {poll.crypto_id!r} has no result yet: close it, "
                            "have the trustees decrypt and run `hustings online tally`")
    trustees = uow.online.trustees(poll.crypto_id)
    return ElectionRecord(
        crypto_election(poll), credential_list(uow, poll), ceremony_of(trustees, poll),
        qualified_dealings(uow, poll), board_entries(uow, poll),
        bytes.fromhex(poll.board_head or ""), EncryptedTally.from_json(poll.tally),
        tuple(DecryptionShare.from_json(t.share) for t in trustees if t.share is not None),
        Result.from_json(poll.result))


def export_files(uow_factory: UnitOfWorkFactory, slug: str) -> dict[str, bytes]:
    """The election record's files: record.json (ElectionRecord.to_json()), ceremony.json
    (every trustee's dealing and the complaints with their answers, so an observer can
    re-check why a dealer was left out), board-log.json (the signed log entries of the casts
    with the head each recorded) and manifest.json: {"kind": "hustings-online-record",
    "version": 1, "files": {name: SHA-256 hex}}."""
    with uow_factory() as uow:
        poll = current_poll(uow, slug)
        record = election_record(uow, poll)
        trustees = uow.online.trustees(poll.crypto_id)
        complaints = uow.online.complaints(poll.crypto_id)
        casts = [e for e in uow.audit.entries() if e.command == "online.cast"]
    ceremony = {
        "online_poll": poll.crypto_id, "qualified": poll.qualified,
        "trustees": [{"number": t.number, "box_key": t.box_key, "dealing": t.dealing}
                     for t in trustees],
        "complaints": [{"dealer": c.dealer, "recipient": c.recipient, "reason": c.reason,
                        "revealed": c.revealed, "upheld": c.upheld} for c in complaints]}
    log = []
    for e in casts:
        body = json.loads(e.payload)
        if body.get("online") == poll.crypto_id:
            log.append({"seq": e.seq, "hash": e.hash, "key_id": e.key_id,
                        "signature": e.signature, "tracker": body.get("tracker"),
                        "position": body.get("position"), "head": body.get("head")})
    files = {"record.json": _pretty(record.to_json()), "ceremony.json": _pretty(ceremony),
             "board-log.json": _pretty({"online_poll": poll.crypto_id, "casts": log})}
    # exactly what an independent verifier reads (hustings-verify): the kind, the version and
    # each file's SHA-256
    manifest = {"kind": RECORD_KIND, "version": 1,
                "files": {name: hashlib.sha256(data).hexdigest()
                          for name, data in sorted(files.items())}}
    files["manifest.json"] = _pretty(manifest)
    return files


def _pretty(value: Any) -> bytes:
    return (json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


PARALLEL_MIN = 2000  # boards smaller than this are verified in one process
CHUNK = 500  # ballots per task given to a worker process


def verify_export(record: ElectionRecord, workers: int | None = None,
                  parallel_min: int = PARALLEL_MIN) -> None:
    """`verify_record` with the ballots' proofs and signatures (nearly all the work) checked
    over `workers` processes (default one per core) when the board has at least
    `parallel_min` ballots; VerificationError names the first failing ballot in board order.
    The chain, credentials, tally, shares and result are then checked as in one process."""
    workers = workers or os.cpu_count() or 1
    if workers < 2 or len(record.board) < max(parallel_min, 1):
        verify_record(record)
        return
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    ballots = [e.ballot.to_json() for e in record.board]
    starts = range(0, len(ballots), CHUNK)
    # spawn, not fork: the caller may hold threads and connections
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn"),
                             initializer=_worker_election,
                             initargs=(record.election.to_json(),)) as pool:
        for failure in pool.map(_verify_chunk, [(i, ballots[i:i + CHUNK]) for i in starts]):
            if failure is not None:
                raise VerificationError(*failure)
    verify_record(record, ballots_verified=True)


_WORKER: list[CryptoElection] = []  # a worker process's election, read once


def _worker_election(election_json: dict[str, Any]) -> None:
    _WORKER[:] = [CryptoElection.from_json(election_json)]


def _verify_chunk(task: tuple[int, list[dict[str, Any]]]) -> tuple[str, str] | None:
    start, ballots = task
    for i, data in enumerate(ballots):
        where = f"board[{start + i}].ballot"
        try:
            verify_ballot(_WORKER[0], Ballot.from_json(data, where), where)
        except VerificationError as exc:  # crosses back as text: message and field
            return exc.problems[0].message, exc.field or where
    return None


def check_export(files: dict[str, bytes]) -> ElectionRecord:
    """Read an exported folder's files back: the manifest's hashes, then the record parsed
    (and verified by the caller with `verify_record`). VerificationError names what fails."""
    if "manifest.json" not in files:
        raise VerificationError("manifest.json is missing", "manifest.json")
    try:
        manifest = json.loads(files["manifest.json"])
    except ValueError as exc:
        raise VerificationError(f"manifest.json is not JSON: {exc}", "manifest.json") from None
    if not isinstance(manifest, dict) or manifest.get("kind") != RECORD_KIND:
        raise VerificationError(f"manifest.json is not a {RECORD_KIND}", "manifest.json")
    listed = manifest.get("files")
    if not isinstance(listed, dict) or "record.json" not in listed:
        raise VerificationError("manifest.json lists no record.json", "manifest.json")
    for name, sha256 in listed.items():
        data = files.get(name)
        if data is None:
            raise VerificationError(f"{name} is missing", "manifest.json")
        if hashlib.sha256(data).hexdigest() != sha256:
            raise VerificationError(f"{name} does not match its SHA-256 in the manifest", name)
    unlisted = sorted(set(files) - set(listed) - {"manifest.json"})
    if unlisted:
        raise VerificationError(f"{unlisted[0]} is not in the manifest", "manifest.json")
    try:
        data = json.loads(files["record.json"])
    except ValueError as exc:
        raise VerificationError(f"record.json is not JSON: {exc}", "record.json") from None
    return ElectionRecord.from_json(data)
