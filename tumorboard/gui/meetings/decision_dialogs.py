"""Dialogs of the chair and of follow-up: quorum override, sign-off, amendment, implementation."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QStackedWidget,
    QWidget,
)

from tumorboard.domain.meeting import (
    AMENDABLE_FIELDS,
    DecisionCategory,
    DeviationReason,
    ImplementationOutcome,
    NonImplementationReason,
)
from tumorboard.gui.widgets.form_dialog import FormDialog
from tumorboard.store.meeting_records import FollowUpRecord

CATEGORY_LABELS = {c: c.label for c in DecisionCategory}
# On the form the clinician-judgement reason asks for the explanation typed below it.
REASON_LABELS = {r: r.label + (" (explain below)" if r is DeviationReason.CLINICIAN_JUDGEMENT else "")
                 for r in DeviationReason}
OUTCOME_LABELS = {ImplementationOutcome.FULLY: "Carried out fully", ImplementationOutcome.PARTLY: "Partly",
                  ImplementationOutcome.NOT_DONE: "Not done"}
NON_IMPLEMENTATION_LABELS = {
    NonImplementationReason.PATIENT_WISH: "Patient's wish", NonImplementationReason.DEATH: "Death",
    NonImplementationReason.CLINICAL_CHANGE: "Clinical change",
    NonImplementationReason.PHYSICIAN_DECISION: "Physician's decision",
    NonImplementationReason.OTHER: "Other (say what in the note)",
}
# Amendable fields of a decision, and "note" for the meeting as a whole (their one home: the domain).
AMEND_FIELDS = list(AMENDABLE_FIELDS.items())


def text_box(text: str = "", placeholder: str = "", lines: int = 3) -> QPlainTextEdit:
    """A plain-text field about ``lines`` lines high (it scrolls beyond); Tab moves on."""
    box = QPlainTextEdit(text)
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)
    frame = 2 * (box.frameWidth() + int(box.document().documentMargin())) + 2
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + frame)
    return box


class QuorumOverrideDialog(FormDialog):
    """The chair records why the board proceeds without its quorum."""

    def __init__(self, chair: str, missing: str, parent: QWidget | None = None) -> None:
        super().__init__("Chair's quorum override",
                         f"{missing}. The chair may let the board decide anyway; the reason is printed in "
                         "the minutes with every decision taken without quorum.", parent,
                         ok_text="&Record override")
        self.chair = QLineEdit(chair)
        self.reason = text_box(placeholder="Why the board cannot wait (required)")
        self.row("&Chair:", self.chair, "chair")
        self.row("&Reason:", self.reason, "reason")


class ReplaceDecisionDialog(FormDialog):
    """A decision is already recorded: replacing it needs the reason; the earlier one is kept."""

    def __init__(self, case: str, parent: QWidget | None = None) -> None:
        super().__init__("Replace the recorded decision",
                         f"A decision is already recorded for {case} at this meeting. Saving replaces it; "
                         "the earlier decision stays in the record and the audit trail with the reason "
                         "given here.", parent, ok_text="&Replace decision")
        self.reason = text_box(placeholder="Why the recorded decision is replaced (required)")
        self.row("&Reason:", self.reason, "replace reason", "reason", "decision")


class SignOffDialog(FormDialog):
    """The chair confirms: the closed meeting's minutes are rendered, signed with the chair's key
    (opened with their password) and hashed, read-only after."""

    def __init__(self, chair: str, carried: int = 0, parent: QWidget | None = None, *,
                 with_password: bool = False) -> None:
        super().__init__("Sign off the minutes",
                         "Signing renders the minutes of the closed meeting, signs the PDF with your "
                         "signing key (any PDF reader then shows who signed, when, and that nothing "
                         "changed) and keeps it with its SHA-256. The meeting becomes read-only: "
                         "corrections afterwards are amendments with a reason, and the signed original "
                         "is kept.", parent, ok_text="&Sign off")
        self.chair = QLineEdit(chair)
        self.row("Signed by (&chair):", self.chair, "chair")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("Your password: it opens your signing key")
        if with_password:
            self.row("Your &password:", self.password, "password")


class AmendDialog(FormDialog):
    """A correction to a signed meeting: which decision field, the new value and why."""

    def __init__(self, cases: Sequence[tuple[str, str]], current: str | None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Amend signed minutes", "The signed original is kept; the amendment records what "
                         "changed, why and who changed it.", parent, ok_text="&Record amendment")
        self.case = QComboBox()
        for mrn, label in cases:
            self.case.addItem(label, mrn)
        if current is not None and self.case.findData(current) >= 0:
            self.case.setCurrentIndex(self.case.findData(current))
        self.field = QComboBox()
        for key, label in AMEND_FIELDS:
            self.field.addItem(label, key)
        self.value_text = text_box(placeholder="The corrected value")
        self.value_choice = QComboBox()
        self.value_choice.setAccessibleName("New value (choice)")
        self.value = QStackedWidget()
        self.value.addWidget(self.value_text)
        self.value.addWidget(self.value_choice)
        self.value.setFixedHeight(self.value_text.maximumHeight())  # not the text box's 192 px hint
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Why the record is corrected (required)")
        self.row("&Case:", self.case, "case")
        self.row("&Field:", self.field, "field")
        self.row("&New value:", self.value, "value", *[k for k, _ in AMEND_FIELDS])
        self.value_text.setAccessibleName("New value")
        self.row("&Reason:", self.reason, "reason")
        self.field.currentIndexChanged.connect(self._on_field_changed)
        self._on_field_changed()

    def chosen(self) -> tuple[str | None, str, str, str]:
        """(mrn or None for a note, field, new value, reason)."""
        key = str(self.field.currentData())
        value = (str(self.value_choice.currentData()) if self.value.currentIndex() == 1
                 else self.value_text.toPlainText())
        mrn = None if key == "note" else self.case.currentData()
        return mrn, key, value, self.reason.text()

    def _on_field_changed(self, _index: int = 0) -> None:
        key = self.field.currentData()
        choices: list[tuple[str, str]] = []
        if key == "category":
            choices = [(c.value, label) for c, label in CATEGORY_LABELS.items()]
        elif key == "deviation_reason":
            choices = [(r.value, label) for r, label in REASON_LABELS.items()]
        elif key == "concordant":
            choices = [("yes", "Yes, follows the guideline"), ("no", "No, deviates from it")]
        self.value_choice.clear()
        for value, label in choices:
            self.value_choice.addItem(label, value)
        self.value.setCurrentIndex(1 if choices else 0)
        self.case.setEnabled(key != "note")


class ImplementationDialog(FormDialog):
    """Whether a board decision was carried out, and if not fully, why."""

    def __init__(self, record: FollowUpRecord, parent: QWidget | None = None) -> None:
        super().__init__("Implementation check",
                         f"{record.name or record.mrn} ({record.mrn}), decided on "
                         f"{record.meeting_day.isoformat()}: {record.text}", parent,
                         ok_text="&Record outcome")
        self.record = record
        self.outcome = QComboBox()
        for outcome, label in OUTCOME_LABELS.items():
            self.outcome.addItem(label, outcome)
        self.reason = QComboBox()
        self.reason.addItem("(choose the reason)", None)
        for reason, label in NON_IMPLEMENTATION_LABELS.items():
            self.reason.addItem(label, reason)
        self.note = text_box(placeholder="What happened (required for \"other\")")
        self.row("&Outcome:", self.outcome, "outcome")
        self.row("&Reason:", self.reason, "reason")
        self.row("&Note:", self.note, "note")
        self.outcome.currentIndexChanged.connect(self._on_outcome_changed)
        self._on_outcome_changed()

    def chosen(self) -> tuple[ImplementationOutcome, NonImplementationReason | None, str | None]:
        outcome = ImplementationOutcome(self.outcome.currentData())
        reason = self.reason.currentData() if outcome is not ImplementationOutcome.FULLY else None
        return (outcome, NonImplementationReason(reason) if reason else None,
                self.note.toPlainText().strip() or None)

    def _on_outcome_changed(self, _index: int = 0) -> None:
        self.reason.setEnabled(ImplementationOutcome(self.outcome.currentData()) is not
                               ImplementationOutcome.FULLY)
