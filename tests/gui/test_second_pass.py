"""The desktop app's second pass: the new-referral form, Home as full-width tables whose counts
are their lists, the Actions tab, the MDT record tab and History table, DEMO in every title."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QComboBox, QLineEdit
from pytestqt.qtbot import QtBot

from tumorboard.domain.workflow import WorkflowStatus
from tumorboard.gui.case.referral_form import MRN, REFERRAL_FIELDS, ReferralDialog
from tumorboard.gui.main_window import MainWindow
from tumorboard.services.accounts import AccountService
from tumorboard.services.cases import CaseService, WorklistQuery
from tumorboard.services.home import home_lists
from tumorboard.services.meetings import MeetingService
from tumorboard.store import Database

TODAY = date(2026, 11, 28)


@pytest.fixture
def meetings(demo_db: Database, service: CaseService) -> MeetingService:
    return MeetingService(demo_db, today=lambda: TODAY, user=service.user)


@pytest.fixture
def window(qtbot: QtBot, service: CaseService, meetings: MeetingService, demo_db: Database) -> MainWindow:
    w = MainWindow(service, "test database", today=TODAY, meetings=meetings)
    assert service.user is not None
    w.set_signed_in(service.user, AccountService(demo_db))
    qtbot.addWidget(w)
    w.show()
    return w


def _type(dialog: ReferralDialog, pointer: str, text: str) -> None:
    widget = dialog.editor.widget_for(pointer)
    if isinstance(widget, QComboBox):
        index = widget.findData(text)
        assert index >= 0, (pointer, text)
        widget.setCurrentIndex(index)
    else:
        assert isinstance(widget, QLineEdit)
        widget.setText(text)
        widget.textEdited.emit(text)


VALID = {MRN: "REF-0001", "/patient/birth_date": "1961-04-02", "/patient/sex": "female",
         "/tumour/diagnosis_date": "2026-10-01", "/tumour/t": "T2", "/tumour/n": "N1", "/tumour/m": "M1",
         "/tumour/primary_intact": "yes", "/tumour/er_percent": "80"}


def test_no_clinical_answer_is_chosen_for_the_clinician(window: MainWindow) -> None:
    dialog = window.new_referral()
    assert dialog is not None
    combos = [s for s in REFERRAL_FIELDS if s.kind in ("choice", "tristate")]
    assert len(combos) >= 10
    for spec in combos:
        widget = dialog.editor.widget_for(spec.pointer)
        assert isinstance(widget, QComboBox)
        assert widget.currentData() == "" and widget.currentText() == "(not recorded)", spec.pointer
    her2 = dialog.editor.widget_for("/tumour/her2_ish")
    assert isinstance(her2, QComboBox) and her2.findText("not amplified") >= 0 and her2.findText("not_amplified") < 0


def test_a_referral_is_registered_as_a_new_referred_case_and_opened(
        qtbot: QtBot, window: MainWindow, service: CaseService) -> None:
    dialog = window.new_referral()
    assert dialog is not None
    for pointer, text in VALID.items():
        _type(dialog, pointer, text)
    dialog.referral.referring_clinician.setText("Dr Amara Osei")
    dialog.referral.referring_clinician.textEdited.emit("Dr Amara Osei")
    dialog.referral.referral_date.setText("2026-11-20")
    dialog.referral.referral_date.textEdited.emit("2026-11-20")
    assert dialog.editor.valid, dialog.editor.problems
    assert dialog.register()
    record = service.get("REF-0001")
    assert record.status is WorkflowStatus.REFERRED and record.case.tumour.er_percent == 80
    assert record.referral.referring_clinician == "Dr Amara Osei"
    assert record.referral.referral_date == date(2026, 11, 20)
    assert window.case_view.record is not None and window.case_view.record.case.patient.mrn == "REF-0001"
    assert window.case_view.isVisible()


def test_invalid_fields_are_named_under_each_field_and_nothing_typed_is_lost(window: MainWindow) -> None:
    dialog = window.new_referral()
    assert dialog is not None
    assert dialog.editor.message_for(MRN) == "" and not dialog.editor.valid  # opens quiet, not all red
    assert not dialog.register()  # blank: refused, the required fields say so under themselves
    for pointer in (MRN, "/patient/birth_date", "/patient/sex", "/tumour/t", "/tumour/primary_intact"):
        assert dialog.editor.message_for(pointer).startswith("required"), pointer
    _type(dialog, MRN, "bad mrn!")
    _type(dialog, "/patient/birth_date", "1961-13-40")
    _type(dialog, "/tumour/er_percent", "eighty")
    assert "eighty" in dialog.editor.message_for("/tumour/er_percent")
    assert dialog.editor.message_for("/patient/birth_date")
    assert dialog.editor.message_for(MRN) and not dialog.editor.message_for(MRN).startswith("required")
    dialog.referral.referral_date.setText("2099-01-01")
    dialog.referral.referral_date.textEdited.emit("2099-01-01")
    assert "future" in dialog.referral.problems["referral_date"]
    assert not dialog.register() and dialog.isVisible()
    er = dialog.editor.widget_for("/tumour/er_percent")
    assert isinstance(er, QLineEdit) and er.text() == "eighty"


def test_a_record_number_already_taken_is_refused_by_its_field(
        window: MainWindow, service: CaseService) -> None:
    dialog = window.new_referral()
    assert dialog is not None
    for pointer, text in {**VALID, MRN: "DEMO-0001"}.items():
        _type(dialog, pointer, text)
    before = service.get("DEMO-0001")
    assert not dialog.register()
    assert "DEMO-0001 already exists" in dialog.editor.message_for(MRN)
    assert service.get("DEMO-0001") == before and dialog.isVisible()


def test_home_is_full_width_with_counts_equal_to_its_lists(window: MainWindow, service: CaseService) -> None:
    assert not window.case_view.isVisible()  # no case open: Home, not an empty editor
    lists = home_lists(service)
    assert lists.overdue and lists.missing  # the demo has both
    for key, rows in (("overdue", lists.overdue), ("due", lists.due), ("ready", lists.ready),
                      ("missing", lists.missing)):
        model = window.dashboard.models[key]
        assert model.rowCount() == len(rows)
        assert window.dashboard.boxes[key].title().endswith(f": {len(rows)}")
        assert [model.index(r, 1).data() for r in range(model.rowCount())] == [r.mrn for r in rows]
    assert all(r.window_status == "overdue" for r in lists.overdue)
    # The counts by status come from the table the database's triggers keep; they agree with the
    # list read from the cases themselves, and with the line Home shows.
    assert lists.by_status[WorkflowStatus.READY_FOR_MDT] == len(lists.ready) and not lists.truncated
    assert sum(lists.by_status.values()) == len(service.worklist(WorklistQuery(limit=10_000)))
    shown = window.dashboard.counts.text()
    assert f"{WorkflowStatus.READY_FOR_MDT.label} {len(lists.ready)}" in shown
    assert f"({sum(lists.by_status.values())} in all)" in shown
    assert window.action_service is not None
    due = window.action_service.actions(due_by=date(2026, 12, 12))
    assert len(due) == 2 and window.dashboard.actions_due.rowCount() == len(due)
    assert window.dashboard.actions_box.title() == f"Actions due ({len(due)})"
    model = window.dashboard.models["overdue"]
    window.dashboard.views["overdue"].doubleClicked.emit(model.index(0, 0))
    assert window.case_view.isVisible() and window.case_view.record is not None
    assert window.case_view.record.case.patient.mrn == lists.overdue[0].mrn
    assert window.close_case() and not window.case_view.isVisible()


def test_demo_is_in_every_title(window: MainWindow, meetings: MeetingService) -> None:
    assert "DEMO" in window.windowTitle()
    window.open_case("DEMO-0009")
    assert "DEMO" in window.windowTitle() and "DEMO-0009" not in window.windowTitle().split(" - ")[0]
    meeting = window.open_meeting(meetings.listing()[0].id)
    assert meeting is not None and "DEMO" in meeting.windowTitle()
    meeting.close()


def test_mdt_record_lists_the_decision_its_recommendation_and_an_amendment(
        qtbot: QtBot, window: MainWindow, meetings: MeetingService) -> None:
    signed = next(m.id for m in meetings.listing() if m.signed)
    window.open_case("DEMO-0014")
    text = window.case_view.mdt_record.text()
    assert "1 MDT decision(s), newest first" in text and "Breast MDT" in text
    assert "Recommendation seen" in text and "ruleset ombc" in text and "stage IV" in text
    assert "Dental review before denosumab" in text and "due 2026-12-10" in text
    assert "the board decided" in text  # decision support, not decision making
    meetings.amend(signed, "DEMO-0014", "text", "Letrozole with ribociclib (corrected)", "dose typo")
    qtbot.waitUntil(lambda: "amended text" in window.case_view.mdt_record.text())
    assert "Letrozole with ribociclib (corrected)" in window.case_view.mdt_record.text()
    history = window.case_view.history.model_
    assert history.rowCount() > 0 and history.COLUMNS[:3] == ("When (UTC)", "Who", "What")
    assert history.index(history.rowCount() - 1, 2).data() == "created"  # newest first, creation last


def test_an_action_is_marked_done_in_the_actions_tab_and_the_record_says_so(
        qtbot: QtBot, window: MainWindow) -> None:
    view = window.actions_view
    window.tabs.setCurrentWidget(view)
    assert view.model.rowCount() == 3
    row = next(r for r in range(view.model.rowCount()) if view.model.item_at(r).mrn == "DEMO-0014")
    view.table.setCurrentIndex(view.model.index(row, 0))
    assert view.mark_done.isEnabled()
    dialog = view.ask_mark_done()
    assert dialog is not None
    dialog.note.setText("seen 2 Dec")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: view.model.rowCount() == 2)
    view.show_done.setChecked(True)
    done = next(view.model.item_at(r) for r in range(view.model.rowCount()) if view.model.item_at(r).done)
    assert done.mrn == "DEMO-0014" and done.note == "seen 2 Dec" and done.done_by == "demo-chair"
    window.open_case("DEMO-0014")
    assert "done 20" in window.case_view.mdt_record.text() and "seen 2 Dec" in window.case_view.mdt_record.text()


def test_the_case_editor_records_the_referral_and_refuses_a_bad_date_by_its_field(
        window: MainWindow, service: CaseService) -> None:
    window.open_case("DEMO-0009")
    before = service.get("DEMO-0009").referral
    section = window.case_view.referral
    section.gp_name.setText("Dr Lotte Berg")
    section.gp_name.textEdited.emit("Dr Lotte Berg")
    section.referral_date.setText("2026-02-30")
    section.referral_date.textEdited.emit("2026-02-30")
    assert "not a date" in section.problems["referral_date"] and window.case_view.dirty
    assert not window.save_case()
    assert service.get("DEMO-0009").referral == before and before.gp_name != "Dr Lotte Berg"
    section.referral_date.setText("2026-11-02")
    section.referral_date.textEdited.emit("2026-11-02")
    assert window.save_case()
    saved = service.get("DEMO-0009").referral
    assert (saved.gp_name, saved.referral_date) == ("Dr Lotte Berg", date(2026, 11, 2))
    assert not window.case_view.dirty
    assert any(h.action == "referral" for h in service.history("DEMO-0009"))
