"""Dialogs of meeting planning: a new meeting, its details, a board member or guest, cases for the
agenda, one agenda item."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDateEdit,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QPushButton,
    QWidget,
)

from tumorboard.domain.meeting import AgendaTriage, BoardRole, Discipline
from tumorboard.gui.meetings.meeting_models import CheckListModel
from tumorboard.gui.widgets.form_dialog import FormDialog
from tumorboard.store.meeting_records import AgendaRecord, MeetingRecord


def line(text: str = "", placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    edit.setPlaceholderText(placeholder)
    edit.setClearButtonEnabled(True)
    return edit


class NewMeetingDialog(FormDialog):
    """Board (chosen or typed), day, start time, place, video link and chair of a new meeting."""

    def __init__(self, boards: Sequence[str], day: date, parent: QWidget | None = None) -> None:
        super().__init__("New meeting", "Plan a meeting of a board. A new board is made first, under "
                         "Meetings > Boards...", parent, ok_text="&Create meeting")
        self.board = QComboBox()
        self.board.addItems(list(boards))
        self.day = QDateEdit(QDate(day.year, day.month, day.day))
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd (dddd)")
        self.start = line("08:00", "HH:MM, for example 08:00")
        self.place = line(placeholder="Room or building")
        self.video_link = line(placeholder="https://...")
        self.chair = line(placeholder="Name of the chair, as they sign")
        self.row("&Board:", self.board, "board", "site")
        self.row("&Date:", self.day, "day", "date")
        self.row("&Time:", self.start, "time", "start")
        self.row("&Place:", self.place, "place")
        self.row("&Video link:", self.video_link, "video_link", "video link")
        self.row("C&hair:", self.chair, "chair")

    def chosen_day(self) -> date:
        d = self.day.date()
        return date(d.year(), d.month(), d.day())

    def values(self) -> dict[str, str | None]:
        def text(edit: QLineEdit) -> str | None:
            return edit.text().strip() or None

        return {"board": self.board.currentText().strip(), "start": text(self.start),
                "place": text(self.place), "video_link": text(self.video_link), "chair": text(self.chair)}


class MeetingDetailsDialog(FormDialog):
    """Start time, place, video link and chair of a planned meeting (the day and board stay: a
    different day is a different meeting, with its own carry-over)."""

    def __init__(self, meeting: MeetingRecord, parent: QWidget | None = None) -> None:
        super().__init__("Meeting details", f"{meeting.board.name}, {meeting.day:%A %d %B %Y}. The change is "
                         "recorded in the audit trail.", parent, ok_text="&Save details")
        self.version = meeting.version  # refused if someone else changed the meeting meanwhile
        self.start = line(meeting.start_time or "", "HH:MM, for example 08:00")
        self.place = line(meeting.place or "", "Room or building")
        self.video_link = line(meeting.video_link or "", "https://...")
        self.chair = line(meeting.chair or "", "Name of the chair, as they sign")
        self.row("&Time:", self.start, "time", "start")
        self.row("&Place:", self.place, "place")
        self.row("&Video link:", self.video_link, "video_link", "video link")
        self.row("C&hair:", self.chair, "chair")

    def values(self) -> dict[str, str | None]:
        return {"start": self.start.text().strip() or None, "place": self.place.text(),
                "video_link": self.video_link.text(), "chair": self.chair.text()}


class GuestDialog(FormDialog):
    """Someone who attends: name, discipline, role. A guest attends this meeting only; the same
    form adds a member to the board's list (``member=True``)."""

    def __init__(self, parent: QWidget | None = None, *, member: bool = False) -> None:
        if member:
            super().__init__("Add board member", "A board member is listed on every meeting planned from "
                             "now on, and on this one (absent until ticked).", parent,
                             ok_text="&Add member")
        else:
            super().__init__("Add guest", "A guest counts towards the quorum for their discipline.", parent,
                             ok_text="&Add guest")
        self.name = line(placeholder="Full name, for example Dr Jana Horváth")
        self.discipline = QComboBox()
        for d in Discipline:
            self.discipline.addItem(d.label, d)
        self.role = QComboBox()
        for r in BoardRole:
            self.role.addItem(r.value.capitalize(), r)
        self.role.setCurrentIndex(self.role.findData(BoardRole.MEMBER))
        self.row("&Name:", self.name, "name")
        self.row("&Discipline:", self.discipline, "discipline")
        self.row("&Role:", self.role, "role")

    def chosen(self) -> tuple[str, Discipline, BoardRole]:
        return (self.name.text().strip(), Discipline(self.discipline.currentData()),
                BoardRole(self.role.currentData()))


class AddCaseDialog(FormDialog):
    """One case by record number (completed from the worklist), with the question for the board."""

    def __init__(self, known: Sequence[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__("Add case", "Put a case on the agenda by its record number.", parent,
                         ok_text="&Add to agenda")
        self.known = dict(known)
        self.mrn = line(placeholder="Record number, for example DEMO-0012")
        completer = QCompleter(sorted(self.known), self.mrn)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.mrn.setCompleter(completer)
        self.question = line(placeholder="What should the board decide?")
        self.presenter = line(placeholder="Who presents the case")
        self.row("&Record number:", self.mrn, "case", "cases", "mrn")
        self.row("&Question:", self.question, "question")
        self.row("&Presenter:", self.presenter, "presenter")

    def chosen_mrn(self) -> str:
        return self.mrn.text().strip()


class SuggestedCasesDialog(FormDialog):
    """Cases ready for the MDT or whose reassessment is due; the user ticks those to add."""

    def __init__(self, suggested: Sequence[tuple[str, str]], parent: QWidget | None = None) -> None:
        intro = ("Cases ready for the MDT or with a reassessment due, not yet on this agenda. Untick those "
                 "that should wait." if suggested else "No case is ready or due that is not already listed.")
        super().__init__("Add suggested cases", intro, parent, ok_text="&Add ticked cases")
        self.model = CheckListModel(self)
        self.model.set_items([(mrn, text, True) for mrn, text in suggested])
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setMinimumHeight(220)
        self.row("&Cases:", self.list, "cases", "case")
        buttons = QWidget()
        row = QHBoxLayout(buttons)
        row.setContentsMargins(0, 0, 0, 0)
        for text, on in (("Tick &all", True), ("&Untick all", False)):
            button = QPushButton(text)
            button.setAccessibleName(text.replace("&", ""))
            button.clicked.connect(lambda _checked=False, value=on: self.model.set_all(value))
            row.addWidget(button)
        row.addStretch(1)
        self.form.addRow("", buttons)


class AgendaItemDialog(FormDialog):
    """The question, presenter and triage of one case on the agenda. A case listed but not
    discussed names the clinician responsible for standard-of-care treatment."""

    def __init__(self, item: AgendaRecord, parent: QWidget | None = None) -> None:
        super().__init__(f"Agenda: {item.name or item.mrn} ({item.mrn})", "", parent, ok_text="&Save")
        self.question = line(item.question or "", "What should the board decide?")
        self.presenter = line(item.presenter or "", "Who presents the case")
        self.triage = QComboBox()
        for triage in AgendaTriage:
            self.triage.addItem(triage.label, triage)
        self.triage.setCurrentIndex(max(self.triage.findData(AgendaTriage(item.triage)), 0))
        self.responsible = line(item.responsible_clinician or "", "Clinician who confirms standard of care")
        self.row("&Question:", self.question, "question")
        self.row("&Presenter:", self.presenter, "presenter")
        self.row("&Triage:", self.triage, "triage")
        self.row("&Responsible clinician:", self.responsible, "responsible clinician",
                 "responsible_clinician")
        self.triage.currentIndexChanged.connect(self._on_triage_changed)
        self._on_triage_changed()

    def chosen_triage(self) -> AgendaTriage:
        return AgendaTriage(self.triage.currentData())

    def _on_triage_changed(self, _index: int = 0) -> None:
        self.responsible.setEnabled(self.chosen_triage() is AgendaTriage.LISTED_NOT_DISCUSSED)
