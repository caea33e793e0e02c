"""The cryptographic core of online voting (docs/formats/online-voting.md).

Pure functions over data: no I/O, no database, no web. Every group operation goes through
libsodium's ristretto255 functions (via pysodium); this package only encodes, hashes and
composes them. Modules, bottom up: `group` (points and scalars), `hashing` (domain-separated
Fiat-Shamir), `elgamal`, `proofs`, `credentials`, `election` (the public parameters),
`ballot`, `board`, `tally`, `dkg`, `decryption`, `verify` (a whole election record).
"""
