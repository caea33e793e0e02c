"""The cryptographic core of online voting (docs/formats/online-voting.md).

Pure functions over data: no I/O, no database, no web. Every group operation goes through
libsodium's ristretto255 functions (via pysodium); this package only encodes, hashes and
composes them. Modules, bottom up: `errors`, `group` (points and scalars), `hashing`
(domain-separated Fiat-Shamir, canonical JSON), `elgamal`, `proofs`, `encoding` (strict JSON
forms), `election` (the public parameters), `credentials`, `ballot`, `board`, `tally`, `dkg`,
`decryption`, `record` (a whole election record and its verification).
"""
