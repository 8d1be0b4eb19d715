"""Case editor: sections of fields with inline validation; nothing typed is ever lost.

The widget only shows fields and messages; the document logic lives in ``editor_fields``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tumorboard.gui.case.editor_fields import (
    FIELDS,
    LESIONS,
    LISTS,
    RECIST_ASSESSMENTS,
    RECIST_TARGETS,
    THERAPIES,
    EditState,
    FieldSpec,
    ListSpec,
)
from tumorboard.gui.case.editor_values import option_label
from tumorboard.gui.case.list_table import ChoiceDelegate, ListTableModel

ERROR_STYLE = "border: 2px solid #d32f2f;"


class CaseEditor(QWidget):
    """Edits the fields of one case document."""

    changed = Signal()
    """Emitted after every edit, once the candidate document and its problems are recomputed."""

    def __init__(self, parent: QWidget | None = None, *, fields: tuple[FieldSpec, ...] = FIELDS,
                 lists: tuple[ListSpec, ...] = LISTS) -> None:
        """The whole case (default), or the ``fields`` and ``lists`` of a shorter form (the new
        referral's): the same widgets, the same inline validation."""
        super().__init__(parent)
        self.fields = fields
        self.list_specs = lists
        self.state: EditState | None = None
        self.problems: dict[str, str] = {}
        # A blank form (a new referral) does not open all red: "required" shows under a field once
        # it was edited, or everywhere once saving was tried (reveal_required). Saving is refused
        # either way while a problem remains.
        self.quiet_required = False
        self._edited: set[str] = set()
        self.candidate: dict[str, Any] | None = None
        self._widgets: dict[str, QWidget] = {}
        self._messages: dict[str, QLabel] = {}
        self._loading = False
        layout = QVBoxLayout(self)
        sections: dict[str, QFormLayout] = {}
        boxes: dict[str, QGroupBox] = {}
        for spec in fields:
            if spec.section not in sections:
                box = QGroupBox(spec.section)
                form = QFormLayout(box)
                sections[spec.section] = form
                boxes[spec.section] = box
                layout.addWidget(box)
            widget = self._make(spec)
            message = QLabel("")
            message.setStyleSheet("color: #d32f2f;")
            message.setWordWrap(True)
            message.setVisible(False)
            message.setAccessibleName(f"{spec.label} problem")
            holder = QWidget()
            col = QVBoxLayout(holder)
            col.setContentsMargins(0, 0, 0, 0)
            col.addWidget(widget)
            col.addWidget(message)
            sections[spec.section].addRow(spec.label, holder)
            self._widgets[spec.pointer] = widget
            self._messages[spec.pointer] = message
        self.tables: dict[str, tuple[ListTableModel, QTableView]] = {}
        for list_spec, title in ((LESIONS, "Metastatic lesions"), (THERAPIES, "Therapies")):
            if list_spec in lists:
                table = self._make_table(list_spec, title)
                if "Bone health" in boxes:
                    layout.insertWidget(layout.indexOf(boxes["Bone health"]), table)
                else:
                    layout.addWidget(table)
        self.responses = QLabel("")
        self.responses.setWordWrap(True)
        self.responses.setAccessibleName("Response per assessment")
        self.responses.setTextFormat(Qt.TextFormat.PlainText)
        recist = sections.get("Response (RECIST 1.1)")
        if recist is not None and RECIST_TARGETS in lists:
            recist.addRow(self._make_table(RECIST_TARGETS, "Baseline target lesions (at most 5)"))
            recist.addRow(self._make_table(RECIST_ASSESSMENTS, "Assessments"))
            recist.addRow("Response (RECIST 1.1)", self.responses)
        self.general = QLabel("")
        self.general.setStyleSheet("color: #d32f2f;")
        self.general.setWordWrap(True)
        self.general.setAccessibleName("Other problems")
        layout.addWidget(self.general)
        layout.addStretch(1)

    def _make(self, spec: FieldSpec) -> QWidget:
        widget: QWidget
        if spec.kind == "flag":
            box = QCheckBox()
            box.toggled.connect(lambda value, p=spec.pointer: self._on_field_edited(p, value))
            widget = box
        elif spec.kind in ("choice", "tristate"):
            combo = QComboBox()
            for option in spec.options:  # words on screen, the document's value as item data
                combo.addItem(option_label(option), option)
            combo.currentIndexChanged.connect(
                lambda _i, p=spec.pointer, c=combo: self._on_field_edited(p, str(c.currentData())))
            widget = combo
        else:
            edit = QLineEdit()
            if spec.kind == "date":
                edit.setPlaceholderText("YYYY-MM-DD")
            edit.textEdited.connect(lambda text, p=spec.pointer: self._on_field_edited(p, text))
            widget = edit
        widget.setAccessibleName(spec.label)
        return widget

    def load(self, doc: dict[str, Any]) -> None:
        self._loading = True
        self.state = EditState.start(doc, self.fields, self.list_specs)
        for spec in self.fields:
            widget = self._widgets[spec.pointer]
            value = self.state.texts[spec.pointer]
            if isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, QComboBox):
                if widget.findData(str(value)) < 0:
                    widget.addItem(option_label(str(value)), str(value))
                widget.setCurrentIndex(widget.findData(str(value)))
            elif isinstance(widget, QLineEdit):
                widget.setText(str(value))
        for pointer, (model, _view) in self.tables.items():
            model.set_rows(self.state.lists[pointer])
        self._loading = False
        self._recompute()

    def show_problem(self, pointer: str, message: str) -> None:
        """A refusal that came from saving (a record number already taken), under its field."""
        self.problems[pointer] = message
        self._widgets[pointer].setStyleSheet(ERROR_STYLE)
        self._messages[pointer].setText(message)
        self._messages[pointer].setVisible(True)

    def widget_for(self, pointer: str) -> QWidget:
        return self._widgets[pointer]

    def message_for(self, pointer: str) -> str:
        label = self._messages[pointer]
        return label.text() if label.isVisible() or label.text() else ""

    @property
    def dirty(self) -> bool:
        return self.state is not None and self.state.dirty

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def lesions(self) -> ListTableModel:
        return self.tables[LESIONS.pointer][0]

    @property
    def therapies(self) -> ListTableModel:
        return self.tables[THERAPIES.pointer][0]

    def show_recist(self, recist: dict[str, Any] | None) -> None:
        """The per-timepoint response the engine computed from what is typed (RECIST 1.1)."""
        if not recist or not recist.get("timepoints"):
            self.responses.setText("No assessment on or before today yet.")
            return
        lines = []
        for tp in recist["timepoints"]:
            change = tp.get("change_from_baseline_pct")
            detail = f" ({change:+.1f}% from baseline)" if isinstance(change, int | float) else ""
            lines.append(f"{tp['date']}: {tp['overall']}{detail}")
        self.responses.setText("\n".join(lines))

    def _make_table(self, spec: ListSpec, title: str) -> QGroupBox:
        model = ListTableModel(spec, self)
        model.on_edit = self._on_list_edited
        box = QGroupBox(title)
        inner = QVBoxLayout(box)
        view = QTableView()
        view.setModel(model)
        view.setItemDelegate(ChoiceDelegate(spec, view))
        view.setAccessibleName(title)
        view.horizontalHeader().setStretchLastSection(True)
        view.setMinimumHeight(self.fontMetrics().height() * 8)
        inner.addWidget(view)
        buttons = QHBoxLayout()
        add = QPushButton(f"Add {spec.item.lower()}")
        add.setAccessibleName(f"Add {spec.item.lower()}")
        add.clicked.connect(model.add_row)
        remove = QPushButton(f"Remove selected {spec.item.lower()}")
        remove.setAccessibleName(f"Remove selected {spec.item.lower()}")
        remove.clicked.connect(lambda: model.remove_row(view.currentIndex().row()))
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        inner.addLayout(buttons)
        self.tables[spec.pointer] = (model, view)
        return box

    def _on_list_edited(self) -> None:
        if not self._loading and self.state is not None:
            self._recompute()

    def _on_field_edited(self, pointer: str, value: str | bool) -> None:
        if self._loading or self.state is None:
            return
        self.state.texts[pointer] = value
        self._edited.add(pointer)
        self._recompute()

    def reveal_required(self) -> None:
        self.quiet_required = False
        if self.state is not None:
            self._recompute()

    def _recompute(self) -> None:
        assert self.state is not None
        self.candidate, self.problems = self.state.candidate()
        other = []
        for pointer, widget in self._widgets.items():
            message = self.problems.get(pointer, "")
            if self.quiet_required and message.startswith("required") and pointer not in self._edited:
                message = ""
            widget.setStyleSheet(ERROR_STYLE if message else "")
            self._messages[pointer].setText(message)
            self._messages[pointer].setVisible(bool(message))
        for model, _view in self.tables.values():
            model.set_problems(self.problems)
        for pointer, message in self.problems.items():
            spec = next((ls for ls in self.list_specs if pointer.startswith(ls.pointer + "/")), None)
            if spec is not None:
                number = int(pointer[len(spec.pointer) + 1:].split("/")[0]) + 1
                other.append(f"{spec.item} {number}: {message}")
            elif pointer not in self._widgets:
                other.append(f"{pointer}: {message}")
        self.general.setText("\n".join(other))
        self.changed.emit()
