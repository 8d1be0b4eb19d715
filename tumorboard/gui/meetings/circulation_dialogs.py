"""After sign-off, from the meeting's window: the outcome letters (one per discussed case, saved
into a folder) and sending the minutes or the agenda to the board (SMTP, or .eml files).

Thin: the letter and mailing services decide and record; these show who gets what and say
plainly what happened, including who got a message when a send stopped half way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tumorboard.gui.widgets.background import run_with_progress
from tumorboard.gui.widgets.form_errors import USER_ERRORS, error_label
from tumorboard.private_files import write_private
from tumorboard.services.circulation_settings import CirculationSettingsService
from tumorboard.services.letters import LetterService, WrittenLetter
from tumorboard.services.mailing import Document, MailingService, SendReport
from tumorboard.services.meetings import MeetingService
from tumorboard.services.settings import SettingsError

ERRORS: tuple[type[BaseException], ...] = (*USER_ERRORS, SettingsError)


def _button(text: str) -> QPushButton:
    button = QPushButton(text)
    button.setAccessibleName(text.replace("&", "").rstrip("."))
    return button


def _table(headers: list[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setAccessibleName(name)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(value))


class LettersDialog(QDialog):
    def __init__(self, meetings: MeetingService, meeting_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.meeting_id = meeting_id
        self.letters = LetterService(meetings.db, meetings.actor, user=meetings.user)
        meeting = meetings.get(meeting_id)
        self.setWindowTitle(f"Outcome letters: {meeting.board.name}, {meeting.day.isoformat()}")
        self.setAccessibleName("Outcome letters")
        self.resize(860, 460)
        self._runner: Any = None
        self.written: list[WrittenLetter] = []
        layout = QVBoxLayout(self)
        intro = QLabel("One letter per discussed case, from the signed minutes, to the referrer or GP "
                       "recorded with the case (its referral). A letter for a decision amended after "
                       "sign-off says so.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = _table(["Case", "To", "Copy to GP", "Decision"], "Letters")
        layout.addWidget(self.table, 1)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Letters written")
        layout.addWidget(self.status)
        self.problem = error_label("Letters problem")
        layout.addWidget(self.problem)
        bar = QHBoxLayout()
        bar.addStretch(1)
        self.save = _button("&Save all to a folder...")
        close = _button("&Close")
        bar.addWidget(self.save)
        bar.addWidget(close)
        layout.addLayout(bar)
        self.save.clicked.connect(self._on_save_clicked)
        close.clicked.connect(self.accept)
        self.reload()

    def reload(self) -> None:
        try:
            letters = self.letters.outcome_letters(self.meeting_id)
        except ERRORS as exc:
            self._refuse(str(exc))
            self.save.setEnabled(False)
            return
        _fill(self.table, [[letter.patient.label,
                            letter.recipient or "no referrer or GP recorded: add them to the case",
                            letter.gp_name if letter.referring_clinician and letter.gp_name else "",
                            "amended after sign-off" if letter.amended else "as signed"]
                           for letter in letters])
        self.save.setEnabled(bool(letters))
        if not letters:
            self.status.setText("No case was discussed at this meeting: there is no letter to write.")

    def _refuse(self, message: str) -> None:
        self.problem.setText(message)
        self.problem.setVisible(True)

    def save_to(self, folder: Path) -> None:
        """Write every letter into ``folder`` (recorded as an export first), in the background."""
        letters, meeting_id = self.letters, self.meeting_id

        def work(_progress: object) -> list[WrittenLetter]:
            written = letters.write_letters(meeting_id)
            for w in written:
                write_private(folder / w.file_name, w.pdf)
            return written

        def done(result: object) -> None:
            self._runner = None
            self.written = list(result) if isinstance(result, list) else []
            missing = sum(1 for w in self.written if w.recipient is None)
            self.status.setText(f"{len(self.written)} letter(s) saved to {folder}"
                                + (f"; {missing} name no recipient (no referrer or GP recorded)." if missing
                                   else "."))

        def failed(message: str) -> None:
            self._runner = None
            self._refuse(f"The letters were not saved: {message}")

        self.problem.setVisible(False)
        self._runner = run_with_progress(self, "Writing the letters", work, done, failed, (*ERRORS, OSError))

    def _on_save_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Save the letters into")
        if folder:
            self.save_to(Path(folder))


class SendDialog(QDialog):
    """Who gets the minutes (members present) or the agenda (members listed), and how."""

    def __init__(self, meetings: MeetingService, meeting_id: int, document: Document,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.meetings = meetings
        self.meeting_id = meeting_id
        self.document = document
        self.mailing = MailingService(meetings.db, meetings.actor, user=meetings.user, notify=meetings.notify)
        self.mail = CirculationSettingsService(meetings.db).mail()
        self.report: SendReport | None = None
        self._runner: Any = None
        meeting = meetings.get(meeting_id)
        what = "minutes" if document == "minutes" else "agenda"
        self.setWindowTitle(f"Send the {what}: {meeting.board.name}, {meeting.day.isoformat()}")
        self.setAccessibleName(f"Send the {what}")
        self.resize(820, 480)
        layout = QVBoxLayout(self)
        who = ("every member marked present" if document == "minutes"
               else "every member listed for the meeting")
        how = (f"through {self.mail.host}:{self.mail.port} from {self.mail.sender}" if self.mail.configured
               else "no SMTP server is configured (department settings): one .eml file per person is "
                    "written into a folder, to send from any mail program")
        kind = ("pseudonymised (no patient named)" if self.mail.pseudonymise_attachments
                else "naming the patients" + (" (the signed original)" if document == "minutes" else ""))
        self.info = QLabel(f"The {what} go to {who}, one message each, {how}. Attachment: {kind}. "
                           "Every message sent is recorded.")
        self.info.setWordWrap(True)
        layout.addWidget(self.info)
        self.table = _table(["Recipient", "E-mail address"], "Recipients")
        layout.addWidget(self.table, 1)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Sent")
        layout.addWidget(self.status)
        self.problem = error_label("Sending problem")
        layout.addWidget(self.problem)
        bar = QHBoxLayout()
        self.set_address = _button("Set &address...")
        bar.addWidget(self.set_address)
        bar.addStretch(1)
        self.send = _button("&Send")
        self.send.setVisible(self.mail.configured)
        self.eml = _button("Write .&eml files...")
        close = _button("&Close")
        for b in (self.send, self.eml, close):
            bar.addWidget(b)
        layout.addLayout(bar)
        self.set_address.clicked.connect(self._on_set_address_clicked)
        self.send.clicked.connect(lambda: self.start(None))
        self.eml.clicked.connect(self._on_eml_clicked)
        close.clicked.connect(self.accept)
        self.reload()

    def recipients(self) -> list[str]:
        meeting = self.meetings.get(self.meeting_id)
        return [a.name for a in meeting.attendance if a.present or self.document == "agenda"]

    def reload(self) -> None:
        addresses = {k.lower(): v for k, v in self.mailing.addresses().items()}
        people = self.recipients()
        _fill(self.table, [[p, addresses.get(p.lower(), "no address: set one")] for p in people])
        missing = [p for p in people if p.lower() not in addresses]
        self.send.setEnabled(bool(people) and not missing)
        self.eml.setEnabled(bool(people) and not missing)
        if missing:
            self.status.setText(f"{len(missing)} recipient(s) without an e-mail address: select one and "
                                "choose Set address.")
        else:
            self.status.setText("")

    def _on_set_address_clicked(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        item = self.table.item(row, 0)
        if item is None:
            return
        name = item.text()
        email, ok = QInputDialog.getText(self, "E-mail address", f"E-mail address of {name}:")
        if ok:
            self.record_address(name, email)

    def record_address(self, name: str, email: str) -> bool:
        try:
            self.mailing.set_address(name, email)
        except ERRORS as exc:
            self.problem.setText(str(exc))
            self.problem.setVisible(True)
            return False
        self.problem.setVisible(False)
        self.reload()
        return True

    def _on_eml_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Write the .eml files into")
        if folder:
            self.start(Path(folder))

    def start(self, eml_dir: Path | None) -> None:
        """Send (or write .eml files) in the background; the result or the refusal is shown here."""
        mailing, meeting_id, document = self.mailing, self.meeting_id, self.document

        def work(_progress: object) -> SendReport:
            return mailing.send(meeting_id, document, eml_dir=eml_dir)

        def done(result: object) -> None:
            self._runner = None
            if isinstance(result, SendReport):
                self.report = result
                how = "written as .eml files" if result.via == "eml" else "sent"
                self.status.setText(f"{len(result.sent)} message(s) {how}: "
                                    + ", ".join(r.name for r in result.sent) + ".")
            self.send.setEnabled(True)
            self.eml.setEnabled(True)

        def failed(message: str) -> None:
            self._runner = None
            self.problem.setText(message)
            self.problem.setVisible(True)
            self.send.setEnabled(True)
            self.eml.setEnabled(True)

        self.problem.setVisible(False)
        self.send.setEnabled(False)
        self.eml.setEnabled(False)
        self._runner = run_with_progress(self, "Sending", work, done, failed, ERRORS)
