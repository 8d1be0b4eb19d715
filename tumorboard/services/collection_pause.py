"""Python's cycle collector held back for one batch of an import, and let run between batches.

A batch of case documents builds hundreds of thousands of short-lived objects (parsed JSON,
cases, rows); reference counting frees nearly all of them as it goes. The cycle collector,
left on, still runs its full pass several times over an import, each time walking every object
the batch holds at that moment: a quarter of the import's time for nothing found. Held back for
one batch, it runs once after it, when the batch's objects are gone. Nothing is freed later than
the end of the batch that made it, so memory stays bounded by the batch.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collection_after_batch() -> Iterator[None]:
    if not gc.isenabled():  # someone else holds it back (a nested batch): theirs to restore
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
