"""An independent verifier of hustings' public records: the log's (docs/formats/election-record.md)
and an online poll's (docs/formats/online-voting.md).

Imports only the standard library, PyNaCl and pysodium (never `hustings`), so it checks the
record without trusting the software that wrote it.
"""
