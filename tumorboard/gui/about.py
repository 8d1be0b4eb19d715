"""The About dialog: which app, which guideline ruleset, which database, which licence, and the
reminder that the recommendation module supports and does not replace the board's judgement."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tumorboard import __version__
from tumorboard.gui.widgets.icons import app_icon
from tumorboard.recommend import Ruleset, default_ruleset

LICENCE_ID = "GPL-3.0-or-later"
LICENCE_NAME = "GNU General Public License, version 3 or (at your option) any later version"
NO_WARRANTY = (
    "tumorboard is free software: you may redistribute and modify it under the terms of that "
    "licence. It comes with ABSOLUTELY NO WARRANTY."
)
DISCLAIMER_HEADING = "About the recommendations"
MIN_WIDTH = 560

_SELECTABLE = Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard


def _label(text: str, accessible_name: str, *, selectable: bool = False, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    label.setAccessibleName(accessible_name)
    label.setAccessibleDescription(text)
    if selectable:
        label.setTextInteractionFlags(_SELECTABLE)
    return label


class AboutDialog(QDialog):
    """Version, ruleset id and version, database location, licence and the disclaimer."""

    def __init__(self, database_location: str, parent: QWidget | None = None, *,
                 ruleset: Ruleset | None = None) -> None:
        super().__init__(parent)
        self.ruleset = ruleset if ruleset is not None else default_ruleset()
        self.database_location = database_location
        self.setWindowTitle("About tumorboard")
        self.setAccessibleName("About tumorboard")
        self.setWindowIcon(app_icon())
        self.setModal(True)

        layout = QVBoxLayout(self)
        layout.setSpacing(14)
        layout.addLayout(self._header())

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setHorizontalSpacing(12)
        self.version_label = _label(__version__, "Version", selectable=True)
        self.ruleset_label = _label(
            f"{self.ruleset.id}, version {self.ruleset.version}\n{self.ruleset.title}", "Guideline ruleset",
            selectable=True)
        # What changed in this version, and why: the ruleset's own changelog, on demand.
        latest = self.ruleset.changelog[0] if self.ruleset.changelog else None
        if latest is not None:
            self.ruleset_label.setToolTip(f"Changes in {latest.version} ({latest.date}):\n"
                                          + "\n".join(f"• {c}" for c in latest.changes))
        self.database_label = _label(database_location, "Database location", selectable=True)
        self.licence_label = _label(f"{LICENCE_NAME} ({LICENCE_ID}).\n{NO_WARRANTY}", "Licence")
        for caption, field in (("Version:", self.version_label),
                               ("Guideline ruleset:", self.ruleset_label),
                               ("Database:", self.database_label),
                               ("Licence:", self.licence_label)):
            caption_label = QLabel(caption)
            caption_label.setBuddy(field)
            form.addRow(caption_label, field)
        layout.addLayout(form)

        layout.addWidget(self._disclaimer_box())

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("&Copy details")
        self.copy_button.setAccessibleName("Copy details")
        self.copy_button.setToolTip(
            "Copy the version, ruleset and database location, e.g. for a support request")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_details)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName("Close")
        close.setDefault(True)
        layout.addWidget(buttons)
        self._fit_height(layout, MIN_WIDTH)

    def _fit_height(self, layout: QVBoxLayout, width: int) -> None:
        """Tall enough for every wrapped line at this width: Qt sizes a dialog by its labels'
        one-line hints, which would clip the licence and the disclaimer."""
        if layout.hasHeightForWidth():
            height = layout.totalHeightForWidth(width)
        else:
            height = layout.sizeHint().height()
        self.setMinimumSize(width, height)
        self.resize(width, height)

    def _header(self) -> QHBoxLayout:
        header = QHBoxLayout()
        header.setSpacing(16)
        icon = QLabel()
        icon.setPixmap(app_icon().pixmap(64, 64))
        icon.setFixedSize(64, 64)
        icon.setAccessibleName("tumorboard icon")
        header.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)

        text = QVBoxLayout()
        text.setSpacing(2)
        self.title_label = _label(f"tumorboard {__version__}", "Application", wrap=False)
        font = QFont(self.title_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.title_label.setFont(font)
        text.addWidget(self.title_label)
        text.addWidget(_label(
            "Case tracking, guideline recommendations and minutes for cancer tumor boards "
            "(multidisciplinary team meetings).", "Description"))
        text.addStretch(1)
        header.addLayout(text, 1)
        return header

    def _disclaimer_box(self) -> QFrame:
        box = QFrame()
        box.setObjectName("disclaimer")
        box.setFrameShape(QFrame.Shape.StyledPanel)
        box.setAccessibleName("Disclaimer")
        # A quiet amber note: seen at a glance, without looking like an error.
        box.setStyleSheet("QFrame#disclaimer { background: #fff6e0; border: 1px solid #e0b34c; "
                          "border-radius: 6px; } QFrame#disclaimer QLabel { color: #3d2c00; }")
        inner = QVBoxLayout(box)
        inner.setContentsMargins(12, 10, 12, 10)
        inner.setSpacing(4)
        heading = _label(DISCLAIMER_HEADING, "Disclaimer heading")
        bold = QFont(heading.font())
        bold.setBold(True)
        heading.setFont(bold)
        inner.addWidget(heading)
        self.disclaimer_label = _label(self.ruleset.disclaimer, "Disclaimer")
        inner.addWidget(self.disclaimer_label)
        return box

    def details_text(self) -> str:
        """The dialog's facts as plain text (what "Copy details" puts on the clipboard)."""
        return "\n".join((
            f"tumorboard {__version__}",
            f"Guideline ruleset: {self.ruleset.id} {self.ruleset.version} ({self.ruleset.title})",
            f"Database: {self.database_location}",
            f"Licence: {LICENCE_ID}",
        ))

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details_text())
