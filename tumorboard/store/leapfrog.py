"""The first keys two ascending streams share, read by seeking each to the other's key.

The worklist's text filter with a status or subtype: the text's matches come from the trigram
index over the cases in the worklist's order (store/case_text.py), the filter's cases from its
next-due index in the same order. Neither has to be read whole: each stream jumps to the other's
current key (an index seek), so a rare text with a common filter reads few keys of either, and
two common ones read about ``want`` times the inverse of each one's share.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable

# Reads the keys >= its argument, ascending, at most ``n`` of them.
Reader = Callable[[int, int], list[int]]
FIRST_READ = 64  # keys read by a seek beyond what is in hand; doubled while the stream is read on
MOST_READ = 4096


class Stream:
    """An ascending stream of distinct keys, read from ``reader`` a window at a time."""

    def __init__(self, reader: Reader) -> None:
        self._reader = reader
        self._keys: list[int] = []
        self._at = 0
        self._ended = False  # the last window was the stream's end
        self._size = FIRST_READ
        self.reads = 0

    def seek(self, key: int) -> int | None:
        """The first key >= ``key`` (None: the stream has none), from here on."""
        keys = self._keys
        if keys and key <= keys[-1]:
            self._at = bisect.bisect_left(keys, key, self._at)
            return keys[self._at]
        if self._ended:
            self._at = len(keys)
            return None
        # Reading on (the key no further past the window than the window spans: the other stream
        # is about as dense) doubles the window; a longer jump (the other is sparser) starts small.
        on = bool(keys) and key - keys[-1] <= max(keys[-1] - keys[0], 1)
        self._size = min(self._size * 2, MOST_READ) if on else FIRST_READ
        self.reads += 1
        self._keys = self._reader(key, self._size)
        self._ended = len(self._keys) < self._size
        self._at = 0
        return self._keys[0] if self._keys else None


def shared_keys(first: Stream, second: Stream, want: int, *, start: int = 0) -> list[int]:
    """The first ``want`` keys >= ``start`` both streams hold, ascending."""
    out: list[int] = []
    if want <= 0:
        return out
    a, b = first.seek(start), second.seek(start)
    while a is not None and b is not None and len(out) < want:
        if a == b:
            out.append(a)
            a, b = first.seek(a + 1), second.seek(b + 1)
        elif a < b:
            a = first.seek(b)
        else:
            b = second.seek(a)
    return out
