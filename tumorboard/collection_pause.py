"""Python's cycle collector held back for one batch of work (a batch of an import, one PDF), and
let run between batches.

A batch of case documents builds hundreds of thousands of short-lived objects (parsed JSON,
cases, rows); reference counting frees nearly all of them as it goes. The cycle collector,
left on, still runs its full pass several times over an import, each time walking every object
the batch holds at that moment: a quarter of the import's time for nothing found. Held back for
one batch, it runs once after it, when the batch's objects are gone. Nothing is freed later than
the end of the batch that made it, so memory stays bounded by the batch.

The same holds for rendering a PDF (tumorboard.reports): the minutes of a 40-case meeting build
and drop hundreds of thousands of small objects (paragraph fragments, table cells, shapes); the
collector's 160 passes over them took an eighth of the render, and the few cycles they found
(ReportLab's own, about 10,000 objects) are freed by the first pass after the render instead.
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
