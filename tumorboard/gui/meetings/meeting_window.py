"""One meeting in its own window (it can go to the projector): the planner and the meeting room,
with closing, sign-off and the minutes."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence
from PySide6.QtWidgets import QDialog, QMainWindow, QMessageBox, QTabWidget, QWidget

from tumorboard.domain.changes import Changes
from tumorboard.domain.meeting import carry_over, next_weekly
from tumorboard.domain.meeting_state import MeetingAction, MeetingState, allowed
from tumorboard.gui.meetings.decision_dialogs import SignOffDialog
from tumorboard.gui.meetings.meeting_planner import MeetingPlanner, in_progress, long_day, meeting_title
from tumorboard.gui.meetings.meeting_room import MeetingRoom
from tumorboard.gui.notice import ChangeNotice
from tumorboard.gui.widgets.actions import make_action
from tumorboard.gui.widgets.background import run_with_progress
from tumorboard.gui.widgets.form_errors import USER_ERRORS
from tumorboard.gui.widgets.screen_fit import remember, restore_or_fit
from tumorboard.services.cases import CaseService
from tumorboard.services.meetings import MeetingService, SignedMinutes
from tumorboard.store.meeting_records import MeetingRecord

if TYPE_CHECKING:
    from tumorboard.gui.meetings.minutes_preview import MinutesPreview


def undiscussed(meeting: MeetingRecord) -> list[str]:
    """Cases for discussion without a decision: they move to next week's meeting on closing."""
    return [a.mrn for a in carry_over(meeting.agenda)]


class MeetingWindow(QMainWindow):
    signed = Signal(str)
    """Emitted with the SHA-256 of the minutes once the chair has signed them off."""

    def __init__(self, meetings: MeetingService, cases: CaseService, meeting_id: int,
                 parent: QWidget | None = None, notice: ChangeNotice | None = None) -> None:
        super().__init__(parent)
        self.notice = notice or ChangeNotice(self)
        self.notice.wire(meetings, cases)
        self.meetings = meetings
        self.meeting_id = meeting_id
        self.meeting: MeetingRecord | None = None
        self.preview: MinutesPreview | None = None
        self.sign_dialog: SignOffDialog | None = None
        self.circulation_dialog: QDialog | None = None
        self._runner: Any = None
        self.planner = MeetingPlanner(meetings, cases)
        self.room = MeetingRoom(meetings, cases)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.planner, "&Planner")
        self.tabs.addTab(self.room, "Meeting &room")
        self.setCentralWidget(self.tabs)
        self.title_suffix = ""  # "DEMO - synthetic data" on the demo (set by the main window)
        self.settings = QSettings()
        restore_or_fit(self, self.settings, "meeting/geometry", QSize(1500, 920))
        self._make_actions()
        self.planner.changed.connect(self._on_planner_changed)
        self.room.changed.connect(self._on_room_changed)
        self.planner.discuss_requested.connect(self._on_planner_discuss_requested)
        # Changes made anywhere (another window, this one, another workstation's notice is not
        # seen: the next read shows it) reload this meeting once the current event is done.
        self._reload_soon = QTimer(self)
        self._reload_soon.setSingleShot(True)
        self._reload_soon.setInterval(0)
        self._reload_soon.timeout.connect(self.reload)
        self.notice.changed.connect(self._on_notice_changed)
        self.reload()

    def _make_actions(self) -> None:
        action = partial(make_action, self)

        self.act_planner = action("&Planner", "Ctrl+1", lambda: self.tabs.setCurrentIndex(0),
                                  "Attendance and agenda")
        self.act_room = action("Meeting &room", "Ctrl+2", lambda: self.tabs.setCurrentIndex(1),
                               "One case at a time, for the projector")
        self.act_preview = action("Preview &minutes...", "Ctrl+P", self.preview_minutes,
                                  "The minutes as PDF: pseudonymise, save or print")
        self.act_start = action("S&tart meeting", "Ctrl+Shift+B", self.start_meeting,
                                "Begin the meeting (on its day): attendance, triage and decisions open")
        self.act_close_meeting = action("&Close meeting...", "Ctrl+Shift+E", self.ask_close_meeting,
                                        "End the meeting; undiscussed cases move to next week")
        self.act_sign = action("&Sign off...", "Ctrl+Shift+S", self.ask_sign_off,
                               "The chair signs the minutes; the meeting becomes read-only")
        # After sign-off (and the agenda before): circulation_dialogs.py.
        self.act_letters = action("&Letters...", "Ctrl+Shift+L", lambda: self._circulate("letters"),
                                  "Outcome letters to each discussed case's referrer or GP (signed meetings)")
        self.act_send_minutes = action("Send mi&nutes...", "", lambda: self._circulate("minutes"),
                                       "E-mail the signed minutes to every member present")
        self.act_send_agenda = action("Send a&genda...", "", lambda: self._circulate("agenda"),
                                      "E-mail the agenda to every member listed")
        self.act_full = action("&Full screen", "F11", self._on_full_screen_toggled, "For the projector")
        self.act_full.setCheckable(True)
        self.act_close = action("Close &window", QKeySequence.StandardKey.Close, self.close,
                                "Close this meeting's window")
        menu = self.menuBar().addMenu("&Meeting")
        for a in (self.act_planner, self.act_room):
            menu.addAction(a)
        menu.addSeparator()
        menu.addAction(self.room.act_previous)
        menu.addAction(self.room.act_next)
        menu.addSeparator()
        for a in (self.act_start, self.act_preview, self.act_close_meeting, self.act_sign):
            menu.addAction(a)
        menu.addSeparator()
        for a in (self.act_send_agenda, self.act_letters, self.act_send_minutes):
            menu.addAction(a)
        menu.addSeparator()
        menu.addAction(self.act_full)
        menu.addAction(self.act_close)
        toolbar = self.addToolBar("Meeting")
        toolbar.setObjectName("meeting_toolbar")
        for a in (self.act_planner, self.act_room, self.room.act_previous, self.room.act_next,
                  self.act_start, self.act_preview, self.act_close_meeting, self.act_sign,
                  self.act_letters, self.act_send_minutes):
            toolbar.addAction(a)

    # -- state --------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the meeting again and show it everywhere (after any change, here or elsewhere)."""
        try:
            meeting = self.meetings.get(self.meeting_id)
            quorum = self.meetings.quorum(self.meeting_id)
        except USER_ERRORS as exc:
            QMessageBox.warning(self, "The meeting could not be read", str(exc))
            return
        self.meeting = meeting
        self._set_title()
        self.planner.show_meeting(meeting, quorum)
        self.room.show_meeting(meeting, quorum)
        self.act_start.setEnabled(meeting.state == MeetingState.PLANNED.value)
        self.act_close_meeting.setEnabled(in_progress(meeting))
        self.act_sign.setEnabled(meeting.state == MeetingState.CLOSED.value)
        for act, action_ in ((self.act_letters, MeetingAction.LETTER),
                             (self.act_send_minutes, MeetingAction.SEND_MINUTES),
                             (self.act_send_agenda, MeetingAction.SEND_AGENDA)):
            act.setEnabled(action_ in allowed(MeetingState(meeting.state)))  # the state machine's rule

    def show_room(self, mrn: str | None = None) -> None:
        self.tabs.setCurrentWidget(self.room)
        if mrn is not None:
            self.room.show_case(mrn)

    def _changed(self) -> None:
        self.reload()

    def _on_notice_changed(self, changes: Changes) -> None:
        if changes.concerns_meeting(self.meeting_id):
            self._reload_soon.start()

    def start_meeting(self) -> bool:
        try:
            self.meetings.start(self.meeting_id)
        except USER_ERRORS as exc:
            QMessageBox.warning(self, "The meeting was not started", str(exc))
            return False
        self._changed()
        return True

    # -- close, sign off, minutes -------------------------------------------------------------
    def ask_close_meeting(self) -> None:
        meeting = self.meeting
        if meeting is None or not in_progress(meeting):
            return
        moving = undiscussed(meeting)
        next_day = next_weekly(meeting.day)
        detail = (f"{len(moving)} case(s) not yet discussed will carry over to the meeting on "
                  f"{long_day(next_day)} (created if needed)." if moving
                  else "Every case for discussion has a decision; nothing carries over.")
        answer = QMessageBox.question(self, "Close the meeting",
                                      f"Close {meeting_title(meeting)}?\n\n{detail}\n\nNo decision can be "
                                      "recorded after closing; the chair then signs the minutes off.")
        if answer == QMessageBox.StandardButton.Yes:
            self.close_meeting()

    def close_meeting(self) -> int | None:
        """Close now (no question); returns the meeting the undiscussed cases moved to."""
        try:
            target = self.meetings.close(self.meeting_id)
            day = self.meetings.get(target).day if target is not None else None
        except USER_ERRORS as exc:
            QMessageBox.warning(self, "The meeting was not closed", str(exc))
            return None
        self.statusBar().showMessage(
            f"Closed; undiscussed cases moved to the meeting on {day.isoformat()}" if day
            else "Closed; nothing carried over", 10000)
        self._changed()
        return target

    def ask_sign_off(self) -> SignOffDialog | None:
        """The chair's confirmation; signing runs in the background and the dialog shows refusals."""
        meeting = self.meeting
        if meeting is None or meeting.state != MeetingState.CLOSED.value:
            if meeting is not None and in_progress(meeting):
                QMessageBox.information(self, "Close the meeting first",
                                        "The minutes are signed once the meeting is closed (Close "
                                        "meeting...): undiscussed cases move to next week first.")
            return None
        user = self.meetings.user
        dialog = SignOffDialog(user.display_name if user else meeting.chair or "", 0, self,
                               with_password=user is not None)
        dialog.chair.setReadOnly(user is not None)  # signed in the signed-in chair's own name only

        def submit() -> bool:
            dialog.buttons.setEnabled(False)
            self.sign_off(dialog.chair.text(), dialog, dialog.password.text() or None)
            return False  # stays open until the minutes are signed, or shows why not

        dialog.submit = submit
        self.sign_dialog = dialog
        dialog.open()
        return dialog

    def sign_off(self, chair: str, dialog: SignOffDialog | None = None, password: str | None = None) -> None:
        meetings, meeting_id = self.meetings, self.meeting_id

        def done(result: object) -> None:
            self._runner = None
            if dialog is not None:
                dialog.buttons.setEnabled(True)
                dialog.accept()
            if isinstance(result, SignedMinutes):
                self._changed()
                self.statusBar().showMessage(f"Signed off; SHA-256 {result.sha256}", 20000)
                self.signed.emit(result.sha256)
                title = meeting_title(self.meeting) if self.meeting else "the meeting"
                QMessageBox.information(self, "Minutes signed off",
                                        f"The minutes of {title} are signed and read-only.\n\n"
                                        f"SHA-256 of the signed PDF:\n{result.sha256}")

        def failed(message: str) -> None:
            self._runner = None
            if dialog is not None:
                dialog.buttons.setEnabled(True)
                dialog.password.clear()
                dialog.refuse(message)
            else:
                QMessageBox.warning(self, "The minutes were not signed", message)

        def sign(_progress: object) -> SignedMinutes:
            return meetings.sign_off(meeting_id, chair, password=password)

        self._runner = run_with_progress(self, "Signing the minutes", sign, done, failed, USER_ERRORS)

    def _circulate(self, what: str) -> QDialog:
        from tumorboard.gui.meetings.circulation_dialogs import LettersDialog, SendDialog

        dialog: QDialog = (LettersDialog(self.meetings, self.meeting_id, self) if what == "letters" else
                           SendDialog(self.meetings, self.meeting_id, "minutes" if what == "minutes"
                                      else "agenda", self))
        self.circulation_dialog = dialog
        dialog.open()
        return dialog

    def preview_minutes(self) -> MinutesPreview | None:
        try:  # QtPdf comes with PySide6-Addons; without it everything but the preview works
            from tumorboard.gui.meetings.minutes_preview import MinutesPreview
        except ImportError as exc:
            QMessageBox.warning(self, "No minutes preview",
                                f"The PDF viewer of Qt (QtPdf, in PySide6-Addons) is not installed: {exc}")
            return None
        self.preview = MinutesPreview(self.meetings, self.meeting_id, self)
        self.preview.open()
        return self.preview

    # -- slots --------------------------------------------------------------------------------
    def _on_planner_changed(self) -> None:
        self._changed()

    def _on_room_changed(self) -> None:
        self._changed()

    def _on_planner_discuss_requested(self, mrn: str) -> None:
        self.show_room(mrn)

    def _on_full_screen_toggled(self, on: bool) -> None:
        self.setWindowState(self.windowState() | Qt.WindowState.WindowFullScreen if on
                            else self.windowState() & ~Qt.WindowState.WindowFullScreen)

    def set_title_suffix(self, suffix: str) -> None:
        self.title_suffix = suffix
        self._set_title()

    def _set_title(self) -> None:
        parts = ("tumorboard", meeting_title(self.meeting) if self.meeting else None, self.title_suffix)
        self.setWindowTitle(" - ".join(p for p in parts if p))

    def closeEvent(self, event: QCloseEvent) -> None:
        room = self.room
        unsaved = len(room.drafts) + (1 if room.form.dirty and room.form.save.isEnabled() else 0)
        if unsaved:
            answer = QMessageBox.question(
                self, "Decisions not saved",
                f"{unsaved} decision(s) were typed but not saved. Close the window and lose them?",
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Discard:
                event.ignore()
                return
            room.drafts.clear()
            room.form.dirty = False
        remember(self, self.settings, "meeting/geometry")
        event.accept()
