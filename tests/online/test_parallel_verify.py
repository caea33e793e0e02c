"""`hustings online verify` checks a large board's ballots over several processes
(services.online.verify_export): an intact record passes, and the failing ballot named is the
first in board order, as when one process checks them all."""

from __future__ import annotations

import copy
import random

import pytest

from hustings.crypto import board as bb
from hustings.crypto import credentials as cr
from hustings.crypto.ballot import encrypt_ballot
from hustings.crypto.decryption import decrypt, decryption_share
from hustings.crypto.errors import VerificationError
from hustings.crypto.record import ElectionRecord
from hustings.crypto.tally import tally
from hustings.services import online
from hustings_verify.online import L
from tests.crypto.builders import CHAIR, election_for, run_ceremony


@pytest.fixture(scope="module")
def record() -> ElectionRecord:
    rnd = random.Random(12)
    trustees = run_ceremony("parallel-verify", 3, 2)
    election = election_for(trustees)
    private, credentials = cr.generate(election.election_id, [1] * 14)
    board: bb.Board = ()
    for credential in private:
        secret = cr.credential_secret(election.election_id, credential)
        marks = [CHAIR.marks([CHAIR.choices[rnd.randrange(3)]])]
        board = bb.append(election, credentials, board, encrypt_ballot(election, secret, marks))
    encrypted = tally(election, credentials, board)
    shares = tuple(decryption_share(election, j, trustees.secrets[j], encrypted) for j in (1, 2))
    result = decrypt(election, encrypted, shares, trustees.keys, 2)
    return ElectionRecord(election, credentials, trustees.ceremony, trustees.dealings, board,
                          bb.head(election, board), encrypted, shares, result)


def test_ballots_verified_over_processes(record, monkeypatch) -> None:
    monkeypatch.setattr(online, "CHUNK", 4)
    online.verify_export(record, workers=2, parallel_min=1)
    online.verify_export(record, workers=1)  # one process: the same checks
    data = copy.deepcopy(record.to_json())
    for k in (11, 6):  # two bad ballots in different chunks: board[6] is named
        pair = data["board"][k]["ballot"]["answers"][0]["sum_proof"][0]
        pair["s"] = ((int.from_bytes(bytes.fromhex(pair["s"]), "little") + 1) % L).to_bytes(
            32, "little").hex()
    tampered = ElectionRecord.from_json(data)
    with pytest.raises(VerificationError) as first:
        online.verify_export(tampered, workers=2, parallel_min=1)
    assert first.value.field is not None and first.value.field.startswith("board[6].ballot")
