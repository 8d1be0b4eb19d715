"""store/leapfrog.py: the first keys two ascending streams share, against a set intersection."""

from __future__ import annotations

import bisect

from hypothesis import given
from hypothesis import strategies as st

from tumorboard.store.leapfrog import Stream, shared_keys

keys = st.lists(st.integers(0, 5_000), unique=True).map(sorted)


def stream(values: list[int]) -> Stream:
    def read(key: int, n: int) -> list[int]:
        at = bisect.bisect_left(values, key)
        return values[at:at + n]
    return Stream(read)


@given(first=keys, second=keys, want=st.integers(1, 300))
def test_the_shared_keys_are_the_first_of_the_intersection(first: list[int], second: list[int],
                                                           want: int) -> None:
    assert shared_keys(stream(first), stream(second), want) == sorted(set(first) & set(second))[:want]


def test_a_sparse_stream_is_not_read_whole() -> None:
    # A rare text against a common filter: the common stream is read by seeks, a window at each.
    common = list(range(0, 1_000_000, 2))
    rare = [10, 500_000, 999_998]
    dense, sparse = stream(common), stream(rare)
    assert shared_keys(dense, sparse, 10) == rare
    assert dense.reads <= 2 * len(rare) + 1


def test_two_dense_streams_read_growing_windows() -> None:
    every = list(range(100_000))
    a, b = stream(every), stream(every)
    assert shared_keys(a, b, 20_000) == every[:20_000]
    assert a.reads < 15  # 64, 128, ... up to 4096 a window: not one read per key
