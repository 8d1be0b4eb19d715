"""Every top-level window fits a 1366x768 laptop screen (a taskbar included): its minimum size
fits, and at that size no visible widget lies outside the window; sizes the user gives are kept."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QPoint, QRect, QSettings, QSize
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QWidget
from pytestqt.qtbot import QtBot

from tumorboard.gui.main_window import MainWindow
from tumorboard.gui.widgets.screen_fit import LAPTOP, TASKBAR, fit_size
from tumorboard.services.cases import CaseService
from tumorboard.services.meetings import MeetingService
from tumorboard.store import Database

TODAY = date(2026, 11, 28)
WIDTH, HEIGHT = LAPTOP.width(), LAPTOP.height() - TASKBAR


def _inside_a_scroll_area(widget: QWidget, top: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, QAbstractScrollArea):
            return True  # scrolled content may extend past the viewport: that is what scrolling is
        parent = parent.parentWidget()
    return False


def off_the_window(window: QWidget) -> list[str]:
    """Visible widgets not wholly inside ``window`` (nor clipped by a visible ancestor: a
    child is checked against the window, its ancestors too)."""
    QApplication.processEvents()
    bounds = window.rect()
    out = []
    for child in window.findChildren(QWidget):
        if child.isWindow() or not child.isVisibleTo(window) or _inside_a_scroll_area(child, window):
            continue
        if child.width() <= 0 or child.height() <= 0:
            continue
        rect = QRect(child.mapTo(window, QPoint(0, 0)), child.size())
        if not bounds.contains(rect):
            out.append(f"{type(child).__name__} {child.accessibleName() or child.objectName()!r} at "
                       f"{rect.getRect()} outside {bounds.getRect()}")
    return out


def fits(window: QWidget) -> None:
    hint = window.minimumSizeHint()
    assert hint.width() <= WIDTH and hint.height() <= HEIGHT, f"{type(window).__name__} needs {hint}"
    window.resize(WIDTH, HEIGHT)
    QApplication.processEvents()
    assert (window.width(), window.height()) == (WIDTH, HEIGHT)
    assert off_the_window(window) == []


@pytest.fixture
def meetings(demo_db: Database, service: CaseService) -> MeetingService:
    return MeetingService(demo_db, today=lambda: TODAY, user=service.user)


@pytest.fixture
def window(qtbot: QtBot, service: CaseService, meetings: MeetingService) -> MainWindow:
    w = MainWindow(service, "test database", today=TODAY, meetings=meetings)
    qtbot.addWidget(w)
    w.show()
    return w


def test_the_main_window_fits_on_every_tab_and_with_a_case_open(window: MainWindow) -> None:
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        fits(window)
    window.open_case("DEMO-0014")
    for index in range(window.case_view.tabs.count()):
        window.case_view.tabs.setCurrentIndex(index)
        for tab in range(window.tabs.count()):
            window.tabs.setCurrentIndex(tab)
            fits(window)
    filter_field = window.filter_text
    assert filter_field.width() >= filter_field.fontMetrics().horizontalAdvance("Find by record number")


def test_the_recommendation_pane_can_take_half_the_width(window: MainWindow) -> None:
    window.open_case("DEMO-0014")
    window.resize(WIDTH, HEIGHT)
    splitter = window.case_view.splitter
    half = splitter.width() // 2
    splitter.setSizes([splitter.width() - half, half])
    QApplication.processEvents()
    assert window.case_view.recommendation_panel.width() >= half - splitter.handleWidth()


def test_the_meeting_window_and_the_dialogs_fit(qtbot: QtBot, window: MainWindow, meetings: MeetingService) -> None:
    for meeting in meetings.listing()[:2]:  # the upcoming one and the signed one
        room = window.open_meeting(meeting.id)
        assert room is not None
        for index in range(room.tabs.count()):
            room.tabs.setCurrentIndex(index)
            fits(room)
        room.close()
    referral = window.new_referral()
    assert referral is not None
    assert referral.height() <= HEIGHT and referral.width() <= WIDTH
    fits(referral)
    referral.reject()
    boards = window._on_boards()
    assert boards is not None
    fits(boards)


def test_a_larger_size_the_user_gave_is_remembered(qtbot: QtBot, service: CaseService,
                                                   meetings: MeetingService) -> None:
    first = MainWindow(service, "test database", today=TODAY, meetings=meetings)
    qtbot.addWidget(first)
    first.show()
    screen = first.screen().availableGeometry().size()  # the test screen is small: stay inside it
    wanted = QSize(screen.width() - 40, screen.height() - 30)
    first.resize(wanted)
    first.close()
    assert QSettings().value("main/geometry") is not None
    again = MainWindow(service, "test database", today=TODAY, meetings=meetings)
    qtbot.addWidget(again)
    assert abs(again.width() - wanted.width()) <= 4 and abs(again.height() - wanted.height()) <= 4


def test_a_size_too_large_for_the_screen_is_brought_inside_it() -> None:
    assert fit_size(QSize(1500, 920), LAPTOP) == QSize(1366, 768)
    assert fit_size(QSize(1200, 700), LAPTOP) == QSize(1200, 700)


def test_the_check_sees_a_widget_off_the_window(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QLabel

    top = QWidget()
    qtbot.addWidget(top)
    top.resize(300, 200)
    stray = QLabel("stray", top)
    stray.setAccessibleName("stray")
    stray.setGeometry(250, 10, 100, 20)
    top.show()
    assert [line.split(" at ")[0] for line in off_the_window(top)] == ["QLabel 'stray'"]
