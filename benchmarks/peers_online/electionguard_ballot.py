"""ElectionGuard 1.4 (Python, the reference SDK) on the issue's ballot: one contest, three
candidates, vote for one. Runs in its own venv (electionguard 1.4 pins pydantic 1, which
hustings' locks do not take):

    python3.11 -m venv .venv-electionguard
    .venv-electionguard/bin/pip install electionguard==1.4.0
    .venv-electionguard/bin/python benchmarks/peers_online/electionguard_ballot.py [N]

Prints JSON: median milliseconds per ballot to encrypt (with its proofs, verification of the
proofs during encryption off) and to verify the encryption (`is_valid_encryption`: every
selection's disjunctive Chaum-Pedersen proof and the contest's constant proof), on one core.
ElectionGuard 1.4 uses the 4096-bit integer group (mod p) with gmpy2; hustings uses
ristretto255 via libsodium.
"""

from __future__ import annotations

import json
import logging
import statistics
import sys
import time
from datetime import datetime

from electionguard.ballot import PlaintextBallot
from electionguard.election import CiphertextElectionContext, make_ciphertext_election_context
from electionguard.elgamal import elgamal_keypair_random
from electionguard.encrypt import contest_from, encrypt_ballot, selection_from
from electionguard.group import TWO_MOD_Q
from electionguard.manifest import (
    BallotStyle,
    Candidate,
    CandidateContestDescription,
    ElectionType,
    GeopoliticalUnit,
    InternalManifest,
    Manifest,
    ReportingUnitType,
    SelectionDescription,
    SpecVersion,
    VoteVariationType,
)


def election() -> tuple[Manifest, InternalManifest, CiphertextElectionContext, object]:
    names = ("ada", "ben", "cleo")
    contest = CandidateContestDescription(
        "chair", 0, "branch", VoteVariationType.one_of_m, 1, 1, "Chair",
        [SelectionDescription(f"sel-{n}", i, n) for i, n in enumerate(names)])
    style = BallotStyle("style")
    style.geopolitical_unit_ids = ["branch"]
    manifest = Manifest(
        spec_version=SpecVersion.EG0_95, election_scope_id="bench", type=ElectionType.unknown,
        start_date=datetime.now(), end_date=datetime.now(),
        geopolitical_units=[GeopoliticalUnit("branch", "Branch", ReportingUnitType.unknown)],
        parties=[], candidates=[Candidate(n) for n in names], contests=[contest],
        ballot_styles=[style])
    keypair = elgamal_keypair_random()
    internal = InternalManifest(manifest)
    context = make_ciphertext_election_context(1, 1, keypair.public_key, TWO_MOD_Q,
                                               manifest.crypto_hash())
    return manifest, internal, context, keypair


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    logging.disable(logging.CRITICAL)  # its INFO log of every ciphertext would be timed too
    manifest, internal, context, _ = election()
    description = manifest.contests[0]
    encrypted, enc, ver = [], [], []
    for i in range(n):
        contest = contest_from(description)
        contest.ballot_selections = [selection_from(description.ballot_selections[i % 3],
                                                    is_placeholder=False, is_affirmative=True)]
        ballot = PlaintextBallot(f"ballot-{i}", "style", [contest])
        start = time.process_time()
        cipher = encrypt_ballot(ballot, internal, context, context.manifest_hash,
                                should_verify_proofs=False)
        enc.append(time.process_time() - start)
        if cipher is None:
            raise SystemExit("ElectionGuard refused the ballot")
        encrypted.append(cipher)
    for cipher in encrypted:
        start = time.process_time()
        ok = cipher.is_valid_encryption(context.manifest_hash, context.elgamal_public_key,
                                        context.crypto_extended_base_hash)
        ver.append(time.process_time() - start)
        if not ok:
            raise SystemExit("ElectionGuard's own ballot did not verify")
    import electionguard

    print(json.dumps({"peer": "electionguard", "version": getattr(
        electionguard, "__version__", "1.4.0"), "ballots": n,
        "encrypt_ms": statistics.median(enc) * 1000,
        "verify_ms": statistics.median(ver) * 1000}))


if __name__ == "__main__":
    main()
