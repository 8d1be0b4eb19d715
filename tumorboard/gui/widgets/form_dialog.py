"""The shape every meetings dialog shares: a form whose refusals appear under the fields and keep
what was typed; OK runs the dialog's ``submit`` and closes only when it succeeded."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from tumorboard.gui.widgets.form_errors import USER_ERRORS, FieldErrors, error_label, place_under


class FormDialog(QDialog):
    def __init__(self, title: str, intro: str, parent: QWidget | None = None, *,
                 ok_text: str = "OK") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setMinimumWidth(480)
        self.submit: Callable[[], Any] = lambda: None
        self.result_value: Any = None
        layout = QVBoxLayout(self)
        if intro:
            self.intro = QLabel(intro)
            self.intro.setWordWrap(True)
            layout.addWidget(self.intro)
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.addLayout(self.form)
        self.message = error_label(f"{title}: problem")
        layout.addWidget(self.message)
        self.errors = FieldErrors(self.message)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(ok_text)
        ok.setAccessibleName(ok_text.replace("&", ""))
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def row(self, label: str, widget: QWidget, field: str, *aliases: str) -> QWidget:
        """Add ``widget`` under ``label``; problems naming ``field`` (or an alias) appear below it."""
        widget.setAccessibleName(label.replace("&", "").rstrip(":"))
        problem = self.errors.add(field, error_label(f"{label} problem"), *aliases)
        self.form.addRow(label, place_under(widget, problem))
        return widget

    def refuse(self, message: str) -> None:
        """Show a refusal; nothing typed is changed, and the dialog grows to show it all."""
        self.errors.show(message)
        self.fit_height()

    def fit_height(self) -> None:
        """Grow to the height the form needs at the current width (wrapped problem texts included:
        Qt does not grow a window for word-wrapped labels by itself)."""
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        need = (layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth()
                else layout.totalSizeHint().height())
        if need > self.height():
            self.resize(self.width(), need)

    def _on_buttons_accepted(self) -> None:
        self.errors.clear()
        try:
            self.result_value = self.submit()
        except USER_ERRORS as exc:
            self.refuse(str(exc))
            return
        if self.result_value is False:
            return
        self.accept()
