"""Meetings menu and the meeting windows: one per meeting, opened from the Meetings tab or Home.

Part of the main window (``gui.main_window.MainWindow`` inherits it); the attributes it uses are
declared in ``gui.window.parts``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction

from tumorboard.gui.window.parts import WindowParts

if TYPE_CHECKING:  # each imported when first opened: none is on the way to the main window
    from tumorboard.gui.meetings.boards_dialog import BoardsDialog
    from tumorboard.gui.meetings.decision_dialogs import ImplementationDialog
    from tumorboard.gui.meetings.meeting_window import MeetingWindow


class MeetingCommands(WindowParts):
    def _make_meeting_actions(self, action: Callable[..., QAction]) -> None:
        self.act_new_meeting = action("&New meeting...", "Ctrl+Shift+N", self._on_new_meeting,
                                      "Plan a tumour board meeting")
        self.act_open_room = action("Open meeting &room", "Ctrl+Shift+R", self._on_open_room,
                                    "The selected meeting, one case at a time, for the projector")
        self.act_preview_minutes = action("&Preview minutes...", "Ctrl+Shift+P", self._on_preview_minutes,
                                          "The selected meeting's minutes as PDF")
        self.act_close_meeting = action("&Close meeting...", "Ctrl+Shift+E", self._on_close_meeting,
                                        "End the selected meeting; undiscussed cases move to next week")
        self.act_sign_off = action("&Sign off...", "Ctrl+Shift+S", self._on_sign_off,
                                   "The chair signs the selected meeting's minutes")
        self.act_boards = action("&Boards...", "", self._on_boards,
                                 "The boards: create one, rename one, see their quorum and members")
        menu = self.menuBar().addMenu("&Meetings")
        for a in (self.act_boards, self.act_new_meeting, self.act_open_room, self.act_preview_minutes,
                  self.act_close_meeting, self.act_sign_off):
            a.setEnabled(self.meetings is not None)
            menu.addAction(a)

    def open_meeting(self, meeting_id: int, *, room: bool = False) -> MeetingWindow | None:
        """The meeting's own window (one per meeting), raised and up to date."""
        if self.meetings is None:
            return None
        window = self.meeting_windows.get(meeting_id)
        if window is None:
            from tumorboard.gui.meetings.meeting_window import MeetingWindow

            window = MeetingWindow(self.meetings, self.service, meeting_id, self, self.notice)
            window.set_title_suffix(self.title_suffix)
            self.meeting_windows[meeting_id] = window
        else:
            window.reload()
        if room:
            window.show_room()
        if window.isVisible():  # already open, perhaps behind another window
            window.raise_()
            window.activateWindow()
        window.show()
        return window

    def _selected_meeting_window(self, room: bool = False) -> MeetingWindow | None:
        meeting_id = self.meetings_tab.selected_id()
        if meeting_id is None:
            self.tabs.setCurrentWidget(self.meetings_tab)
            self.statusBar().showMessage("Choose a meeting in the Meetings tab first", 5000)
            return None
        return self.open_meeting(meeting_id, room=room)

    def _on_new_meeting(self) -> None:
        self.tabs.setCurrentWidget(self.meetings_tab)
        self.meetings_tab.new_meeting()

    def _on_open_room(self) -> None:
        self._selected_meeting_window(room=True)

    def _on_preview_minutes(self) -> None:
        window = self._selected_meeting_window()
        if window is not None:
            window.preview_minutes()

    def _on_close_meeting(self) -> None:
        window = self._selected_meeting_window()
        if window is not None:
            window.ask_close_meeting()

    def _on_sign_off(self) -> None:
        window = self._selected_meeting_window()
        if window is not None:
            window.ask_sign_off()

    def _on_meetings_tab_open_requested(self, meeting_id: int) -> None:
        self.open_meeting(meeting_id)

    def _on_meetings_tab_room_requested(self, meeting_id: int) -> None:
        self.open_meeting(meeting_id, room=True)

    def _on_boards(self) -> BoardsDialog | None:
        if self.boards is None:
            return None
        from tumorboard.gui.meetings.boards_dialog import BoardsDialog

        dialog = BoardsDialog(self.boards, self)
        self.boards_dialog = dialog
        dialog.open()
        return dialog

    def record_implementation(self, decision_id: int) -> ImplementationDialog | None:
        meetings = self.meetings
        record = self.dashboard.follow_ups.find(decision_id)
        if meetings is None or record is None:
            return None
        from tumorboard.gui.meetings.decision_dialogs import ImplementationDialog

        dialog = ImplementationDialog(record, self)

        def submit() -> None:
            outcome, reason, note = dialog.chosen()
            meetings.record_implementation(decision_id, outcome, reason, note)

        dialog.submit = submit
        dialog.accepted.connect(self.refresh_dashboard)
        self.implementation_dialog = dialog
        dialog.open()
        return dialog

    def _on_dashboard_implementation_requested(self, decision_id: int) -> None:
        self.record_implementation(decision_id)
