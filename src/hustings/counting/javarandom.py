"""Java's `java.util.Random` and the bits of Java ordering RCTab's lots depend on, in pure Python.

RCTab (Java) breaks random ties with one `java.util.Random(seed)` shared by the whole count: each
lot draws `nextDouble()` and takes the tied candidate at index `floor(d * n)` of a list. To
reproduce its lots exactly we need the generator (a 48-bit linear congruential generator fully
specified by the Java SE documentation of `java.util.Random`) and the order of that list: names
sorted by `String.compareTo` (UTF-16 code units), or the iteration order of a `java.util.HashSet`
built from them (RCTab's "previous round counts, then random" draws from such a set).
"""

from __future__ import annotations

from collections.abc import Iterable

_MULTIPLIER = 0x5DEECE66D
_ADDEND = 0xB
_MASK = (1 << 48) - 1


class JavaRandom:
    """`java.util.Random`: seed scrambling, `next(bits)`, `nextInt(bound)`, `nextDouble()`."""

    def __init__(self, seed: int) -> None:
        self.state = (seed ^ _MULTIPLIER) & _MASK

    def next(self, bits: int) -> int:
        """The next `bits` pseudo-random bits (as Java's protected `next`, unsigned here)."""
        self.state = (self.state * _MULTIPLIER + _ADDEND) & _MASK
        return self.state >> (48 - bits)

    def next_double(self) -> float:
        """A double in [0, 1): `((next(26) << 27) + next(27)) * 2**-53`, exactly as Java."""
        high = self.next(26)
        low = self.next(27)
        return ((high << 27) + low) / float(1 << 53)

    def next_int(self, bound: int) -> int:
        """`nextInt(bound)`: uniform in [0, bound), with Java's rejection of biased draws."""
        if bound <= 0:
            raise ValueError("bound must be positive")
        if bound & (bound - 1) == 0:
            return (bound * self.next(31)) >> 31
        while True:
            bits = self.next(31)
            value = bits % bound
            if bits - value + (bound - 1) < 1 << 31:
                return value

    def pick_index(self, size: int) -> int:
        """RCTab's lot: `(int) Math.floor(nextDouble() * size)`."""
        return int(self.next_double() * size)


def java_shuffle(items: Iterable[str], seed: int) -> list[str]:
    """RCTab's generated tie-break permutation: the names sorted as Java sorts strings, then
    `Collections.shuffle(list, new Random(seed))` (from the last place down, each swapped with
    the place `nextInt(i + 1)`)."""
    out = sorted(items, key=java_string_key)
    rng = JavaRandom(seed)
    for i in range(len(out) - 1, 0, -1):
        j = rng.next_int(i + 1)
        out[i], out[j] = out[j], out[i]
    return out


def java_string_key(name: str) -> bytes:
    """A sort key ordering names as Java's `String.compareTo` does (UTF-16 code units)."""
    return name.encode("utf-16-be", "surrogatepass")


def java_string_hash(name: str) -> int:
    """Java's `String.hashCode()`: s[0]*31^(n-1) + ... over UTF-16 code units, as a signed int."""
    data = java_string_key(name)
    h = 0
    for i in range(0, len(data), 2):
        h = (31 * h + ((data[i] << 8) | data[i + 1])) & 0xFFFFFFFF
    return h - (1 << 32) if h >= 1 << 31 else h


def java_hashset_order(names: Iterable[str]) -> list[str]:
    """The iteration order of `new HashSet<>(names)` (Java 8+ HashMap, no resize, no treeing).

    The table has the power of two >= max(n / 0.75 + 1, 16) buckets; a name goes to bucket
    `(h ^ (h >>> 16)) & (size - 1)`; buckets are iterated in order, each in insertion order.
    """
    items = list(dict.fromkeys(names))
    wanted = max(int(len(items) / 0.75) + 1, 16)
    size = 1
    while size < wanted:
        size <<= 1
    def bucket(name: str) -> int:
        h = java_string_hash(name) & 0xFFFFFFFF
        return (h ^ (h >> 16)) & (size - 1)
    return sorted(items, key=lambda n: bucket(n))  # sorted() is stable: insertion order kept
