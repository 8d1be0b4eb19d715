"""The agenda PDF from the planner, review requests in the agenda item form, letters and sending
from the meeting's window, and the letterhead / e-mail settings form."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tumorboard.domain.users import User
from tumorboard.gui.accounts.department_dialog import DepartmentDialog
from tumorboard.gui.meetings.circulation_dialogs import LettersDialog, SendDialog
from tumorboard.gui.meetings.meeting_dialogs import AgendaItemDialog
from tumorboard.gui.meetings.meeting_window import MeetingWindow
from tumorboard.services.accounts import DEMO_PASSWORD, AccountService
from tumorboard.services.cases import CaseService
from tumorboard.services.circulation_settings import CirculationSettingsService
from tumorboard.services.meetings import MeetingService
from tumorboard.store import Database

SHOTS = os.environ.get("TUMORBOARD_SCREENSHOTS")  # a folder: the screens are saved there to look at


def shoot(widget: QWidget, name: str) -> None:
    """Each changed screen at both screen sizes (set TUMORBOARD_SCREENSHOTS to a folder to look)."""
    if not SHOTS:
        return
    for w, h in ((1366, 768), (1920, 1080)):
        widget.resize(w, h)
        QTest.qWait(1000)  # the PDF view renders its pages in the background
        widget.grab().save(str(Path(SHOTS) / f"{name}-{w}x{h}.png"))


@pytest.fixture
def meetings(demo_db: Database, demo_chair: User) -> MeetingService:
    return MeetingService(demo_db, user=demo_chair)


def _window(qtbot: QtBot, meetings: MeetingService, service: CaseService, *, signed: bool) -> MeetingWindow:
    mid = next(m.id for m in meetings.listing() if m.signed == signed)
    window = MeetingWindow(meetings, service, mid)
    qtbot.addWidget(window)
    window.show()
    return window


def test_review_requests_are_ticked_in_the_agenda_item_form(qtbot: QtBot, meetings: MeetingService,
                                                            service: CaseService) -> None:
    window = _window(qtbot, meetings, service, signed=False)
    planner = window.planner
    planner.agenda_view.selectRow(1)
    planner.edit_item.click()
    dialog = planner.dialog
    assert isinstance(dialog, AgendaItemDialog)
    assert not dialog.imaging_review.isChecked() and not dialog.pathology_review.isChecked()
    dialog.imaging_review.setChecked(True)
    shoot(dialog, "agenda-item")
    dialog._on_buttons_accepted()
    item = meetings.get(window.meeting_id).agenda[1]
    assert item.imaging_review_requested and not item.pathology_review_requested
    tip = planner.agenda.data(planner.agenda.index(1, 1), Qt.ItemDataRole.ToolTipRole)
    assert "Review requested: imaging" in tip and "pathology" not in tip
    shoot(window, "planner")


def test_the_planner_previews_and_saves_the_agenda(qtbot: QtBot, meetings: MeetingService,
                                                   service: CaseService, tmp_path: Path) -> None:
    window = _window(qtbot, meetings, service, signed=False)
    assert window.act_send_agenda.isEnabled() and not window.act_letters.isEnabled()
    assert not window.act_send_minutes.isEnabled()
    window.planner.agenda_pdf.click()
    preview = window.planner.agenda_preview
    qtbot.waitUntil(lambda: preview.save.isEnabled(), timeout=20_000)
    assert preview.document.pageCount() >= 1 and preview.suggested_name().startswith("agenda-")
    shoot(preview, "agenda-preview")
    preview.save_to(tmp_path / "agenda.pdf")
    assert (tmp_path / "agenda.pdf").read_bytes().startswith(b"%PDF")
    with meetings.db.reading() as uow:
        exports = [e for e in uow.audit_log.history("meeting", str(window.meeting_id))
                   if e.action == "export" and e.field == "agenda"]
    assert [e.new_value for e in exports] == ["agenda to a file"]


def test_letters_are_listed_and_saved_from_the_signed_meeting(qtbot: QtBot, meetings: MeetingService,
                                                              service: CaseService, tmp_path: Path) -> None:
    window = _window(qtbot, meetings, service, signed=True)
    assert window.act_letters.isEnabled() and window.act_send_minutes.isEnabled()
    assert not window.act_send_agenda.isEnabled()
    window.act_letters.trigger()
    dialog = window.circulation_dialog
    assert isinstance(dialog, LettersDialog)
    decided = [a for a in meetings.get(window.meeting_id).agenda if a.decision is not None]
    assert dialog.table.rowCount() == len(decided)
    shoot(dialog, "letters")
    dialog.save_to(tmp_path)
    qtbot.waitUntil(lambda: bool(dialog.written), timeout=20_000)
    assert sorted(p.name for p in tmp_path.glob("letter-*.pdf")) == sorted(w.file_name for w in dialog.written)
    assert "saved to" in dialog.status.text()


def test_sending_the_minutes_asks_for_missing_addresses_then_writes_eml_files(
        qtbot: QtBot, meetings: MeetingService, service: CaseService, tmp_path: Path) -> None:
    window = _window(qtbot, meetings, service, signed=True)
    window.act_send_minutes.trigger()
    dialog = window.circulation_dialog
    assert isinstance(dialog, SendDialog)
    people = dialog.recipients()
    assert dialog.table.rowCount() == len(people) and not dialog.eml.isEnabled()
    assert not dialog.send.isVisible()  # no server configured: .eml files only
    assert not dialog.record_address(people[0], "not an address")
    assert "email:" in dialog.problem.text()
    for i, name in enumerate(people):
        assert dialog.record_address(name, f"m{i}@example.org")
    assert dialog.eml.isEnabled()
    shoot(dialog, "send-minutes")
    dialog.start(tmp_path)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=20_000)
    assert len(list(tmp_path.glob("*.eml"))) == len(people)
    assert f"{len(people)} message(s) written as .eml files" in dialog.status.text()


def test_the_letterhead_and_smtp_form_refuses_by_field_and_keeps_what_was_typed(
        qtbot: QtBot, demo_db: Database) -> None:
    admin = AccountService(demo_db).authenticate("demo-admin", DEMO_PASSWORD)
    service = CirculationSettingsService(demo_db, user=admin)
    dialog = DepartmentDialog(service)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.department.setText("Breast Centre")
    dialog.port.setText("twenty-five")
    dialog.sender_address.setText("mdt")
    dialog._on_buttons_accepted()
    assert dialog.isVisible() and dialog.port.text() == "twenty-five"
    labels = dialog.errors.labels
    assert "not a port number" in labels["smtp_port"].text() and labels["smtp_port"].isVisible()
    dialog.port.setText("25")
    dialog._on_buttons_accepted()
    assert "not an e-mail address" in labels["smtp_sender"].text() and not labels["smtp_port"].isVisible()
    shoot(dialog, "department")
    dialog.sender_address.setText("Breast MDT <mdt@example.org>")
    dialog.host.setText("smtp.example.org")
    dialog._on_buttons_accepted()
    assert not dialog.isVisible()
    assert service.mail().host == "smtp.example.org" and service.mail().port == 25
    assert service.letterhead().department == "Breast Centre"
