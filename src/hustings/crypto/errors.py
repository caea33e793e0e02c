"""The one error of the cryptographic core: something failed to decode or to verify."""

from __future__ import annotations

from hustings.domain.errors import InvalidInput, Problem


class VerificationError(InvalidInput):
    """An input failed to decode or a proof, signature or check failed.

    `field` names where, as a path into the JSON form ("answers[0].choices[2].proof"); the
    message says what. Nothing that raises this has changed anything.
    """

    def __init__(self, message: str, field: str | None = None, source: str | None = None):
        super().__init__(Problem(message, source=source, field=field))
        self.field = field
