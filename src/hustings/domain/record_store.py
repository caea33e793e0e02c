"""What the record keeps of an imported election: the record itself and where it came from."""

from __future__ import annotations

from dataclasses import dataclass

from hustings.domain.record import RecordedElection


@dataclass(frozen=True)
class StoredElection:
    """An imported election, filed under an organisation's office (both slugs)."""

    organisation: str
    office: str
    record: RecordedElection
    source: str  # the file name it was imported from
    sha256: str  # of the file's content, kept as a blob
