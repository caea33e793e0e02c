"""Signing keys (Ed25519, PyNaCl): the private half sealed under a key derived from the user's
password with argon2id, and the statements users sign.

What the users row stores (its `password_hash` column) is a *credential*:
`hustings-key-1$OPS$MEM$SALT$SEALED` — the argon2id limits and salt, and the 32-byte signing
key seed sealed with `nacl.secret.SecretBox` under the derived key. Opening it is the password
check: a wrong password fails the box's authenticator. The user signs the credential with the
key inside it (`credential_sig`), so replacing it in the database is caught by `log verify`.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass, field

import nacl.pwhash.argon2id as argon2id
from nacl.exceptions import BadSignatureError, CryptoError
from nacl.secret import SecretBox
from nacl.signing import SigningKey, VerifyKey
from nacl.utils import random as random_bytes

from hustings.domain.audit import canonical_json
from hustings.domain.errors import PermissionDenied
from hustings.domain.users import Role

SCHEME = "hustings-key-1"
# Tests only: derive keys with libsodium's minimum argon2id limits. Never set in production;
# the limits used are stored with each credential, so a key sealed fast stays fast to open.
FAST_KDF_ENV = "HUSTINGS_INSECURE_FAST_KDF"


def kdf_limits() -> tuple[int, int]:
    """(opslimit, memlimit) for new credentials: libsodium's interactive limits (64 MiB)."""
    if os.environ.get(FAST_KDF_ENV) == "1":
        return argon2id.OPSLIMIT_MIN, argon2id.MEMLIMIT_MIN
    return argon2id.OPSLIMIT_INTERACTIVE, argon2id.MEMLIMIT_INTERACTIVE


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text.encode("ascii"))


@dataclass(frozen=True)
class Credential:
    """A signing key seed sealed under an argon2id-derived key."""

    ops: int
    mem: int
    salt: bytes
    sealed: bytes

    def encode(self) -> str:
        return f"{SCHEME}${self.ops}${self.mem}${_b64(self.salt)}${_b64(self.sealed)}"

    @classmethod
    def decode(cls, text: str) -> Credential | None:
        parts = text.split("$")
        if len(parts) != 5 or parts[0] != SCHEME:
            return None
        try:
            return cls(int(parts[1]), int(parts[2]), _unb64(parts[3]), _unb64(parts[4]))
        except ValueError:
            return None


def _derive(password: str, salt: bytes, ops: int, mem: int) -> bytes:
    return argon2id.kdf(SecretBox.KEY_SIZE, password.encode("utf-8"), salt,
                        opslimit=ops, memlimit=mem)


def seal(key: SigningKey, password: str) -> Credential:
    ops, mem = kdf_limits()
    salt = random_bytes(argon2id.SALTBYTES)
    box = SecretBox(_derive(password, salt, ops, mem))
    return Credential(ops, mem, salt, bytes(box.encrypt(key.encode())))


def unseal(credential_text: str, password: str) -> SigningKey:
    """The signing key, if the password opens the credential; PermissionDenied otherwise."""
    credential = Credential.decode(credential_text)
    if credential is None:
        raise PermissionDenied("wrong username or password")
    try:
        seed = SecretBox(_derive(password, credential.salt, credential.ops,
                                 credential.mem)).decrypt(credential.sealed)
        return SigningKey(seed)
    except (CryptoError, ValueError, TypeError):
        raise PermissionDenied("wrong username or password") from None


def waste_time(password: str) -> None:
    """Cost an unknown user's sign-in as much as a known one's."""
    ops, mem = kdf_limits()
    _derive(password, b"\0" * argon2id.SALTBYTES, ops, mem)


def public_hex(key: SigningKey) -> str:
    return bytes(key.verify_key).hex()


def key_id(public_key: str) -> str:
    """A key's short name in log entries: the first 16 bytes of SHA-256 of the public key."""
    return hashlib.sha256(bytes.fromhex(public_key)).hexdigest()[:32]


def valid_signature(public_key: str, data: bytes, signature: str) -> bool:
    try:
        VerifyKey(bytes.fromhex(public_key)).verify(data, bytes.fromhex(signature))
    except (BadSignatureError, ValueError, TypeError):
        return False
    return True


def registration_bytes(username: str, role: str, public_key: str) -> bytes:
    """What a new key signs to prove its holder registered it (proof of possession)."""
    return canonical_json({"register": username, "role": role,
                           "public_key": public_key}).encode("utf-8")


def credential_bytes(username: str, credential: str) -> bytes:
    """What a user signs over their stored credential."""
    return canonical_json({"credential": credential, "user": username}).encode("utf-8")


@dataclass(frozen=True)
class Signer:
    """An authenticated user: name, role and the opened signing key (never stored open)."""

    username: str
    role: Role
    key: SigningKey = field(repr=False)

    @property
    def public_key(self) -> str:
        return public_hex(self.key)

    @property
    def key_id(self) -> str:
        return key_id(self.public_key)

    def sign(self, data: bytes) -> str:
        return bytes(self.key.sign(data).signature).hex()


def new_key() -> SigningKey:
    return SigningKey.generate()
