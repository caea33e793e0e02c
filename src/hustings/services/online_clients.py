"""The other parties' tools of an online poll: the credential authority, a trustee, a voter.

These run on their own machines in principle and talk to the server only through the public
steps of services/online.py: the CA hands over public credentials only, a trustee's secrets
(its X25519 box key, and the shares sealed to it) stay in its key file, a voter's private
credential is used only to sign the ballot it encrypts here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pysodium

from hustings.crypto import credentials as cr
from hustings.crypto import dkg
from hustings.crypto.ballot import check_audit, encrypt_ballot, encrypt_ballot_with_randomness
from hustings.crypto.decryption import decryption_share
from hustings.crypto.election import Election as CryptoElection
from hustings.crypto.errors import VerificationError
from hustings.crypto.group import Scalar
from hustings.crypto.tally import EncryptedTally
from hustings.domain.errors import InvalidInput, PermissionDenied, Problem, RuleViolation
from hustings.services import online
from hustings.services.commands import Context
from hustings.services.ports import UnitOfWorkFactory

KEY_FILE_KIND = "hustings-trustee-key"


# -- the credential authority ----------------------------------------------------------------

def generate_credentials(uow_factory: UnitOfWorkFactory, slug: str, ctx: Context,
                         weights: Mapping[str, int] | None = None
                         ) -> list[tuple[str, str, str]]:
    """One private credential per member on the roll who has none yet; registers the public
    list and returns (member id, name, private credential) for the mail merge. The private
    credentials are returned to the caller only: they never reach the database."""
    crypto_id, members = online.roll_members(uow_factory, slug)
    with uow_factory() as uow:
        have = {m for _, _, m in uow.online.credentials(crypto_id) if m is not None}
    todo = [(m, n) for m, n in members if m not in have]
    weights = weights or {}
    unknown = sorted(set(weights) - {m for m, _ in members})
    if unknown:
        raise InvalidInput(Problem(f"member {unknown[0]!r} is not on the roll", "weights",
                                   None, "member_id"))
    private = [cr.new_credential() for _ in todo]
    rows: list[tuple[str, int, str | None]] = [
        (cr.public_credential(crypto_id, credential).hex(), weights.get(member, 1), member)
        for (member, _), credential in zip(todo, private, strict=True)]
    if rows:
        online.register_credentials(uow_factory, slug, rows, ctx)
    return [(m, n, c) for (m, n), c in zip(todo, private, strict=True)]


# -- a voter ----------------------------------------------------------------------------------

def encrypt_vote(uow_factory: UnitOfWorkFactory, slug: str, credential: str,
                 choices: list[str]) -> dict[str, Any]:
    """The signed, encrypted ballot JSON of a voter's choices (what the booth builds)."""
    return encrypt_for(online.crypto_election_of(uow_factory, slug), credential, choices)


def encrypt_for(election: CryptoElection, credential: str, choices: list[str]
                ) -> dict[str, Any]:
    """The ballot JSON for `choices` under an election (e.g. one fetched from a server)."""
    secret = cr.credential_secret(election.election_id, credential)
    return encrypt_ballot(election, secret, [election.questions[0].marks(choices)]).to_json()


def audit_vote(uow_factory: UnitOfWorkFactory, slug: str, credential: str,
               choices: list[str]) -> dict[str, Any]:
    """A Benaloh challenge: encrypt the choices, reveal the randomness and check that the
    ballot encrypts them. The audited ballot is never cast (a fresh one is made to vote)."""
    election = online.crypto_election_of(uow_factory, slug)
    secret = cr.credential_secret(election.election_id, credential)
    marks = [election.questions[0].marks(choices)]
    ballot, randomness = encrypt_ballot_with_randomness(election, secret, marks)
    if not check_audit(election, ballot, marks, randomness):
        raise RuleViolation("the audited ballot does not encrypt the choices: do not use "
                            "this client")
    return {"ballot": ballot.to_json(), "tracker": ballot.tracker, "marks": marks,
            "randomness": [[r.hex() for r in row] for row in randomness]}


def vote(uow_factory: UnitOfWorkFactory, slug: str, credential: str,
         choices: list[str]) -> str:
    """Encrypt, sign and cast; returns the tracker."""
    return online.cast(uow_factory, slug, encrypt_vote(uow_factory, slug, credential, choices))


# -- a trustee --------------------------------------------------------------------------------

@dataclass
class KeyFile:
    """A trustee's private file: its box key pair, for one online poll."""

    online_poll: str
    trustee: int
    box_public: bytes
    box_secret: bytes
    dealt: dict[str, str] | None = None  # the shares I dealt (hex), to answer complaints

    def to_json(self) -> dict[str, Any]:
        return {"kind": KEY_FILE_KIND, "online_poll": self.online_poll,
                "trustee": self.trustee, "box_public": self.box_public.hex(),
                "box_secret": self.box_secret.hex(), "dealt": self.dealt}

    @classmethod
    def read(cls, data: bytes, source: str) -> KeyFile:
        try:
            obj = json.loads(data)
            if obj.get("kind") != KEY_FILE_KIND:
                raise ValueError("not a trustee key file")
            return cls(str(obj["online_poll"]), int(obj["trustee"]),
                       bytes.fromhex(obj["box_public"]), bytes.fromhex(obj["box_secret"]),
                       obj.get("dealt"))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise InvalidInput(Problem(f"not a hustings trustee key file ({exc})", source)) \
                from None


def _check_key_file(view: dict[str, Any], key: KeyFile, number: int, source: str) -> None:
    if key.online_poll != view["online_poll"]:
        raise InvalidInput(Problem(f"this key file is for online poll {key.online_poll!r}, "
                                   f"not {view['online_poll']!r}", source, None,
                                   "online_poll"))
    if key.trustee != number:
        raise InvalidInput(Problem(f"this key file is trustee {key.trustee}'s; you are "
                                   f"trustee {number}", source, None, "trustee"))


def keygen(uow_factory: UnitOfWorkFactory, slug: str, key: KeyFile | None, ctx: Context,
           source: str = "key file") -> tuple[KeyFile, str]:
    """The trustee's next step of the key ceremony; returns the key file (new on the first
    step: the caller saves it) and what was done.

    1. no key file: make a box key pair and publish its public half;
    2. every box key published: deal (commitments, proof, a share sealed to each trustee);
    3. every trustee dealt: open and check the shares sealed to me; complain about a bad one;
    4. answer complaints made against me by revealing the share."""
    if ctx.signer is None:
        raise PermissionDenied("sign in as the trustee")
    number = online.trustee_number(uow_factory, slug, ctx.signer.username)
    view = online.trustee_view(uow_factory, slug)
    if key is None:
        me = view["trustees"][number - 1]
        if me["box_key"] is not None:
            raise RuleViolation(f"trustee {number} has published a box key already: give "
                                "the key file it was saved in (--key FILE)")
        public, secret = pysodium.crypto_box_keypair()
        key = KeyFile(view["online_poll"], number, public, secret)
        online.publish_box_key(uow_factory, slug, number, public.hex(), ctx)
        return key, f"box key published as trustee {number}: keep the key file secret"
    _check_key_file(view, key, number, source)
    me = view["trustees"][number - 1]
    if me["box_key"] != key.box_public.hex():
        raise InvalidInput(Problem("this key file's box key is not the one trustee "
                                   f"{number} published", source, None, "box_public"))
    if view["status"] != "setup":
        return key, f"the key ceremony is over (the online poll is {view['status']})"
    waiting = [t["number"] for t in view["trustees"] if t["box_key"] is None]
    if waiting:
        return key, f"waiting for the box keys of trustee(s) {_list(waiting)}"
    ceremony = dkg.Ceremony(view["online_poll"], view["threshold"],
                            tuple(bytes.fromhex(t["box_key"]) for t in view["trustees"]))
    if me["dealing"] is None:
        dealing, shares = dkg.deal(ceremony, number)
        sealed = {str(j): dkg.seal_share(ceremony, number, j, s).hex()
                  for j, s in shares.items()}
        key.dealt = {str(j): s.hex() for j, s in shares.items()}
        online.publish_dealing(uow_factory, slug, number, dealing.to_json(), sealed, ctx)
        return key, f"dealt as trustee {number}: keep the updated key file secret"
    answered = []
    for c in view["complaints"]:
        if c["dealer"] == number and c["revealed"] is None and key.dealt:
            # answer by revealing the share in clear: everyone can then judge it
            online.answer(uow_factory, slug, number, c["recipient"],
                          key.dealt[str(c["recipient"])], ctx)
            answered.append(c["recipient"])
    if answered:
        return key, f"answered the complaint(s) of trustee(s) {_list(answered)}"
    waiting = [t["number"] for t in view["trustees"] if t["dealing"] is None]
    if waiting:
        return key, f"waiting for the dealings of trustee(s) {_list(waiting)}"
    complained = {c["dealer"] for c in view["complaints"] if c["recipient"] == number}
    bad = []
    for t in view["trustees"]:
        if t["number"] in complained:
            continue
        try:
            share = dkg.open_share(ceremony, t["number"], number,
                                   bytes.fromhex(t["sealed"][str(number)]), key.box_secret)
            ok = dkg.verify_share(dkg.Dealing.from_json(t["dealing"]), number, share)
        except VerificationError:
            ok = False
        if not ok:
            bad.append(t["number"])
            online.complain(uow_factory, slug, number, t["number"],
                            "the share sealed to me does not open or fails its check", ctx)
    if bad:
        return key, f"complained about the share(s) of trustee(s) {_list(bad)}"
    return key, f"every share sealed to trustee {number} checks: ready"


def my_secret(view: dict[str, Any], key: KeyFile) -> Scalar:
    """x_j: the sum of the shares the qualified dealers sealed to me."""
    ceremony = dkg.Ceremony(view["online_poll"], view["threshold"],
                            tuple(bytes.fromhex(t["box_key"]) for t in view["trustees"]))
    revealed = {c["dealer"]: c["revealed"] for c in view["complaints"]
                if c["recipient"] == key.trustee and c["revealed"] and not c["upheld"]}
    received = {}
    for t in view["trustees"]:
        if t["number"] not in (view["qualified"] or []):
            continue
        if t["number"] in revealed:  # my complaint was answered in public: that share counts
            received[t["number"]] = Scalar.decode(bytes.fromhex(revealed[t["number"]]),
                                                  "revealed")
        else:
            received[t["number"]] = dkg.open_share(
                ceremony, t["number"], key.trustee,
                bytes.fromhex(t["sealed"][str(key.trustee)]), key.box_secret)
    return dkg.combine_shares(received)


def decrypt(uow_factory: UnitOfWorkFactory, slug: str, key: KeyFile, ctx: Context,
            source: str = "key file") -> str:
    """Compute and upload this trustee's decryption share of the closed poll's tally."""
    if ctx.signer is None:
        raise PermissionDenied("sign in as the trustee")
    number = online.trustee_number(uow_factory, slug, ctx.signer.username)
    view = online.trustee_view(uow_factory, slug)
    _check_key_file(view, key, number, source)
    if view["tally"] is None:
        raise RuleViolation(f"the online poll is {view['status']}: decryption comes after "
                            f"`hustings online close {slug}`")
    election = online.crypto_election_of(uow_factory, slug)
    share = decryption_share(election, number, my_secret(view, key),
                             EncryptedTally.from_json(view["tally"]))
    online.submit_share(uow_factory, slug, number, share.to_json(), ctx)
    return f"decryption share of trustee {number} accepted"


def _list(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers)
