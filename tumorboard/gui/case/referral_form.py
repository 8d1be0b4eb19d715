"""New referral (Ctrl+N): a blank case typed in a form and saved as a new case in status
"referred". The form is the case editor itself over a shorter list of fields (same widgets, same
inline validation: one rule, one place); every clinical choice starts "not recorded"."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from tumorboard.casedoc import FORMAT, case_from_document
from tumorboard.domain.referral import ReferralError
from tumorboard.domain.workflow import WorkflowStatus
from tumorboard.gui.case.case_editor import CaseEditor
from tumorboard.gui.case.editor_fields import FIELDS, LESIONS, FieldSpec
from tumorboard.gui.case.referral_section import ReferralSection
from tumorboard.gui.widgets.form_errors import USER_ERRORS
from tumorboard.gui.widgets.screen_fit import LAPTOP, TASKBAR
from tumorboard.services.cases import CaseService
from tumorboard.store import RecordExists

MRN = "/patient/mrn"
REFUSALS: tuple[type[BaseException], ...] = (*USER_ERRORS, ReferralError)
REFERRAL_SECTIONS = ("Patient", "Tumour and biology", "TNM at diagnosis", "Metastatic disease")


def _not_preselected(spec: FieldSpec) -> FieldSpec:
    """A referral's field with no answer chosen for the clinician: a choice or a yes/no starts
    blank ("not recorded"), never on its first value or on "no"."""
    if spec.kind == "flag" or spec.kind == "tristate":
        return replace(spec, kind="tristate", options=("", "yes", "no"))
    if spec.kind == "choice" and "" not in spec.options:
        return replace(spec, options=("", *spec.options))
    return spec


REFERRAL_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(MRN, "Record number (MRN)", "text", section="Patient"),
    *(_not_preselected(s) for s in FIELDS if s.section in REFERRAL_SECTIONS),
)


def blank_case() -> dict[str, object]:
    """The document a referral starts from: nothing recorded but the site the board treats."""
    return {"format": FORMAT, "patient": {}, "tumour": {"primary_site": "breast"},
            "metastatic": {"lesions": []}}


class ReferralDialog(QDialog):
    created = Signal(str)
    """Emitted with the MRN once the referral is saved as a new case."""

    def __init__(self, service: CaseService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.setWindowTitle("New referral")
        self.setAccessibleName("New referral")
        layout = QVBoxLayout(self)
        intro = QLabel("Register a referral as a new case (status: referred). Fields marked in red need "
                       "attention; nothing is chosen for you, and what you type is kept until it is saved.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.editor = CaseEditor(fields=REFERRAL_FIELDS, lists=(LESIONS,))
        self.editor.quiet_required = True
        self.referral = ReferralSection(service.today())
        body = QWidget()
        column = QVBoxLayout(body)
        column.addWidget(self.referral)
        column.addWidget(self.editor, 1)
        self.editor.changed.connect(self._on_editor_changed)
        self.editor.load(blank_case())
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout.addWidget(scroll, 1)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #d32f2f;")
        self.message.setAccessibleName("New referral: problem")
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setText("&Register referral")
        save.setAccessibleName("Register referral")
        self.buttons.accepted.connect(self.register)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(min(760, LAPTOP.width()), LAPTOP.height() - TASKBAR - 60)

    def _on_editor_changed(self) -> None:
        born = (self.editor.candidate or {}).get("patient", {}).get("birth_date")
        try:
            self.referral.set_birth_date(date.fromisoformat(born) if isinstance(born, str) else None)
        except ValueError:
            self.referral.set_birth_date(None)

    def register(self) -> bool:
        """Save the referral; on a refusal the form stays open with everything typed."""
        editor = self.editor
        editor.reveal_required()
        referral = self.referral.typed()
        if not editor.valid or editor.candidate is None or not self.referral.valid or referral is None:
            self.message.setText("Not saved: some fields need attention (marked in red).")
            return False
        try:
            case = case_from_document(editor.candidate)
            self.service.create(case, WorkflowStatus.REFERRED, referral=referral)
        except RecordExists as exc:
            editor.show_problem(MRN, str(exc))
            self.message.setText("Not saved: the record number is taken.")
            return False
        except REFUSALS as exc:
            self.message.setText(f"Not saved: {exc}")
            return False
        self.created.emit(case.patient.mrn)
        self.accept()
        return True
