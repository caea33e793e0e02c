"""`java.util.Random` and Java's orderings, against values printed by a real JVM (OpenJDK 17)."""

from __future__ import annotations

import pytest

from hustings.counting.javarandom import (
    JavaRandom,
    java_hashset_order,
    java_string_hash,
    java_string_key,
)

# new Random(seed): four nextDouble(), four nextInt(10), one nextInt(7)
JVM = {
    0: ([0.730967787376657, 0.24053641567148587, 0.6374174253501083, 0.5504370051176339],
        [9, 4, 7, 7], 0),
    1: ([0.7308781907032909, 0.41008081149220166, 0.20771484130971707, 0.3327170559595112],
        [8, 8, 9, 3], 5),
    12345: ([0.3618031071604718, 0.932993485288541, 0.8330913489710237, 0.32647575623792624],
            [1, 9, 7, 2], 0),
    -7: ([0.2691218093260761, 0.6731811902798038, 0.5214896372918163, 0.8518782305056931],
         [5, 4, 7, 1], 4),
    123456789012: ([0.013835938433091277, 0.5246133121787082, 0.37897836041502697,
                    0.547905829432608], [5, 4, 2, 3], 6),
}


@pytest.mark.parametrize("seed", sorted(JVM))
def test_java_random_matches_the_jvm(seed: int) -> None:
    doubles, ints, seven = JVM[seed]
    r = JavaRandom(seed)
    assert [r.next_double() for _ in range(4)] == doubles
    assert [r.next_int(10) for _ in range(4)] == ints
    assert r.next_int(7) == seven


def test_java_orderings_match_the_jvm() -> None:
    assert java_string_hash("hello") == 99162322
    assert java_hashset_order(["Dopey", "Sneezy"]) == ["Sneezy", "Dopey"]
    assert java_hashset_order(["a", "b", "c", "q"]) == ["a", "q", "b", "c"]
    assert java_hashset_order(["George Gervin", "Mookie Blaylock", "Yinka Dare"]) == [
        "Yinka Dare", "George Gervin", "Mookie Blaylock"]
    many = [f"n{i}" for i in range(1, 15)] + ["Zed", "Émile", "ü"]  # 17 names: 32 buckets
    assert java_hashset_order(many) == [
        "n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8", "n9", "n10", "n12", "n11", "n14",
        "n13", "Zed", "ü", "Émile"]
    names = ["b", "B", "é", "a", "Z", "\U0001F600", "\uFFFD"]
    assert sorted(names, key=java_string_key) == ["B", "Z", "a", "b", "é", "\U0001F600", "\uFFFD"]
