"""Home's case lists, first page first: the first open cases by next due date are read and shown
at once, the rest (up to ``HOME_LIMIT``) off the UI thread, and the lists replaced when it is in.

At a department with tens of thousands of open cases, reading all of Home's rows (each row's
checksum checked, as every read checks it) before the window shows was about half a second of
every start; the first page is a few dozen milliseconds at any size. A department whose open
cases fit in the first page gets its lists whole, at once, as before.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QThread

from tumorboard.gui.home.dashboard import Dashboard
from tumorboard.gui.widgets.background import run_quietly
from tumorboard.services.cases import CaseService
from tumorboard.services.home import HomeLists, home_lists
from tumorboard.store import StoreError

FIRST_PAGE = 200
"""Open cases read before the window shows (bench/RESULTS.md: about 25 ms at 100,000 cases)."""


class HomeReader(QObject):
    """Reads Home's lists for ``dashboard``; a refresh while the rest is being read supersedes it
    (its answer, older than the refresh, is dropped)."""

    def __init__(self, service: CaseService, dashboard: Dashboard,
                 on_error: Callable[[str], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.dashboard = dashboard
        self.on_error = on_error
        self._generation = 0
        self._runners: list[QThread] = []

    @property
    def reading(self) -> bool:
        """The rest of the lists is being read."""
        return bool(self._runners)

    def refresh(self) -> None:
        """The first page now (StoreError to the caller); the rest, if any, in the background."""
        self._generation += 1
        first = home_lists(self.service, limit=FIRST_PAGE)
        self.dashboard.show_lists(first, more_coming=first.truncated)
        if first.truncated:
            self._read_rest(self._generation)

    def _read_rest(self, generation: int) -> None:
        def work() -> HomeLists | str:
            try:
                return home_lists(self.service)
            except StoreError as exc:  # said on the UI thread, as a refused first page is
                return str(exc)

        def done(result: object) -> None:
            if generation != self._generation:
                return  # a newer refresh is under way or done: its lists are the current ones
            if isinstance(result, HomeLists):
                self.dashboard.show_lists(result)
            else:
                self.on_error(str(result))

        def forget() -> None:
            self._runners.remove(runner)

        runner = run_quietly(self, work, done)  # one superseded still runs: its answer is dropped
        runner.finished.connect(forget)
        self._runners.append(runner)

    def wait(self) -> None:
        """Let the reads under way finish (on close: a thread is never destroyed while it runs)."""
        for runner in list(self._runners):
            runner.wait()
