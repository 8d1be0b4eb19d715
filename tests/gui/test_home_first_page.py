"""Home at start-up, first page first: with more open cases than the first page, the window shows
the first ones at once and the whole lists (the same as ``home_lists``) once the rest is read off
the UI thread; a refresh meanwhile supersedes the read under way."""

from __future__ import annotations

from datetime import date

import pytest
from pytestqt.qtbot import QtBot

from tumorboard.domain.workflow import WorkflowStatus
from tumorboard.gui.home import home_reader
from tumorboard.gui.main_window import MainWindow
from tumorboard.services.cases import CaseService
from tumorboard.services.home import OPEN_STATUSES, HomeLists, home_lists
from tumorboard.services.meetings import MeetingService
from tumorboard.store import Database

TODAY = date(2026, 11, 28)
KEYS = ("overdue", "due", "ready", "missing")


def _listed(window: MainWindow, key: str) -> list[str]:
    model = window.dashboard.models[key]
    return [model.index(r, 1).data() for r in range(model.rowCount())]


def _open_cases(service: CaseService) -> int:
    return sum(n for s, n in service.counts_by_status().items() if s in OPEN_STATUSES)


def _window(qtbot: QtBot, service: CaseService, db: Database) -> MainWindow:
    w = MainWindow(service, "test database", today=TODAY,
                   meetings=MeetingService(db, today=lambda: TODAY, user=service.user))
    qtbot.addWidget(w)
    w.show()
    return w


@pytest.fixture(autouse=True)
def small_first_page(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(home_reader, "FIRST_PAGE", 3)  # the demo has more open cases than that


@pytest.fixture
def window(qtbot: QtBot, service: CaseService, demo_db: Database) -> MainWindow:
    return _window(qtbot, service, demo_db)


def test_the_first_page_shows_at_once_and_the_whole_lists_follow(
        qtbot: QtBot, service: CaseService, demo_db: Database) -> None:
    assert _open_cases(service) > 3
    first = home_lists(service, limit=3)
    assert first.truncated
    window = _window(qtbot, service, demo_db)  # here: no event is handled before the checks below
    assert window.home_reader.reading  # the rest is not in before the event loop runs
    for key in KEYS:  # the first page, and said so
        assert _listed(window, key) == [r.mrn for r in getattr(first, key)]
        assert window.dashboard.boxes[key].title().endswith("(the first ones; reading the others)")
    qtbot.waitUntil(lambda: not window.home_reader.reading)
    whole = home_lists(service)
    assert not whole.truncated and sum(len(getattr(whole, k)) for k in KEYS) > 3
    for key in KEYS:
        rows = getattr(whole, key)
        assert _listed(window, key) == [r.mrn for r in rows]
        assert window.dashboard.boxes[key].title().endswith(f": {len(rows)}")  # its count, whole


def test_a_refresh_while_reading_supersedes_the_read_under_way(
        qtbot: QtBot, window: MainWindow, service: CaseService, monkeypatch: pytest.MonkeyPatch) -> None:
    qtbot.waitUntil(lambda: not window.home_reader.reading)
    window.refresh_dashboard()  # a read under way ...
    mrn = _listed(window, "missing")[0]
    service.change_status(mrn, WorkflowStatus.CLOSED, service.get(mrn).version)
    shown: list[HomeLists] = []
    show = window.dashboard.show_lists

    def spy(lists: HomeLists, *, more_coming: bool = False) -> None:
        shown.append(lists)
        show(lists, more_coming=more_coming)

    monkeypatch.setattr(window.dashboard, "show_lists", spy)
    window.refresh_dashboard()  # ... superseded by the refresh after the change
    qtbot.waitUntil(lambda: not window.home_reader.reading)
    # Its first page and whole lists (and those of the refresh the change's notice asks for);
    # the older read's answer, which still lists the case, is dropped, never shown.
    assert len(shown) >= 2 and not shown[-1].truncated
    assert all(mrn not in [r.mrn for r in lists.missing] for lists in shown)
    whole = home_lists(service)
    for key in KEYS:
        assert _listed(window, key) == [r.mrn for r in getattr(whole, key)]
