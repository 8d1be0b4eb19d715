"""The referral section of the new-referral form and the case editor: referral date, referring
clinician, the patient's GP and address. Checked inline by the domain's one rule
(``domain.referral.check_referral``), each problem under its field; nothing typed is lost."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from tumorboard.domain.referral import NOT_RECORDED, Referral, check_referral, cleaned

ERROR_STYLE = "border: 2px solid #d32f2f;"
LABELS = {"referral_date": "Referral date", "referring_clinician": "Referring clinician",
          "gp_name": "GP name", "gp_address": "GP address"}


class ReferralSection(QGroupBox):
    changed = Signal()

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__("Referral", parent)
        self.today = today
        self.birth_date: date | None = None
        self.problems: dict[str, str] = {}
        self._initial = NOT_RECORDED
        form = QFormLayout(self)
        self.referral_date = QLineEdit()
        self.referral_date.setPlaceholderText("YYYY-MM-DD")
        self.referring_clinician = QLineEdit()
        self.gp_name = QLineEdit()
        self.gp_address = QPlainTextEdit()
        self.gp_address.setTabChangesFocus(True)
        self.gp_address.setFixedHeight(self.fontMetrics().lineSpacing() * 4)
        self.widgets: dict[str, QWidget] = {
            "referral_date": self.referral_date, "referring_clinician": self.referring_clinician,
            "gp_name": self.gp_name, "gp_address": self.gp_address}
        self.messages: dict[str, QLabel] = {}
        for name, widget in self.widgets.items():
            widget.setAccessibleName(LABELS[name])
            message = QLabel("")
            message.setStyleSheet("color: #d32f2f;")
            message.setWordWrap(True)
            message.setVisible(False)
            message.setAccessibleName(f"{LABELS[name]} problem")
            holder = QWidget()
            col = QVBoxLayout(holder)
            col.setContentsMargins(0, 0, 0, 0)
            col.addWidget(widget)
            col.addWidget(message)
            form.addRow(LABELS[name], holder)
            self.messages[name] = message
        for edit in (self.referral_date, self.referring_clinician, self.gp_name):
            edit.textEdited.connect(self._recheck)
        self.gp_address.textChanged.connect(self._recheck)

    def load(self, referral: Referral, birth_date: date | None) -> None:
        self._initial = referral
        self.birth_date = birth_date
        self.referral_date.setText(referral.referral_date.isoformat() if referral.referral_date else "")
        self.referring_clinician.setText(referral.referring_clinician or "")
        self.gp_name.setText(referral.gp_name or "")
        self.gp_address.setPlainText(referral.gp_address or "")
        self._recheck()

    def set_birth_date(self, birth_date: date | None) -> None:
        if birth_date != self.birth_date:
            self.birth_date = birth_date
            self._recheck()

    def typed(self) -> Referral | None:
        """The referral as typed, or None while the date cannot be read."""
        text = self.referral_date.text().strip()
        try:
            when = date.fromisoformat(text) if text else None
        except ValueError:
            return None
        return cleaned(Referral(when, self.referring_clinician.text(), self.gp_name.text(),
                                self.gp_address.toPlainText()))

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def dirty(self) -> bool:
        return self.typed() != cleaned(self._initial)

    def _recheck(self) -> None:
        referral = self.typed()
        problems: dict[str, str] = {}
        if referral is None:
            problems["referral_date"] = f"{self.referral_date.text().strip()!r} is not a date (YYYY-MM-DD)"
        else:
            born = self.birth_date or date.min
            problems.update(check_referral(referral, birth_date=born, today=self.today))
        self.problems = problems
        for name, widget in self.widgets.items():
            message = problems.get(name, "")
            widget.setStyleSheet(ERROR_STYLE if message else "")
            self.messages[name].setText(message)
            self.messages[name].setVisible(bool(message))
        self.changed.emit()
