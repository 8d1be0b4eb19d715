"""The record through the screens: one change notice refreshes every view, a decision form that
pre-selects no clinical answer, replacing a decision on purpose, boards made on purpose."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from test_meetings_gui import (  # the same demo database, clock and helpers
    _type_decision,
    everyone_present,
    meeting_id,
    meetings,
    open_meeting,
    window,
)

from tumorboard.domain.workflow import WorkflowStatus
from tumorboard.gui.main_window import MainWindow
from tumorboard.gui.meetings.boards_dialog import BoardsDialog, NewBoardDialog, RenameBoardDialog
from tumorboard.gui.meetings.decision_dialogs import ReplaceDecisionDialog
from tumorboard.gui.meetings.meeting_dialogs import NewMeetingDialog
from tumorboard.services.meetings import MeetingService
from tumorboard.store import Database

__all__ = ["meetings", "window"]  # fixtures used by name
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise")


def test_a_decision_in_the_meeting_window_then_a_status_change_in_the_main_window(
        qtbot: QtBot, window: MainWindow, meetings: MeetingService) -> None:
    mid = meeting_id(meetings, signed=False)
    everyone_present(meetings, mid)
    mrn = meetings.get(mid).agenda[0].mrn
    window.open_case(mrn)
    opened_version = window.case_view.record.version if window.case_view.record else 0
    meeting_window = open_meeting(window, meetings, room=True)
    assert meeting_window.room.show_case(mrn)
    _type_decision(qtbot, meeting_window, "Continue first-line therapy; restage in 12 weeks.")
    qtbot.mouseClick(meeting_window.room.form.save, Qt.MouseButton.LeftButton)
    assert meetings.get(mid).agenda[0].decision is not None
    # The one notice reaches the main window: the open case shows the version the decision wrote.
    qtbot.waitUntil(lambda: window.case_view.record is not None
                    and window.case_view.record.version > opened_version)
    assert window.case_view.record is not None
    assert window.case_view.record.status is WorkflowStatus.DISCUSSED
    window.change_status(WorkflowStatus.ON_TREATMENT)  # no false "changed by demo-chair"
    assert window.service.get(mrn).status is WorkflowStatus.ON_TREATMENT
    assert window.case_view.record.status is WorkflowStatus.ON_TREATMENT


def test_the_decision_form_starts_unanswered_and_refuses_until_answered(
        qtbot: QtBot, window: MainWindow, meetings: MeetingService) -> None:
    everyone_present(meetings, meeting_id(meetings, signed=False))
    meeting_window = open_meeting(window, meetings, room=True)
    form = meeting_window.room.form
    assert form.category.currentData() is None and form.category.currentText() == "(choose the category)"
    assert not form.follows.isChecked() and not form.deviates.isChecked()
    qtbot.keyClicks(form.text, "Continue letrozole and ribociclib")
    qtbot.mouseClick(form.save, Qt.MouseButton.LeftButton)
    assert "choose the decision category" in form.errors.text_of("category")
    assert "answer whether the decision follows" in form.errors.text_of("concordance")
    assert form.text.toPlainText() == "Continue letrozole and ribociclib"  # nothing typed is lost
    first = meetings.get(meeting_window.meeting_id).agenda[0]
    assert first.decision is None


def test_saving_a_decided_case_again_asks_for_the_reason_and_keeps_the_first(
        qtbot: QtBot, window: MainWindow, meetings: MeetingService) -> None:
    mid = meeting_id(meetings, signed=False)
    everyone_present(meetings, mid)
    meeting_window = open_meeting(window, meetings, room=True)
    room = meeting_window.room
    mrn = meetings.get(mid).agenda[0].mrn
    assert room.show_case(mrn)
    _type_decision(qtbot, meeting_window, "Letrozole and ribociclib.")
    qtbot.mouseClick(room.form.save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: room.meeting is not None and room.meeting.agenda[0].decision is not None)
    _type_decision(qtbot, meeting_window, "Fulvestrant and abemaciclib.")
    qtbot.mouseClick(room.form.save, Qt.MouseButton.LeftButton)
    dialog = room.dialog
    assert isinstance(dialog, ReplaceDecisionDialog)
    dialog.buttons.accepted.emit()  # no reason: refused, nothing replaced
    assert dialog.isVisible() and "reason" in dialog.message.text() + dialog.errors.text_of("replace reason")
    assert meetings.get(mid).agenda[0].decision.text == "Letrozole and ribociclib."  # type: ignore[union-attr]
    qtbot.keyClicks(dialog.reason, "Ribociclib is contraindicated (QTc)")
    dialog.buttons.accepted.emit()
    assert not dialog.isVisible()
    assert meetings.get(mid).agenda[0].decision.text == "Fulvestrant and abemaciclib."  # type: ignore[union-attr]
    replaced = meetings.replaced_decisions(mid)
    assert [(r.mrn, r.content["text"], r.reason) for r in replaced] == [
        (mrn, "Letrozole and ribociclib.", "Ribociclib is contraindicated (QTc)")]


def test_boards_are_made_and_renamed_on_purpose(qtbot: QtBot, window: MainWindow, demo_db: Database) -> None:
    dialog = window._on_boards()
    assert isinstance(dialog, BoardsDialog)
    qtbot.addWidget(dialog)
    assert dialog.list.count() == 1 and "Breast MDT" in dialog.list.item(0).text()
    new = dialog.new_board()
    assert isinstance(new, NewBoardDialog)
    new.name.setText("breast mdt")
    new.buttons.accepted.emit()
    assert new.isVisible() and "exists already" in new.message.text() + new.errors.text_of("name")
    new.name.setText("Breast MDT (Satellite)")
    new.buttons.accepted.emit()
    assert not new.isVisible() and dialog.list.count() == 2
    dialog.list.setCurrentRow([b.name for b in dialog.rows].index("Breast MDT (Satellite)"))
    rename = dialog.rename_board()
    assert isinstance(rename, RenameBoardDialog)
    rename.name.setText("Breast MDT - North")
    rename.buttons.accepted.emit()
    assert not rename.isVisible()
    assert sorted(b.name for b in dialog.rows) == ["Breast MDT", "Breast MDT - North"]
    # A new meeting picks one of the boards; the box takes no new name.
    window.meetings_tab.new_meeting()
    planned = window.meetings_tab.dialog
    assert isinstance(planned, NewMeetingDialog) and not planned.board.isEditable()
    qtbot.waitUntil(lambda: planned.board.count() == 2)


def test_a_meeting_starts_from_the_planner_on_its_day(qtbot: QtBot, window: MainWindow,
                                                      meetings: MeetingService) -> None:
    meeting_window = open_meeting(window, meetings, started=False)
    planner = meeting_window.planner
    assert planner.start_meeting.isVisible() and not planner.attendance.editable
    assert "planned" in meeting_window.room.banner.text()
    planner.start_meeting.click()
    qtbot.waitUntil(lambda: not planner.start_meeting.isVisible())
    assert planner.attendance.editable and meeting_window.act_close_meeting.isEnabled()
    assert meetings.get(meeting_window.meeting_id).state == "in_progress"


def test_importing_a_stored_case_asks_before_updating_and_before_removing(
        qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mrn = next(r.mrn for r in window.service.worklist() if r.distant_lesions >= 2)
    doc = window.service.export_document(mrn)["case"]
    lesions = doc["metastatic"]["lesions"]
    doc["metastatic"]["lesions"] = lesions[:-1]  # the file no longer holds the last lesion
    source = tmp_path / "update.json"
    source.write_text(json.dumps(doc))
    asked: list[str] = []
    answers = iter([QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No])

    def answer(*args: object, **_kwargs: object) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return next(answers)

    monkeypatch.setattr(QMessageBox, "question", answer)
    with qtbot.waitSignal(window.import_finished, timeout=10000):
        window.import_files([str(source)])
    qtbot.waitUntil(lambda: len(asked) == 2, timeout=10000)
    assert "already in the database" in asked[0] and mrn in asked[0]
    assert "would remove" in asked[1] and "/metastatic/lesions" in asked[1]
    kept = window.service.get(mrn).case
    assert len(kept.metastatic.lesions) == len(lesions)  # "No": nothing removed
    answers = iter([QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.Yes])
    asked.clear()
    with qtbot.waitSignal(window.import_finished, timeout=10000):
        window.import_files([str(source)])
    qtbot.waitUntil(lambda: len(window.service.get(mrn).case.metastatic.lesions) == len(lesions) - 1,
                    timeout=10000)
