"""Refresh the README screenshots from the demo data (offscreen; no screen needed).

    QT_QPA_PLATFORM=offscreen python docs/make_screenshots.py [--out FOLDER]
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

OUT = Path(__file__).resolve().parent / "screenshots"
TODAY = date(2026, 11, 28)  # fixed, so the pictures only change when the app does


def settle(app: object, until: object = None, seconds: float = 10.0) -> None:
    """Let Qt lay out and paint (and background work finish) before a grab; no fixed sleeps."""
    import time

    from PySide6.QtWidgets import QApplication

    assert isinstance(app, QApplication)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        if until is None or (callable(until) and until()):
            break
    app.processEvents()


def main() -> None:
    global OUT
    if len(sys.argv) == 3 and sys.argv[1] == "--out":  # the test writes them elsewhere
        OUT = Path(sys.argv[2])
    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication

    from tumorboard.gui.main_window import MainWindow
    from tumorboard.services.accounts import DEMO_PASSWORD, DEMO_USERNAME, AccountService
    from tumorboard.services.cases import CaseService
    from tumorboard.services.demo import populate_demo
    from tumorboard.services.meetings import MeetingService
    from tumorboard.store import Database

    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        QCoreApplication.setOrganizationName("tumorboard-screenshots")
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tmp)
        db = Database.open(str(Path(tmp) / "demo.sqlite3"))
        populate_demo(db, TODAY)
        accounts = AccountService(db)
        chair = accounts.authenticate(DEMO_USERNAME, DEMO_PASSWORD)  # signed in as `--demo` does
        window = MainWindow(CaseService(db, user=chair, today=lambda: TODAY), "demo database", TODAY,
                            meetings=MeetingService(db, user=chair, today=lambda: TODAY))
        window.set_signed_in(chair, accounts)
        window.resize(1600, 950)
        window.show()
        app.processEvents()
        OUT.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(OUT / "home.png"))
        window.tabs.setCurrentIndex(1)
        app.processEvents()
        window.grab().save(str(OUT / "worklist.png"))
        overdue = window.dashboard.models["overdue"].index(0, 0).data(256)  # Qt.UserRole
        window.open_case(overdue or "DEMO-0025")
        app.processEvents()
        window.grab().save(str(OUT / "case-overdue.png"))
        window.open_case("DEMO-0010")
        app.processEvents()
        window.grab().save(str(OUT / "case-recommendation.png"))
        window.case_view.editor.setFocus()
        record_screens(app, window)
        meeting_screens(app, window)
        db.close()
    print(f"screenshots written to {OUT}")


def record_screens(app: object, window: object) -> None:
    """A patient's MDT record, the actions across meetings, a new referral and Home on a
    1366x768 laptop screen."""
    from tumorboard.gui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    window.open_case("DEMO-0014")
    window.case_view.tabs.setCurrentWidget(window.case_view.mdt_record)
    settle(app)
    window.grab().save(str(OUT / "case-mdt-record.png"))
    window.case_view.tabs.setCurrentIndex(0)
    window.tabs.setCurrentWidget(window.actions_view)
    settle(app)
    window.grab().save(str(OUT / "actions.png"))
    referral = window.new_referral()
    assert referral is not None
    referral.register()  # a blank form: each required field says so under itself
    settle(app)
    referral.grab().save(str(OUT / "new-referral.png"))
    referral.reject()
    window.close_case()
    size = window.size()
    window.resize(1366, 768)
    settle(app)
    window.grab().save(str(OUT / "home-1366x768.png"))
    window.resize(size)
    settle(app)


def meeting_screens(app: object, window: object) -> None:
    """The meetings tab, the planner of next Thursday's meeting, its meeting room with a decision
    being typed, the signed meeting's room, and the minutes preview."""
    from PySide6.QtCore import Qt

    from tumorboard.gui.main_window import MainWindow
    from tumorboard.services.demo import DEMO_MEMBERS

    assert isinstance(window, MainWindow) and window.meetings is not None
    meetings = window.meetings
    window.tabs.setCurrentWidget(window.meetings_tab)
    settle(app)
    window.grab().save(str(OUT / "meetings.png"))
    upcoming = next(m.id for m in meetings.listing() if not m.signed)
    signed = next(m.id for m in meetings.listing() if m.signed)
    day = meetings.get(upcoming).day
    meetings.today = lambda: day  # the morning of the meeting: it starts on its day
    meetings.start(upcoming)
    for name, discipline, _role in DEMO_MEMBERS:
        if discipline != "coordination":
            meetings.set_attendance(upcoming, name, True)
    planner_window = window.open_meeting(upcoming)
    assert planner_window is not None
    planner_window.resize(1600, 950)
    planner_window.planner.agenda_view.selectRow(1)
    settle(app)
    planner_window.grab().save(str(OUT / "meeting-planner.png"))
    planner_window.show_room("DEMO-0010")
    form = planner_window.room.form
    form.category.setCurrentIndex(form.category.findText("Systemic therapy"))
    form.follows.setChecked(True)
    form.text.setPlainText("Continue fulvestrant with abemaciclib and denosumab; restage with CT and "
                           "bone scan in 12 weeks. No local therapy for now.")
    form.add_action.click()
    model = form.actions_model
    for column, value in enumerate(("Book CT and bone scan", "Siobhán Byrne", "2027-02-25")):
        model.setData(model.index(0, column), value)
    form.actions_view.setCurrentIndex(model.index(-1, -1))
    form.actions_view.closePersistentEditor(model.index(0, 0))
    form.preferences.setPlainText("Wants to keep working part-time; prefers oral treatment.")
    settle(app)
    planner_window.grab().save(str(OUT / "meeting-room.png"))
    planner_window.room.drafts.clear()  # the typed decision is for the picture only
    planner_window.room.form.dirty = False
    planner_window.close()
    signed_window = window.open_meeting(signed, room=True)
    assert signed_window is not None
    signed_window.resize(1600, 950)
    signed_window.room.show_case("DEMO-0017")  # the deviation, with its reason
    settle(app)
    signed_window.grab().save(str(OUT / "meeting-room-signed.png"))
    preview = signed_window.preview_minutes()
    assert preview is not None
    settle(app, lambda: preview.document.pageCount() > 0)
    preview.resize(1000, 1100)
    # QPdfView renders pages in the background: wait until they have been painted.
    settle(app, lambda: preview.view.viewport().grab().toImage().pixelColor(500, 400) != Qt.GlobalColor.white,
           seconds=3)
    settle(app, seconds=1.0, until=lambda: False)
    preview.grab().save(str(OUT / "minutes-preview.png"))
    preview.close()
    signed_window.close()


if __name__ == "__main__":
    main()
