"""The checkpoint text form: what is written parses back to the same checkpoint, and any
change to the text either fails to parse or changes what is signed."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hustings.domain.checkpoint import Checkpoint, CheckpointFormatError, parse

hexes = st.text(alphabet="0123456789abcdef", min_size=64, max_size=64)
names = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=0x2FFF,
                                       blacklist_categories=("Zs", "Zl", "Zp", "Cc", "Cs")),
                min_size=1, max_size=30)
checkpoints = st.builds(
    Checkpoint, st.integers(0, 10**12), hexes,
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)), names,
    hexes, st.text(alphabet="0123456789abcdef", min_size=128, max_size=128),
    st.one_of(st.just(""), st.builds(lambda h: "hustings/" + h[:32], hexes)))


@settings(max_examples=200, deadline=None)
@given(checkpoints)
def test_the_text_form_round_trips(cp: Checkpoint) -> None:
    assert parse(cp.text()) == cp


@settings(max_examples=200, deadline=None)
@given(checkpoints, st.integers(0, 10_000), st.sampled_from("0a \n-x"))
def test_an_edited_checkpoint_does_not_parse_or_signs_other_bytes(cp: Checkpoint, at: int,
                                                                  char: str) -> None:
    text = cp.text()
    i = at % len(text)
    if text[i] == char:
        return
    edited = text[:i] + char + text[i + 1:]
    try:
        other = parse(edited)
    except CheckpointFormatError:
        return
    assert other.signed_bytes() != cp.signed_bytes() or other.signature != cp.signature


@pytest.mark.parametrize("text, message", [
    ("", "7 lines"),
    ("hustings checkpoint v3\nsize 1\nroot " + "0" * 64 + "\ntime 2026-01-01T00:00:00\n"
     "signer a " + "0" * 64 + "\n\nsignature a " + "0" * 128 + "\n", "line 1"),
    ("hustings checkpoint v2\nsize 1\nroot " + "0" * 64 + "\ntime 2026-01-01T00:00:00\n"
     "signer a " + "0" * 64 + "\n\nsignature a " + "0" * 128 + "\n", "line 2: expected 'origin"),
    ("hustings checkpoint v2\norigin example.org\nsize 1\nroot " + "0" * 64 +
     "\ntime 2026-01-01T00:00:00\nsigner a " + "0" * 64 + "\n\nsignature a " + "0" * 128 +
     "\n", "line 2: origin 'example.org'"),
    ("hustings checkpoint v2\norigin hustings/" + "0" * 32 + "\nsize x\nroot " + "0" * 64 +
     "\ntime 2026-01-01T00:00:00\nsigner a " + "0" * 64 + "\n\nsignature a " + "0" * 128 +
     "\n", "line 3: size 'x'"),
    ("hustings checkpoint v1\nsize -1\nroot " + "0" * 64 + "\ntime 2026-01-01T00:00:00\n"
     "signer a " + "0" * 64 + "\n\nsignature a " + "0" * 128 + "\n", "line 2"),
    ("hustings checkpoint v1\nsize 1\nroot " + "0" * 64 + "\ntime 2026-01-01T00:00:00+01:00\n"
     "signer a " + "0" * 64 + "\n\nsignature a " + "0" * 128 + "\n", "line 4"),
    ("hustings checkpoint v1\nsize 1\nroot " + "0" * 64 + "\ntime 2026-01-01T00:00:00\n"
     "signer a " + "0" * 64 + "\n\nsignature b " + "0" * 128 + "\n", "line 7"),
    ("hustings checkpoint v1\nsize 1\nroot " + "0" * 64 + "\ntime 2026-01-01T00:00:00\n"
     "signer a " + "0" * 64 + "\nnote\nsignature a " + "0" * 128 + "\n", "line 6"),
])
def test_a_malformed_checkpoint_names_its_line(text: str, message: str) -> None:
    with pytest.raises(CheckpointFormatError, match=message):
        parse(text)


def test_one_text_per_checkpoint() -> None:
    cp = Checkpoint(3, "0" * 64, datetime(2026, 1, 1, 12, 0, 0, 1), "ro", "1" * 64, "2" * 128)
    with pytest.raises(CheckpointFormatError, match="line 4: not in the canonical form"):
        parse(cp.text().replace("2026-01-01T12", "2026-01-01x12"))
    with pytest.raises(CheckpointFormatError, match="line 2"):
        parse(cp.text().replace("size 3", "size 03"))
