"""Long work off the UI thread, with a progress dialog that can cancel it.

The work function gets a ``progress(done, total) -> bool`` callback; returning False asks it to
stop at its next safe point. Widgets are only touched from the UI thread, through signals.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

Work = Callable[[Callable[[int, int], bool]], Any]


class _Runner(QThread):
    progressed = Signal(int, int)
    """(done, total) from the worker thread."""
    succeeded = Signal(object)
    """The work's result."""
    failed = Signal(str)
    """A user-facing message when the work raised a tumorboard error."""

    def __init__(self, work: Work, errors: tuple[type[BaseException], ...], parent: QObject) -> None:
        super().__init__(parent)
        self.work = work
        self.errors = errors
        self.cancelled = threading.Event()

    def run(self) -> None:
        def progress(done: int, total: int) -> bool:
            self.progressed.emit(done, total)
            return not self.cancelled.is_set()

        try:
            result = self.work(progress)
        except self.errors as exc:  # expected, user-facing failures only; bugs still surface
            self.failed.emit(str(exc))
            return
        self.succeeded.emit(result)


def run_with_progress(parent: QWidget, title: str, work: Work,
                      on_done: Callable[[Any], None], on_error: Callable[[str], None],
                      errors: tuple[type[BaseException], ...]) -> _Runner:
    """Start ``work`` in a thread; show progress; call back on the UI thread when it ends."""
    dialog = QProgressDialog(title, "Cancel", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)  # quick work never flashes a dialog
    dialog.setAccessibleName(title)
    runner = _Runner(work, errors, parent)

    def on_progress(done: int, total: int) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(done)
        dialog.setLabelText(f"{title}: {done} of {total}")

    def finish() -> None:
        dialog.reset()
        dialog.deleteLater()

    def succeeded(result: object) -> None:
        finish()
        on_done(result)

    def failed(message: str) -> None:
        finish()
        on_error(message)

    runner.progressed.connect(on_progress)
    runner.succeeded.connect(succeeded)
    runner.failed.connect(failed)
    runner.finished.connect(runner.deleteLater)
    dialog.canceled.connect(runner.cancelled.set)
    runner.start()
    return runner


def run_quietly(parent: QObject, work: Callable[[], Any], on_done: Callable[[Any], None], *,
                delete_when_done: bool = True) -> _Runner:
    """Start ``work`` in a thread with no dialog (a check the user need not wait for); call back
    on the UI thread with its result. Exceptions other than the work's own are bugs and surface.
    ``delete_when_done=False`` keeps the thread object until its parent goes, for a caller that
    waits on it later (waiting on a finished thread returns at once; on a deleted one it crashes)."""
    runner = _Runner(lambda _progress: work(), (), parent)
    runner.succeeded.connect(on_done)
    if delete_when_done:
        runner.finished.connect(runner.deleteLater)
    runner.start()
    return runner
