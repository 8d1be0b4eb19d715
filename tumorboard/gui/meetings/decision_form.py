"""The board's decision for one case, as typed in the meeting room; problems appear beside the
fields and nothing typed is lost when the service refuses."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QListView,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tumorboard.domain.meeting import DecisionCategory, DeviationReason
from tumorboard.gui.meetings.decision_dialogs import CATEGORY_LABELS, REASON_LABELS, text_box
from tumorboard.gui.meetings.meeting_models import ActionsModel, CheckListModel
from tumorboard.gui.widgets.form_errors import FieldErrors, error_label, place_under
from tumorboard.services.meetings import DecisionInput
from tumorboard.store.meeting_records import DecisionRecord


@dataclass(frozen=True, slots=True)
class FormState:
    """Everything typed into the form, so a draft survives moving to another case and back."""

    category: str | None  # None: not chosen yet (a clinical form pre-selects no answer)
    text: str
    concordant: bool | None  # None: the concordance question is not answered yet
    reason: str | None
    reason_text: str
    actions: tuple[tuple[str, str, str], ...]
    preferences: str
    counselling: tuple[tuple[str, str, bool], ...]
    counselling_text: str


def counselling_points(rec: Mapping[str, Any] | None) -> list[str]:
    """The counselling texts of the recommendation's verdicts, in order, without repeats."""
    out: list[str] = []
    for key in ("primary_tumour", "metastasis_directed_therapy"):
        section = (rec or {}).get(key)
        for item in section.get("counselling", []) if isinstance(section, Mapping) else []:
            text = str(item.get("text", "")).strip() if isinstance(item, Mapping) else ""
            if text and text not in out:
                out.append(text)
    return out


class DecisionForm(QWidget):
    save_requested = Signal()
    """Emitted when the user asks to save the decision (the meeting room records it)."""
    override_requested = Signal()
    """Emitted when the user asks to record the chair's quorum override."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Decision form")
        self.version: int | None = None
        self.dirty = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        # The fields scroll; the problems and the Save button below them always stay in view.
        fields = QWidget()
        form = QFormLayout(fields)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.fields_area = QScrollArea()
        self.fields_area.setWidgetResizable(True)
        self.fields_area.setFrameShape(QFrame.Shape.NoFrame)
        self.fields_area.setWidget(fields)
        self.fields_area.setAccessibleName("Decision fields")
        outer.addWidget(self.fields_area, 1)
        self.message = error_label("Decision problems")
        self.errors = FieldErrors(self.message)

        self.category = QComboBox()
        self.category.addItem("(choose the category)", None)
        for category, label in CATEGORY_LABELS.items():
            self.category.addItem(label, category)
        self.text = text_box(placeholder="What the board decided, in the words for the letter", lines=5)
        self.follows = QRadioButton("&Yes, follows the guideline")
        self.deviates = QRadioButton("No, &deviates")
        self.concordance = QButtonGroup(self)
        self.concordance.addButton(self.follows)
        self.concordance.addButton(self.deviates)
        concordance_row = QWidget()
        row = QHBoxLayout(concordance_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.follows)
        row.addWidget(self.deviates)
        row.addStretch(1)
        self.reason = QComboBox()
        self.reason.addItem("(choose the reason)", None)
        for reason, label in REASON_LABELS.items():
            self.reason.addItem(label, reason)
        self.reason_text = text_box(placeholder="Why the board departs from the recommendation")
        self.actions_model = ActionsModel(self)
        self.actions_view = QTableView()
        self.actions_view.setModel(self.actions_model)
        header = self.actions_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        digit = self.fontMetrics().horizontalAdvance("0")
        self.actions_view.setColumnWidth(1, digit * 16)  # an owner's name
        self.actions_view.setColumnWidth(2, max(digit * 14, header.sectionSizeHint(2)))
        row_height = self.actions_view.verticalHeader().defaultSectionSize()
        header_height = self.actions_view.horizontalHeader().sizeHint().height()
        self.actions_view.setFixedHeight(row_height * 4 + header_height + 4)
        self.actions_view.verticalHeader().setVisible(False)
        triggers = QAbstractItemView.EditTrigger
        self.actions_view.setEditTriggers(triggers.DoubleClicked | triggers.EditKeyPressed
                                          | triggers.AnyKeyPressed | triggers.SelectedClicked)
        self.add_action = QPushButton("Add a&ction")
        self.remove_action = QPushButton("Remove action")
        actions_box = QWidget()
        actions_layout = QVBoxLayout(actions_box)
        actions_layout.setContentsMargins(0, 0, 0, 0)
        actions_layout.addWidget(self.actions_view)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_action)
        buttons.addWidget(self.remove_action)
        buttons.addStretch(1)
        actions_layout.addLayout(buttons)
        self.preferences = text_box(placeholder="What matters to the patient")
        self.counselling = CheckListModel(self)
        self.counselling_list = QListView()
        self.counselling_list.setModel(self.counselling)
        self.counselling_list.setWordWrap(True)
        self.counselling_list.setSpacing(3)
        self.counselling_list.setAlternatingRowColors(True)  # long points stay apart
        self.counselling_list.setFixedHeight(self.counselling_list.fontMetrics().lineSpacing() * 9 + 6)
        self.counselling_text = text_box(placeholder="Counselling points delivered, one a line")
        self.counselling_stack = QStackedWidget()
        self.counselling_stack.addWidget(self.counselling_list)
        self.counselling_stack.addWidget(self.counselling_text)

        def add(label: str, widget: QWidget, field: str | None, name: str, *aliases: str) -> None:
            widget.setAccessibleName(name)
            if field is None:
                form.addRow(label, widget)
                return
            problem = self.errors.add(field, error_label(f"{name} problem"), *aliases)
            form.addRow(label, place_under(widget, problem))

        add("Cate&gory:", self.category, "category", "Decision category")
        add("Decisio&n:", self.text, "decision", "Decision text", "text")
        add("Follows the guideline:", concordance_row, "concordance", "Follows the guideline")
        self.follows.setAccessibleName("Follows the guideline")
        self.deviates.setAccessibleName("Deviates from the guideline")
        add("Deviation &reason:", self.reason, None, "Deviation reason")
        add("Deviation e&xplained:", self.reason_text, "deviation_text", "Deviation explained",
            "deviation_reason")
        add("Ac&tions:", actions_box, "actions", "Actions")
        self.actions_view.setAccessibleName("Actions table")
        self.add_action.setAccessibleName("Add action")
        self.remove_action.setAccessibleName("Remove action")
        add("Patient &preferences:", self.preferences, "patient_preferences", "Patient preferences")
        add("Counselling delivered:", self.counselling_stack, "counselling", "Counselling delivered")
        self.counselling_list.setAccessibleName("Counselling points delivered")
        self.counselling_text.setAccessibleName("Counselling points delivered (free text)")

        outer.addWidget(self.message)
        bottom = QHBoxLayout()
        self.override = QPushButton("Record chair's &override...")
        self.override.setAccessibleName("Record chair's override")
        self.override.setVisible(False)
        self.save = QPushButton("&Save decision")
        self.save.setAccessibleName("Save decision")
        self.save.setDefault(True)
        bottom.addWidget(self.override)
        bottom.addStretch(1)
        bottom.addWidget(self.save)
        outer.addLayout(bottom)

        self.concordance.buttonToggled.connect(self._on_concordance_toggled)
        self.add_action.clicked.connect(self._on_add_action_clicked)
        self.remove_action.clicked.connect(self._on_remove_action_clicked)
        self.save.clicked.connect(self.save_requested)
        self.override.clicked.connect(self.override_requested)
        for edit in (self.text, self.reason_text, self.preferences, self.counselling_text):
            edit.textChanged.connect(self._on_field_edited)
        for combo in (self.category, self.reason):
            combo.currentIndexChanged.connect(self._on_field_edited)
        self.actions_model.dataChanged.connect(self._on_field_edited)
        self.counselling.dataChanged.connect(self._on_field_edited)
        self._on_concordance_toggled()

    # -- filling and reading ------------------------------------------------------------------
    def load(self, decision: DecisionRecord | None, rec: Mapping[str, Any] | None, *,
             editable: bool) -> None:
        """Show a recorded decision (or an empty form) with the recommendation's counselling points."""
        delivered: list[str] = json.loads(decision.counselling_json) if decision else []
        points = counselling_points(rec)
        extra = [d for d in delivered if d not in points]
        actions = json.loads(decision.actions_json) if decision else []
        state = FormState(
            category=decision.category if decision else None,
            text=decision.text if decision else "",
            concordant=decision.concordant if decision else None,
            reason=decision.deviation_reason if decision else None,
            reason_text=(decision.deviation_text or "") if decision else "",
            actions=tuple((a.get("description", ""), a.get("owner", ""), a.get("due") or "")
                          for a in actions),
            preferences=(decision.patient_preferences or "") if decision else "",
            counselling=tuple((p, p, p in delivered) for p in [*points, *extra]),
            counselling_text="" if points or extra else "\n".join(delivered))
        self.version = decision.version if decision else None
        self.restore(state, editable=editable)
        self.dirty = False

    def restore(self, state: FormState, *, editable: bool = True) -> None:
        self.category.setCurrentIndex(
            max(self.category.findData(DecisionCategory(state.category)), 0) if state.category else 0)
        self.text.setPlainText(state.text)
        self._answer_concordance(state.concordant)
        self.reason.setCurrentIndex(max(self.reason.findData(DeviationReason(state.reason))
                                        if state.reason else 0, 0))
        self.reason_text.setPlainText(state.reason_text)
        self.actions_model.set_actions(state.actions, editable=editable)
        self.preferences.setPlainText(state.preferences)
        self.counselling.set_items(state.counselling, editable=editable)
        self.counselling_text.setPlainText(state.counselling_text)
        self.counselling_stack.setCurrentIndex(0 if state.counselling else 1)
        self.errors.clear()
        self.override.setVisible(False)
        self.set_editable(editable)
        self.dirty = True

    def state(self) -> FormState:
        category = self.category.currentData()
        return FormState(
            category=DecisionCategory(category).value if category else None,
            text=self.text.toPlainText(), concordant=self._concordance_answer(),
            reason=DeviationReason(self.reason.currentData()).value if self.reason.currentData() else None,
            reason_text=self.reason_text.toPlainText(),
            actions=tuple((d, o, due) for d, o, due in self.actions_model.texts()),
            preferences=self.preferences.toPlainText(),
            counselling=tuple((self.counselling.index(i).data(Qt.ItemDataRole.UserRole),
                               self.counselling.index(i).data(), self.counselling.index(i).data(
                                   Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked)
                              for i in range(self.counselling.rowCount())),
            counselling_text=self.counselling_text.toPlainText())

    def decision_input(self) -> tuple[DecisionInput, list[str]]:
        """The decision as typed, and every problem with it (each naming its field)."""
        actions, problems = self.actions_model.actions()
        concordant = self._concordance_answer()
        category = self.category.currentData()
        reason = self.reason.currentData()
        delivered = (self.counselling.ticked() if self.counselling.rowCount()
                     else [x.strip() for x in self.counselling_text.toPlainText().splitlines() if x.strip()])
        decision = DecisionInput(
            DecisionCategory(category) if category else None, self.text.toPlainText(), concordant,
            deviation_reason=None if concordant or reason is None else DeviationReason(reason),
            deviation_text=None if concordant else self.reason_text.toPlainText(),
            actions=actions, patient_preferences=self.preferences.toPlainText() or None,
            counselling_delivered=tuple(delivered))
        return decision, problems + decision.problems()

    def show_problems(self, message: str, *, quorum: bool = False) -> None:
        """Problems beside their fields; a missing quorum offers the chair's override."""
        self.errors.show(message)
        self.override.setVisible(quorum and self.save.isEnabled())

    def set_editable(self, editable: bool) -> None:
        """Read-only keeps the text in the palette's colours (read on a projector); only the
        choices and buttons grey out."""
        for widget in (self.category, self.follows, self.deviates, self.add_action, self.remove_action,
                       self.save):
            widget.setEnabled(editable)
        for edit in (self.text, self.preferences, self.counselling_text, self.reason_text):
            edit.setReadOnly(not editable)
        self.actions_model.editable = editable
        self.counselling.editable = editable
        self._on_concordance_toggled()
        if not editable:
            self.override.setVisible(False)

    def mark_saved(self, version: int | None) -> None:
        self.version = version
        self.dirty = False
        self.errors.clear()
        self.override.setVisible(False)

    def _concordance_answer(self) -> bool | None:
        if self.follows.isChecked():
            return True
        return False if self.deviates.isChecked() else None

    def _answer_concordance(self, concordant: bool | None) -> None:
        """Yes, no, or neither (an unanswered question: the exclusive group is lifted to clear it)."""
        self.concordance.setExclusive(False)
        self.follows.setChecked(concordant is True)
        self.deviates.setChecked(concordant is False)
        self.concordance.setExclusive(True)

    # -- slots --------------------------------------------------------------------------------
    def _on_concordance_toggled(self, *_args: object) -> None:
        deviation = self.deviates.isChecked()
        self.reason.setEnabled(deviation and self.save.isEnabled())
        self.reason_text.setEnabled(deviation)  # read-only when the form is

    def _on_field_edited(self, *_args: object) -> None:
        self.dirty = True

    def _on_add_action_clicked(self) -> None:
        row = self.actions_model.add_row()
        self.actions_view.setCurrentIndex(self.actions_model.index(row, 0))
        self.actions_view.edit(self.actions_model.index(row, 0))
        self.dirty = True

    def _on_remove_action_clicked(self) -> None:
        row = self.actions_view.currentIndex().row()
        if row >= 0:
            self.actions_model.remove_row(row)
            self.dirty = True
