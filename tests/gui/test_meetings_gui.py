"""MDT meetings through their screens: the meetings tab, planner (attendance, quorum, agenda drag
and drop), meeting room (decision form), close and sign-off, the minutes preview, follow-ups."""

from __future__ import annotations

import json
import stat
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, QModelIndex, Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from tumorboard.domain.meeting import AgendaTriage, DeviationReason, Discipline
from tumorboard.domain.users import Role, User
from tumorboard.gui.home.dashboard import FollowUpModel
from tumorboard.gui.main_window import MainWindow
from tumorboard.gui.meetings.agenda_model import AgendaModel, moved
from tumorboard.gui.meetings.decision_dialogs import AmendDialog, ImplementationDialog, QuorumOverrideDialog
from tumorboard.gui.meetings.meeting_dialogs import (
    AddCaseDialog,
    AgendaItemDialog,
    GuestDialog,
    MeetingDetailsDialog,
    NewMeetingDialog,
    SuggestedCasesDialog,
)
from tumorboard.gui.meetings.meeting_models import (
    ActionsModel,
    AttendanceModel,
    CheckListModel,
    MeetingListModel,
)
from tumorboard.gui.meetings.meeting_window import MeetingWindow
from tumorboard.gui.widgets.form_errors import split_problems
from tumorboard.services.accounts import DEMO_PASSWORD
from tumorboard.services.cases import CaseService
from tumorboard.services.demo import DEMO_CHAIR, DEMO_MEMBERS
from tumorboard.services.meetings import MeetingService
from tumorboard.store import Database

# The offscreen platform cannot raise a window that is already open; a real desktop can.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise")

TODAY = date(2026, 11, 28)  # the demo fixture's day (a Saturday): next meeting Thursday 3 December
UPCOMING = date(2026, 12, 3)


@pytest.fixture
def meetings(demo_db: Database, demo_chair: User) -> MeetingService:
    # The board works on the day of its upcoming meeting (it starts on its day, not before).
    return MeetingService(demo_db, today=lambda: UPCOMING, user=demo_chair)


@pytest.fixture
def window(qtbot: QtBot, service: CaseService, meetings: MeetingService) -> MainWindow:
    w = MainWindow(service, "test database", today=TODAY, meetings=meetings)
    qtbot.addWidget(w)
    w.show()
    return w


def meeting_id(meetings: MeetingService, *, signed: bool) -> int:
    return next(m.id for m in meetings.listing() if m.signed == signed)


def open_meeting(window: MainWindow, meetings: MeetingService, *, signed: bool = False,
                 room: bool = False, started: bool = True) -> MeetingWindow:
    """The demo's signed meeting, or its upcoming one (started unless asked otherwise)."""
    mid = meeting_id(meetings, signed=signed)
    if not signed and started and meetings.get(mid).state == "planned":
        meetings.start(mid)
    opened = window.open_meeting(mid, room=room)
    assert opened is not None
    return opened


def activate(qtbot: QtBot, window: MeetingWindow) -> None:
    """Shortcuts work in the active window only."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def everyone_present(meetings: MeetingService, mid: int) -> None:
    if meetings.get(mid).state == "planned":
        meetings.start(mid)
    for name, *_ in DEMO_MEMBERS:
        meetings.set_attendance(mid, name, True)


def test_meeting_models_pass_the_model_tester(qtmodeltester: Any, meetings: MeetingService) -> None:
    listing = MeetingListModel()
    listing.set_rows(meetings.listing())
    qtmodeltester.check(listing)
    upcoming = meetings.get(meeting_id(meetings, signed=False))
    signed = meetings.get(meeting_id(meetings, signed=True))
    attendance = AttendanceModel()
    attendance.set_rows(signed.attendance)
    attendance.change_presence = lambda _name, _present: True
    qtmodeltester.check(attendance)
    agenda = AgendaModel()
    agenda.set_rows(upcoming.agenda)
    agenda.reorder = lambda _mrns: True
    qtmodeltester.check(agenda)
    assert agenda.moveRows(QModelIndex(), 0, 1, QModelIndex(), 3)
    qtmodeltester.check(agenda)
    agenda.set_rows(signed.agenda, editable=False, moved_to=signed.carried_over_to_day)
    qtmodeltester.check(agenda)
    actions = ActionsModel()
    actions.set_actions([("Book CT", "Dr Mensah", "2026-12-20"), ("", "", "")])
    qtmodeltester.check(actions)
    checks = CheckListModel()
    checks.set_items([("a", "Overall survival benefit unproven", True), ("b", "Local control", False)])
    qtmodeltester.check(checks)
    follow_ups = FollowUpModel()
    follow_ups.set_items(meetings.follow_ups_due(TODAY))
    qtmodeltester.check(follow_ups)


def test_the_demo_board_has_a_signed_and_an_open_meeting(window: MainWindow, meetings: MeetingService) -> None:
    tab = window.meetings_tab
    assert window.tabs.tabText(2) == "Meetings"
    assert tab.model.rowCount() == 2
    states = {tab.model.index(r, 4).data() for r in range(2)}
    assert states == {"open", "signed"}
    assert tab.selected_id() == meeting_id(meetings, signed=False)  # the next meeting to come
    signed = meetings.get(meeting_id(meetings, signed=True))
    assert [a.triage for a in signed.agenda].count(AgendaTriage.LISTED_NOT_DISCUSSED.value) == 1
    assert sum(1 for a in signed.agenda if a.decision and not a.decision.concordant) == 1
    assert {a.name for a in signed.attendance} == {name for name, *_ in DEMO_MEMBERS}


def test_new_meeting_through_the_dialog_keeps_what_was_typed_when_refused(
        qtbot: QtBot, window: MainWindow, meetings: MeetingService) -> None:
    window.act_new_meeting.trigger()
    dialog = window.meetings_tab.dialog
    assert isinstance(dialog, NewMeetingDialog) and dialog.isVisible()
    assert dialog.board.currentText() == "Breast MDT"
    dialog.day.setDate(QDate(2026, 12, 10))
    dialog.start.clear()
    qtbot.keyClicks(dialog.start, "25:00")
    qtbot.keyClicks(dialog.place, "Room 4, Tumour Centre")
    dialog.chair.setText(DEMO_CHAIR)  # keyClicks types ASCII only
    dialog.buttons.accepted.emit()
    assert dialog.isVisible()
    assert "25:00" in dialog.errors.text_of("time") and dialog.errors.labels["time"].isVisible()
    assert dialog.place.text() == "Room 4, Tumour Centre" and dialog.start.text() == "25:00"
    dialog.start.clear()
    qtbot.keyClicks(dialog.start, "07:30")
    dialog.buttons.accepted.emit()
    assert not dialog.isVisible()
    created = meetings.get(dialog.result_value)
    assert (created.day, created.start_time, created.place, created.chair) == (
        date(2026, 12, 10), "07:30", "Room 4, Tumour Centre", DEMO_CHAIR)
    qtbot.waitUntil(lambda: window.meetings_tab.model.rowCount() == 3)  # the notice refreshes the tab
    assert window.meetings_tab.selected_id() == created.id
    opened = window.meeting_windows[created.id]
    assert opened.isVisible() and "10 December 2026" in opened.windowTitle()


def test_ticking_attendance_updates_the_quorum_label(qtbot: QtBot, window: MainWindow,
                                                     meetings: MeetingService) -> None:
    planner = open_meeting(window, meetings).planner
    assert planner.quorum_label.text().startswith("Quorum NOT met: missing Breast surgery")
    model = planner.attendance
    for row in range(model.rowCount()):
        if model.row_at(row).discipline != Discipline.PATHOLOGY.value:
            assert model.setData(model.index(row, model.PRESENT), Qt.CheckState.Checked.value,
                                 Qt.ItemDataRole.CheckStateRole)
    assert planner.quorum_label.text() == "Quorum NOT met: missing Pathology"
    assert "#c62828" in planner.quorum_label.styleSheet()
    pathology = next(r for r in range(model.rowCount())
                     if model.row_at(r).discipline == Discipline.PATHOLOGY.value)
    planner.attendance_view.setFocus()
    planner.attendance_view.setCurrentIndex(model.index(pathology, model.PRESENT))
    qtbot.keyClick(planner.attendance_view, Qt.Key.Key_Space)  # the keyboard ticks the box too
    qtbot.waitUntil(lambda: planner.quorum_label.text() == "Quorum met")
    assert "#2e7d32" in planner.quorum_label.styleSheet()
    assert meetings.quorum(planner.meeting.id if planner.meeting else 0).met
    room = window.meeting_windows[meeting_id(meetings, signed=False)].room
    qtbot.waitUntil(lambda: room.quorum_label.text() == "Quorum met")  # the whole window follows
    qtbot.keyClick(planner.attendance_view, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: planner.quorum_label.text() == "Quorum NOT met: missing Pathology")
    assert planner.override.isEnabled()
    planner.add_guest.click()
    guest = planner.dialog
    assert isinstance(guest, GuestDialog)
    guest.buttons.accepted.emit()
    assert guest.isVisible() and "name is empty" in guest.errors.text_of("name")
    qtbot.keyClicks(guest.name, "Dr Jana Horvath")
    guest.discipline.setCurrentIndex(guest.discipline.findData(Discipline.PATHOLOGY))
    guest.buttons.accepted.emit()
    qtbot.waitUntil(lambda: planner.quorum_label.text() == "Quorum met")
    assert planner.attendance.rowCount() == len(DEMO_MEMBERS) + 1


def test_meeting_details_are_edited_in_a_form_that_keeps_what_was_typed(
        qtbot: QtBot, window: MainWindow, meetings: MeetingService) -> None:
    planner = open_meeting(window, meetings).planner
    planner.edit_details.click()
    dialog = planner.dialog
    assert isinstance(dialog, MeetingDetailsDialog) and dialog.isVisible()
    meeting = meetings.get(meeting_id(meetings, signed=False))
    assert dialog.chair.text() == (meeting.chair or "") and dialog.start.text() == (meeting.start_time or "")
    dialog.start.clear()
    qtbot.keyClicks(dialog.start, "7.30")
    dialog.place.clear()
    qtbot.keyClicks(dialog.place, "Seminar room B")
    dialog.buttons.accepted.emit()
    assert dialog.isVisible() and "7.30" in dialog.errors.text_of("time")
    assert dialog.place.text() == "Seminar room B" and dialog.start.text() == "7.30"
    dialog.start.clear()
    qtbot.keyClicks(dialog.start, "07:30")
    dialog.buttons.accepted.emit()
    assert not dialog.isVisible()
    changed = meetings.get(meeting.id)
    assert (changed.start_time, changed.place) == ("07:30", "Seminar room B")
    qtbot.waitUntil(lambda: "Seminar room B" in planner.header.text())
    # The signed meeting offers no such button: its details are part of the signed record.
    signed = open_meeting(window, meetings, signed=True).planner
    assert not signed.edit_details.isEnabled() and not signed.add_member.isEnabled()


def test_a_board_member_is_added_from_the_planner(qtbot: QtBot, window: MainWindow,
                                                  meetings: MeetingService) -> None:
    planner = open_meeting(window, meetings).planner
    rows = planner.attendance.rowCount()
    planner.add_member.click()
    dialog = planner.dialog
    assert isinstance(dialog, GuestDialog) and dialog.windowTitle() == "Add board member"
    qtbot.keyClicks(dialog.name, DEMO_MEMBERS[1][0])  # already listed: refused under the name
    dialog.buttons.accepted.emit()
    assert dialog.isVisible() and "already on this meeting's attendance list" in dialog.errors.text_of("name")
    dialog.name.setText("Dr Ines Moreau")
    dialog.discipline.setCurrentIndex(dialog.discipline.findData(Discipline.SPECIALIST_NURSING))
    dialog.buttons.accepted.emit()
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: planner.attendance.rowCount() == rows + 1)
    board = meetings.get(planner.meeting.id if planner.meeting else 0).board
    assert ("Dr Ines Moreau", "specialist_nursing", "member") in board.members


def test_a_board_member_is_taken_off_the_list_after_asking(qtbot: QtBot, window: MainWindow,
                                                           meetings: MeetingService,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    planner = open_meeting(window, meetings).planner
    asked: list[str] = []

    def answer(_parent: object, _title: str, text: str, *_a: object) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    model = planner.attendance
    row = next(r for r in range(model.rowCount()) if model.row_at(r).name == "Dr Kwame Mensah")
    planner.attendance_view.setCurrentIndex(model.index(row, 0))
    planner.remove_member.click()
    assert asked and "Take Dr Kwame Mensah off the Breast MDT list?" in asked[0]
    qtbot.waitUntil(lambda: "Dr Kwame Mensah" not in {m[0] for m in planner.meeting.board.members}
                    if planner.meeting else False)
    assert "Dr Kwame Mensah" in {a.name for a in planner.meeting.attendance}  # this meeting keeps him


def test_agenda_reorders_by_drop_and_by_keyboard_and_persists(qtbot: QtBot, window: MainWindow,
                                                              meetings: MeetingService) -> None:
    planner = open_meeting(window, meetings).planner
    mid = meeting_id(meetings, signed=False)
    before = planner.agenda.mrns()
    assert planner.agenda_view.dragDropMode().name == "InternalMove"
    data = planner.agenda.mimeData([planner.agenda.index(2, 0)])
    # What the view does on a drop between rows 0 and 1: the third case goes second.
    planner.agenda.dropMimeData(data, Qt.DropAction.MoveAction, 1, 0, QModelIndex())
    expected = [before[0], before[2], before[1], *before[3:]]
    assert planner.agenda.mrns() == expected
    assert [a.mrn for a in meetings.get(mid).agenda] == expected
    qtbot.waitUntil(lambda: planner.agenda.index(1, 0).data() == "2" and planner.agenda.mrns() == expected)
    activate(qtbot, window.meeting_windows[mid])
    planner.agenda_view.setFocus()
    planner.agenda_view.selectRow(0)
    qtbot.keyClick(planner.agenda_view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    expected = [expected[1], expected[0], *expected[2:]]
    qtbot.waitUntil(lambda: [a.mrn for a in meetings.get(mid).agenda] == expected)
    assert planner.agenda.mrns() == expected and planner.selected_mrn() == expected[1]
    planner.move_up.click()
    expected = [expected[1], expected[0], *expected[2:]]
    qtbot.waitUntil(lambda: [a.mrn for a in meetings.get(mid).agenda] == expected)
    assert moved(["a", "b", "c", "d"], [3], 0) == ["d", "a", "b", "c"]
    assert moved(["a", "b", "c", "d"], [0], 4) == ["b", "c", "d", "a"]


def test_agenda_items_add_suggest_edit_and_remove(qtbot: QtBot, window: MainWindow, meetings: MeetingService,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    mid = meetings.create_meeting("Breast MDT", UPCOMING + timedelta(days=7), "08:00", chair=DEMO_CHAIR)
    opened = window.open_meeting(mid)
    assert opened is not None
    planner = opened.planner
    planner.add_suggested.click()
    dialog = planner.dialog
    assert isinstance(dialog, SuggestedCasesDialog)
    assert dialog.model.rowCount() == 10 and len(dialog.model.ticked()) == 10  # ready or due, all ticked
    dialog.model.set_all(False)
    dialog.model.setData(dialog.model.index(0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: planner.agenda.rowCount() == 1)
    planner.agenda_view.selectRow(0)
    with_suggested = planner.agenda.mrns()
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    planner.remove_item.click()
    qtbot.waitUntil(lambda: planner.agenda.rowCount() == 0)
    assert meetings.get(mid).agenda == () and with_suggested
    planner.add_case.click()
    add = planner.dialog
    assert isinstance(add, AddCaseDialog)
    add.mrn.setText("DEMO-9999")
    add.buttons.accepted.emit()
    assert add.isVisible() and "DEMO-9999" in add.message.text() + add.errors.text_of("case")
    add.mrn.setText("DEMO-0002")
    qtbot.keyClicks(add.question, "Biopsy of the liver lesion?")
    add.buttons.accepted.emit()
    qtbot.waitUntil(lambda: planner.agenda.rowCount() == 1)
    assert planner.agenda.index(0, 3).data() == "Biopsy of the liver lesion?"
    assert planner.agenda.index(0, 6).data() == "to discuss"
    planner.agenda_view.selectRow(0)
    planner.edit_item.click()
    early = planner.dialog
    assert isinstance(early, AgendaItemDialog)
    early.triage.setCurrentIndex(1)
    qtbot.keyClicks(early.responsible, "Dr Kwame Mensah")
    early.buttons.accepted.emit()  # triage is part of the meeting: refused while it is planned
    assert early.isVisible() and "start the meeting first" in early.message.text()
    early.reject()
    meetings.today = lambda: UPCOMING + timedelta(days=7)  # the day of this meeting
    planner.start_meeting.click()
    qtbot.waitUntil(lambda: planner.meeting is not None and planner.meeting.state == "in_progress")
    assert not planner.start_meeting.isVisible()
    planner.agenda_view.selectRow(0)
    planner.edit_item.click()
    item_dialog = planner.dialog
    assert isinstance(item_dialog, AgendaItemDialog) and not item_dialog.responsible.isEnabled()
    item_dialog.triage.setCurrentIndex(1)
    assert item_dialog.responsible.isEnabled()
    item_dialog.buttons.accepted.emit()
    assert item_dialog.isVisible() and "clinician" in item_dialog.errors.text_of("responsible clinician")
    qtbot.keyClicks(item_dialog.responsible, "Dr Kwame Mensah")
    item_dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: planner.agenda.index(0, 6).data() == "listed, not discussed")
    assert meetings.get(mid).agenda[0].responsible_clinician == "Dr Kwame Mensah"
    room = window.meeting_windows[mid].room  # standard of care: no decision to type
    assert "confirmed by Dr Kwame Mensah" in room.banner.text() and not room.form.save.isEnabled()


def test_removing_a_case_asks_first(qtbot: QtBot, window: MainWindow, meetings: MeetingService,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    planner = open_meeting(window, meetings).planner
    count = planner.agenda.rowCount()
    planner.agenda_view.selectRow(0)
    planner.remove_item.click()  # the fixture answers "Discard": not removed
    assert planner.agenda.rowCount() == count
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    planner.remove_item.click()
    qtbot.waitUntil(lambda: planner.agenda.rowCount() == count - 1)


def _type_decision(qtbot: QtBot, window: MeetingWindow, text: str) -> None:
    """The board's answers: a category, the text and "follows the guideline" (no form pre-selects)."""
    form = window.room.form
    form.category.setCurrentIndex(form.category.findText("Systemic therapy"))
    form.text.clear()
    qtbot.keyClicks(form.text, text)
    qtbot.mouseClick(form.follows, Qt.MouseButton.LeftButton)


def test_recording_a_decision_through_the_form(qtbot: QtBot, window: MainWindow, meetings: MeetingService) -> None:
    mid = meeting_id(meetings, signed=False)
    everyone_present(meetings, mid)
    meeting_window = open_meeting(window, meetings)
    room = meeting_window.room
    meeting_window.show_room()
    mrn = meetings.get(mid).agenda[1].mrn
    assert room.show_case(mrn)
    assert "2/10" in room.summary.text() and mrn in room.summary.text()
    assert room.recommendation is not None and room.recommendation["as_of"] == UPCOMING.isoformat()
    assert room.panel.recommendation() == room.recommendation
    form = room.form
    assert form.save.isEnabled() and not form.reason.isEnabled()
    _type_decision(qtbot, meeting_window, "Continue first-line therapy; restage in 12 weeks.")
    form.add_action.click()
    model = form.actions_model
    model.setData(model.index(0, 0), "Book CT chest/abdomen/pelvis")
    model.setData(model.index(0, 1), "Siobhán Byrne")
    model.setData(model.index(0, 2), "2027-02-25")
    qtbot.keyClicks(form.preferences, "Prefers appointments in the afternoon")
    qtbot.mouseClick(form.save, Qt.MouseButton.LeftButton)
    item = next(a for a in meetings.get(mid).agenda if a.mrn == mrn)
    assert item.decision is not None and item.decision.text.startswith("Continue first-line")
    assert '"owner": "Siobhán Byrne"' in item.decision.actions_json
    assert item.decision.patient_preferences == "Prefers appointments in the afternoon"
    planner = meeting_window.planner
    assert planner.agenda.index(planner.agenda.row_of(mrn), 6).data() == "decided"
    assert not form.dirty and form.version == 1
    assert window.service.get(mrn).status.value == "discussed"
    qtbot.waitUntil(lambda: window.model.row_at(window.model.row_of(mrn)).status.value == "discussed")


def test_a_deviation_without_reason_is_refused_and_keeps_what_was_typed(
        qtbot: QtBot, window: MainWindow, meetings: MeetingService) -> None:
    mid = meeting_id(meetings, signed=False)
    everyone_present(meetings, mid)
    meeting_window = open_meeting(window, meetings, room=True)
    form = meeting_window.room.form
    _type_decision(qtbot, meeting_window, "Mastectomy at the patient's request")
    form.category.setCurrentIndex(form.category.findText("Surgery of the primary tumour"))
    qtbot.mouseClick(form.deviates, Qt.MouseButton.LeftButton)
    assert form.reason.isEnabled() and form.reason_text.isEnabled()
    qtbot.keyClicks(form.reason_text, "She asked for it after counselling")
    qtbot.mouseClick(form.save, Qt.MouseButton.LeftButton)
    assert "needs a reason" in form.errors.text_of("concordance")
    assert form.errors.labels["concordance"].isVisible() and form.message.isVisible()
    assert form.text.toPlainText() == "Mastectomy at the patient's request"
    assert form.reason_text.toPlainText() == "She asked for it after counselling"
    assert form.deviates.isChecked()
    first = meetings.get(mid).agenda[0]
    assert first.decision is None  # nothing half-written
    form.reason.setCurrentIndex(form.reason.findData(DeviationReason.PATIENT_PREFERENCE))
    qtbot.mouseClick(form.save, Qt.MouseButton.LeftButton)
    decision = meetings.get(mid).agenda[0].decision
    assert decision is not None and not decision.concordant
    assert decision.deviation_reason == "patient_preference"
    assert not form.errors.labels["concordance"].isVisible()


def test_without_quorum_the_form_offers_the_chairs_override_and_keeps_the_text(
        qtbot: QtBot, window: MainWindow, meetings: MeetingService) -> None:
    meeting_window = open_meeting(window, meetings, room=True)
    room = meeting_window.room
    form = room.form
    _type_decision(qtbot, meeting_window, "Urgent radiotherapy to the spine")
    qtbot.mouseClick(form.save, Qt.MouseButton.LeftButton)
    assert "quorum not met" in form.message.text() and form.override.isVisible()
    qtbot.mouseClick(form.override, Qt.MouseButton.LeftButton)
    dialog = room.dialog
    assert isinstance(dialog, QuorumOverrideDialog) and dialog.chair.text() == DEMO_CHAIR
    dialog.buttons.accepted.emit()
    assert dialog.isVisible() and "reason" in dialog.errors.text_of("reason")
    qtbot.keyClicks(dialog.reason, "Cord compression risk; cannot wait a week")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert form.text.toPlainText() == "Urgent radiotherapy to the spine"
    qtbot.mouseClick(form.save, Qt.MouseButton.LeftButton)
    decision = meetings.get(meeting_id(meetings, signed=False)).agenda[0].decision
    assert decision is not None and "Cord compression" in (decision.quorum_override or "")


def test_moving_between_cases_keeps_drafts_and_uses_the_keyboard(qtbot: QtBot, window: MainWindow,
                                                                 meetings: MeetingService) -> None:
    meeting_window = open_meeting(window, meetings, room=True)
    activate(qtbot, meeting_window)
    room = meeting_window.room
    agenda = [a.mrn for a in meetings.get(meeting_id(meetings, signed=False)).agenda]
    assert room.mrn == agenda[0] and not room.previous.isEnabled()
    _type_decision(qtbot, meeting_window, "Draft for the first case")
    room.form.text.setFocus()
    qtbot.keyClick(room.form.text, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert room.mrn == agenda[1] and room.form.text.toPlainText() == ""
    room.act_next.trigger()
    assert room.mrn == agenda[2]
    room.picker.setCurrentIndex(0)
    room.picker.activated.emit(0)
    assert room.mrn == agenda[0] and room.form.text.toPlainText() == "Draft for the first case"
    assert [key_text(s) for s in room.act_next.shortcuts()] == ["Alt+Right", "PgDown"]


def key_text(sequence: Any) -> str:
    return str(sequence.toString())


def test_a_signed_meeting_opens_read_only_and_takes_amendments(
        qtbot: QtBot, window: MainWindow, meetings: MeetingService) -> None:
    mid = meeting_id(meetings, signed=True)
    meeting_window = open_meeting(window, meetings, signed=True, room=True)
    signed = meetings.get(mid)
    room, planner = meeting_window.room, meeting_window.planner
    banner = room.banner.text()
    assert f"Signed by {DEMO_CHAIR}" in banner and f"SHA-256 {signed.minutes_sha256}" in banner
    assert "corrections are amendments" in banner and room.banner.isVisible()
    form = room.form
    assert not form.save.isEnabled() and form.text.isReadOnly() and not form.category.isEnabled()
    assert form.text.toPlainText().startswith("Letrozole")
    assert not form.actions_model.flags(form.actions_model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    assert not planner.add_case.isEnabled() and not planner.attendance.flags(
        planner.attendance.index(0, 3)) & Qt.ItemFlag.ItemIsUserCheckable
    assert not planner.agenda.flags(planner.agenda.index(0, 0)) & Qt.ItemFlag.ItemIsDragEnabled
    assert not meeting_window.act_sign.isEnabled() and not meeting_window.act_close_meeting.isEnabled()
    statuses = {planner.agenda.index(r, 6).data() for r in range(planner.agenda.rowCount())}
    assert statuses == {"decided", "listed, not discussed"}
    assert room.amend.isVisible()
    qtbot.mouseClick(room.amend, Qt.MouseButton.LeftButton)
    dialog = room.dialog
    assert isinstance(dialog, AmendDialog)
    dialog.value_text.setPlainText("Letrozole with ribociclib; zoledronic acid.")
    dialog.buttons.accepted.emit()
    assert dialog.isVisible() and "reason" in dialog.message.text() + dialog.errors.text_of("reason")
    qtbot.keyClicks(dialog.reason, "Bone agent transcribed wrongly")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert [a.reason for a in meetings.get(mid).amendments] == ["Bone agent transcribed wrongly"]
    qtbot.waitUntil(lambda: "zoledronic acid" in room.banner.text())
    assert form.text.toPlainText().startswith("Letrozole with ribociclib; denosumab")  # the original stays


def test_closing_says_what_carries_over_and_where(qtbot: QtBot, window: MainWindow, meetings: MeetingService,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def answer(*args: Any, **_kwargs: Any) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return QMessageBox.StandardButton.Yes

    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", answer)
    monkeypatch.setattr(QMessageBox, "warning", lambda *args, **_k: warned.append(str(args[2])))
    mid = meeting_id(meetings, signed=False)
    meeting_window = open_meeting(window, meetings)
    meeting_window.ask_close_meeting()  # nobody ticked present: the minutes could never be signed
    assert warned and "is not marked present" in warned[0] and meetings.get(mid).closed_at is None
    everyone_present(meetings, mid)
    asked.clear()
    meeting_window.ask_close_meeting()
    assert "10 case(s) not yet discussed" in asked[0] and "Thursday 10 December 2026" in asked[0]
    closed = meetings.get(mid)
    assert closed.closed_at is not None and closed.carried_over_to_day == date(2026, 12, 10)
    planner = meeting_window.planner
    assert planner.agenda.index(0, 6).data() == "moved to 2026-12-10"
    assert not meeting_window.room.form.save.isEnabled() and "Closed on" in meeting_window.room.banner.text()
    following = window.open_meeting(closed.carried_over_to or 0)
    assert following is not None
    assert following.planner.agenda.index(0, 6).data() == "carried over from 2026-12-03"
    qtbot.waitUntil(lambda: window.meetings_tab.model.rowCount() == 3)  # the notice refreshes the tab


def test_sign_off_runs_in_the_background_and_shows_the_hash(
        qtbot: QtBot, window: MainWindow, meetings: MeetingService, no_modal_dialogs: list[str]) -> None:
    mid = meeting_id(meetings, signed=False)
    everyone_present(meetings, mid)
    meeting_window = open_meeting(window, meetings)
    assert meeting_window.ask_sign_off() is None  # in progress: close first, and the user is told so
    assert any("Close the meeting first" in said for said in no_modal_dialogs)
    assert not meeting_window.act_sign.isEnabled() and meeting_window.act_close_meeting.isEnabled()
    meeting_window.close_meeting()
    assert meeting_window.act_sign.isEnabled() and not meeting_window.act_close_meeting.isEnabled()
    dialog = meeting_window.ask_sign_off()
    assert dialog is not None and dialog.chair.text() == DEMO_CHAIR
    assert dialog.chair.isReadOnly()  # signed in the signed-in chair's own name only
    assert "read-only" in dialog.intro.text()
    dialog.password.setText("not the password")  # refused, nothing signed, the dialog says why
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: dialog.errors.labels["password"].isVisible())
    assert "wrong password" in dialog.errors.text_of("password") and meetings.get(mid).signed_at is None
    dialog.password.setText(DEMO_PASSWORD)  # the chair's password opens their signing key
    with qtbot.waitSignal(meeting_window.signed, timeout=15000) as signal:
        dialog.buttons.accepted.emit()
    sha = signal.args[0] if signal.args else ""
    assert len(sha) == 64 and meetings.get(mid).minutes_sha256 == sha
    assert not dialog.isVisible()
    assert sha in meeting_window.room.banner.text() and any(sha in said for said in no_modal_dialogs)
    assert not meeting_window.room.form.save.isEnabled()


def test_a_closed_meeting_is_signed_only_by_its_chair(
        qtbot: QtBot, window: MainWindow, meetings: MeetingService, demo_db: Database) -> None:
    mid = meeting_id(meetings, signed=False)
    everyone_present(meetings, mid)
    meetings.close(mid)
    other = MeetingService(demo_db, today=lambda: UPCOMING,
                           user=User("mensah", "Dr Kwame Mensah", Role.CHAIR, None, False))
    meeting_window = MeetingWindow(other, window.service, mid, window)
    qtbot.addWidget(meeting_window)
    dialog = meeting_window.ask_sign_off()
    assert dialog is not None and dialog.chair.text() == "Dr Kwame Mensah"
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: dialog.message.isVisible() or dialog.errors.labels["chair"].isVisible())
    assert f"only the meeting's chair ({DEMO_CHAIR})" in dialog.message.text() + dialog.errors.text_of("chair")
    assert dialog.isVisible() and meetings.get(mid).signed_at is None


def test_minutes_preview_shows_the_pdf_saves_it_privately_and_pseudonymises(
        qtbot: QtBot, window: MainWindow, meetings: MeetingService, tmp_path: Path, demo_db: Database) -> None:
    mid = meeting_id(meetings, signed=True)
    meeting_window = open_meeting(window, meetings, signed=True)
    preview = meeting_window.preview_minutes()  # rendering starts at once, in the background
    assert preview is not None
    with qtbot.waitSignal(preview.loaded, timeout=15000) as signal:
        pass
    assert signal.args and signal.args[0] >= 1
    assert preview.document.status() == QPdfDocument.Status.Ready and preview.document.pageCount() >= 1
    assert preview.pdf == meetings.signed_original(mid)
    assert "SHA-256" in preview.info.text() and preview.save.isEnabled()
    target = tmp_path / "minutes.pdf"
    target.write_bytes(b"old, world-readable")
    target.chmod(0o644)
    preview.save_to(target)
    assert target.read_bytes().startswith(b"%PDF") and stat.S_IMODE(target.stat().st_mode) == 0o600
    with demo_db.session() as s:  # the minutes left the system: on record, with who and what
        exported = s.execute(text("SELECT actor, entity_id, new_value FROM audit_log WHERE action = 'export'"
                                  )).all()
    assert [(a, e, json.loads(v)) for a, e, v in exported] == [("demo-chair", str(mid),
                                                                 "signed original to a file")]
    with qtbot.waitSignal(preview.loaded, timeout=15000):
        preview.pseudonymise.setChecked(True)
    assert preview.pdf != meetings.signed_original(mid) and preview.document.pageCount() >= 1
    assert "pseudonymised" in preview.suggested_name()
    try:
        from PySide6.QtPrintSupport import QPrinter
    except ImportError:  # pragma: no cover - a Qt build without printing
        return
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert preview.print_to(printer) == preview.document.pageCount()
    assert (tmp_path / "printed.pdf").read_bytes().startswith(b"%PDF")


def test_a_viewer_reads_the_minutes_but_cannot_save_them(qtbot: QtBot, demo_db: Database, tmp_path: Path,
                                                         no_modal_dialogs: list[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QFileDialog, QWidget

    from tumorboard.domain.users import Role
    from tumorboard.gui.meetings.minutes_preview import MinutesPreview

    viewer = MeetingService(demo_db, today=lambda: TODAY, user=User("reader", "A Reader", Role.VIEWER))
    owner = QWidget()  # as in the app, the preview belongs to a window (QtPdf expects an owner)
    qtbot.addWidget(owner)
    preview = MinutesPreview(viewer, meeting_id(viewer, signed=True), owner)
    with qtbot.waitSignal(preview.loaded, timeout=15000):
        pass  # on screen: yes
    target = tmp_path / "minutes.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), "PDF (*.pdf)"))
    preview.save.click()
    assert not target.exists()
    assert any("may not export patient data" in said for said in no_modal_dialogs)


def test_dashboard_lists_implementation_checks_and_records_an_outcome(
        qtbot: QtBot, window: MainWindow, meetings: MeetingService) -> None:
    dashboard = window.dashboard
    assert dashboard.follow_up_box.isVisibleTo(window) and dashboard.follow_ups.rowCount() == 4
    first = dashboard.follow_ups.index(0, 0)
    row = [dashboard.follow_ups.index(0, c).data() for c in range(dashboard.follow_ups.columnCount())]
    assert "DEMO-0014" in row and "Systemic therapy" in row
    assert not dashboard.record_outcome.isEnabled()
    dashboard.follow_up_view.activated.emit(first)
    assert window.case_view.record is not None and window.case_view.record.case.patient.mrn == "DEMO-0014"
    dashboard.follow_up_view.setCurrentIndex(first)
    assert dashboard.record_outcome.isEnabled()
    qtbot.mouseClick(dashboard.record_outcome, Qt.MouseButton.LeftButton)
    dialog = window.implementation_dialog
    assert isinstance(dialog, ImplementationDialog) and not dialog.reason.isEnabled()
    dialog.outcome.setCurrentIndex(dialog.outcome.findText("Not done"))
    assert dialog.reason.isEnabled()
    dialog.buttons.accepted.emit()
    assert dialog.isVisible() and "reason" in dialog.errors.text_of("reason")
    dialog.reason.setCurrentIndex(dialog.reason.findText("Patient's wish"))
    qtbot.keyClicks(dialog.note, "Declined ribociclib; letrozole alone")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: dashboard.follow_ups.rowCount() == 3)
    assert "(3)" in dashboard.follow_up_box.title()


def test_main_window_menu_and_a_window_without_meetings(qtbot: QtBot, window: MainWindow,
                                                        service: CaseService) -> None:
    assert window.act_new_meeting.shortcut().toString() == "Ctrl+Shift+N"
    titles = [a.text() for a in window.menuBar().actions()]
    assert "&Meetings" in titles
    window.act_open_room.trigger()
    opened = window.meeting_windows[window.meetings_tab.selected_id() or 0]
    assert opened.isVisible() and opened.tabs.currentWidget() is opened.room
    plain = MainWindow(service, "test database", today=TODAY)
    qtbot.addWidget(plain)
    assert not plain.act_new_meeting.isEnabled() and not plain.meetings_tab.problem.isHidden()
    assert plain.open_meeting(1) is None and plain.dashboard.follow_up_box.isHidden()


def test_refusals_are_split_by_field() -> None:
    assert split_problems("time: '25:00' is bad; board: empty") == [("time", "'25:00' is bad"), ("board", "empty")]
    assert split_problems("quorum not met (missing: Pathology); the chair must record an override") == [
        (None, "quorum not met (missing: Pathology); the chair must record an override")]
    assert split_problems("actions 2: the action has no owner")[0][0] == "actions 2"
