"""What every ballot reader returns, and the helpers they share to report precise problems."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import numpy as np

from hustings.counting.profile import (
    EMPTY,
    OVERVOTE,
    OVERVOTE_SET,
    WRITE_IN,
    Profile,
    compress,
    overvote_code,
    without_candidates,
)
from hustings.domain.errors import InvalidInput, Problem

__all__ = [
    "EMPTY",
    "OVERVOTE",
    "WRITE_IN",
    "BallotFile",
    "Progress",
    "fail",
    "compress_columns",
    "drop_candidates",
    "profile_from_rows",
    "rank_of",
    "read_text",
]

Progress = Callable[[int, int], None]  # (units done, units in all), e.g. bytes read


@dataclass(frozen=True)
class BallotFile:
    """A ballot file read into a profile, with what the file says about its election."""

    profile: Profile
    source: str
    title: str | None = None
    seats: int | None = None  # BLT files state the number of seats
    withdrawn: tuple[str, ...] = ()  # candidates removed before the count (BLT negatives)
    metadata: dict[str, str] = field(default_factory=dict)


def fail(
    message: str, source: str, line: int | None = None, field: str | None = None
) -> NoReturn:
    """Raise InvalidInput with one located problem."""
    raise InvalidInput([Problem(message, source=source, line=line, field=field)])


def in_zip(where: str | None, folder: Path, source: str) -> str:
    """Where a problem is, named for the user: a file extracted from their zip `source` into
    the temporary `folder` is `source!name`; the folder itself is the zip."""
    if not where:
        return source
    path = Path(where)
    if path == folder:
        return source
    return f"{source}!{path.name}" if path.parent == folder else where


def read_text(path: Path) -> str:
    """A text file as UTF-8 (BOM removed); undecodable bytes are a located user error."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        fail(f"not UTF-8 text (byte {exc.start})", str(path), line)
    return text


def compress_columns(
    candidates: Sequence[str], columns: Sequence[np.ndarray], counts: np.ndarray | None = None
) -> Profile:
    """A profile from one code array per rank (candidate index or marker), vectorised.

    Each ballot is packed into one int64 key (base = candidates + 4, markers shifted to be
    non-negative); sorting the keys finds the unique rankings and their counts, and the unique
    keys are unpacked back into rows, already in the lexicographic order `compress` produces.
    """
    width = len(columns)
    n = len(columns[0]) if columns else 0
    base = len(candidates) + 4
    if n == 0 or width * np.log2(base) >= 62:
        rankings = (
            np.stack(columns, axis=1) if columns else np.empty((n, 0), dtype=np.int32)
        )
        ones = np.ones(n, dtype=np.int64)
        return compress(tuple(candidates), rankings, ones if counts is None else counts)
    key = np.zeros(n, dtype=np.int64)
    for column in columns:
        key *= base
        key += column
        key += 3
    if counts is None:
        key.sort()
        starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
        unique = key[starts]
        summed = np.diff(np.append(starts, n)).astype(np.int64)
    else:
        order = np.argsort(key, kind="stable")
        key = key[order]
        starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
        unique = key[starts]
        summed = np.add.reduceat(np.asarray(counts, dtype=np.int64)[order], starts)
    rankings = np.empty((len(unique), width), dtype=np.int32)
    rest = unique.copy()
    for col in range(width - 1, -1, -1):
        rankings[:, col] = rest % base - 3
        rest //= base
    keep = summed > 0
    return Profile(tuple(candidates), rankings[keep], summed[keep])


def profile_from_rows(
    candidates: Sequence[str],
    rows: Sequence[Sequence[int | tuple[int, ...]]],
    counts: Sequence[int],
) -> Profile:
    """A profile from parsed rankings and their counts; rows may be ragged.

    A rank is a candidate index, a marker, or a tuple of indices: an overvote (or tie) of
    those known candidates, kept as an overvote set so that every overvote rule can apply.
    """
    return Profile.from_ballots(tuple(candidates), rows, counts)


def rank_of(indices: Sequence[int]) -> int | tuple[int, ...]:
    """One rank holding these candidates: the candidate, or an overvote set of them."""
    unique = tuple(sorted(set(indices)))
    return unique[0] if len(unique) == 1 else unique


def drop_candidates(profile: Profile, removed: Sequence[int]) -> Profile:
    """The profile without the given candidates: each ballot passes over them (vectorised;
    `counting.profile.without_candidates`, where the counting of sequential seats needs it)."""
    return without_candidates(profile, removed)


def map_candidates(profile: Profile, targets: Sequence[str], mapping: Sequence[int]) -> Profile:
    """The profile over new candidates `targets`: candidate i becomes `targets[mapping[i]]`.

    Several old candidates may map to one new one (aliases); an overvote set whose members
    merge into one candidate becomes a mark for that candidate.
    """
    sets = profile.overvote_sets
    low = OVERVOTE_SET - len(sets)
    lut = np.arange(low, len(profile.candidates), dtype=np.int32)
    for old, new in enumerate(mapping):
        lut[old - low] = new
    new_sets: list[tuple[int, ...]] = []
    for k, members in enumerate(sets):
        merged = rank_of([mapping[c] for c in members])
        if isinstance(merged, tuple):
            if merged not in new_sets:
                new_sets.append(merged)
            merged = overvote_code(new_sets.index(merged))
        lut[overvote_code(k) - low] = merged
    return compress(tuple(targets), lut[profile.rankings - low], profile.counts, tuple(new_sets))


def concat_profiles(profiles: Sequence[Profile]) -> Profile:
    """One profile of the ballots of several over the same candidates (several CVR files)."""
    if len(profiles) == 1:
        return profiles[0]
    width = max(p.max_ranks for p in profiles)
    sets: list[tuple[int, ...]] = []
    blocks = []
    for profile in profiles:
        block = np.full((profile.rankings.shape[0], width), EMPTY, dtype=np.int32)
        block[:, : profile.max_ranks] = profile.rankings
        head = block[:, : profile.max_ranks]
        for k, members in enumerate(profile.overvote_sets):
            if members not in sets:
                sets.append(members)
            head[profile.rankings == overvote_code(k)] = overvote_code(sets.index(members))
        blocks.append(block)
    return compress(
        profiles[0].candidates,
        np.concatenate(blocks),
        np.concatenate([p.counts for p in profiles]),
        tuple(sets),
    )
