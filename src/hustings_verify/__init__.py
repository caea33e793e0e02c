"""An independent verifier of hustings' public election records.

Written from docs/formats/election-record.md; imports only the standard library and PyNaCl
(never `hustings`), so it checks the record without trusting the software that wrote it.
"""
