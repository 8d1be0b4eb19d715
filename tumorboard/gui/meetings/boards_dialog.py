"""Meetings > Boards...: the boards, their quorum and members; a new board, a new name.

Boards are made here on purpose (never from a name typed for a meeting)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tumorboard.domain.meeting import DEFAULT_QUORUM, Discipline
from tumorboard.gui.widgets.form_dialog import FormDialog
from tumorboard.gui.widgets.form_errors import USER_ERRORS
from tumorboard.services.boards import BoardService
from tumorboard.store.meeting_records import BoardRecord


def board_line(board: BoardRecord) -> str:
    quorum = ", ".join(Discipline(q).label for q in board.quorum) or "no quorum"
    return f"{board.name} ({board.site}), {len(board.members)} member(s)\n    quorum: {quorum}"


class NewBoardDialog(FormDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("New board", "A board meets, keeps a list of members and needs its quorum "
                         "present to decide; a new board starts with its tumour site's quorum.", parent,
                         ok_text="&Create board")
        self.name = QLineEdit()
        self.name.setPlaceholderText("for example Breast MDT")
        self.site = QComboBox()
        for site in sorted(DEFAULT_QUORUM):
            self.site.addItem(site, site)
        self.row("&Name:", self.name, "name")
        self.row("&Tumour site:", self.site, "site")


class RenameBoardDialog(FormDialog):
    def __init__(self, board: BoardRecord, parent: QWidget | None = None) -> None:
        super().__init__("Rename board", f"A new name for {board.name}. Signed minutes keep the name "
                         "they were signed with.", parent, ok_text="&Rename")
        self.name = QLineEdit(board.name)
        self.row("New &name:", self.name, "new name", "name")


class BoardsDialog(QDialog):
    def __init__(self, boards: BoardService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.boards = boards
        self.setWindowTitle("Boards")
        self.setAccessibleName("Boards")
        self.setMinimumWidth(620)
        self.dialog: FormDialog | None = None
        layout = QVBoxLayout(self)
        self.problem = QLabel("")
        self.problem.setWordWrap(True)
        self.problem.setVisible(False)
        self.list = QListWidget()
        self.list.setAccessibleName("Boards")
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.problem)
        row = QHBoxLayout()
        self.new = QPushButton("&New board...")
        self.rename = QPushButton("&Rename...")
        for button in (self.new, self.rename):
            button.setAccessibleName(button.text().replace("&", "").rstrip("."))
            row.addWidget(button)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        row.addWidget(close)
        layout.addLayout(row)
        self.new.clicked.connect(self._on_new_clicked)
        self.rename.clicked.connect(self._on_rename_clicked)
        self.refresh()

    def refresh(self) -> None:
        try:
            rows = self.boards.list()
        except USER_ERRORS as exc:
            self.problem.setText(f"The boards could not be read: {exc}")
            self.problem.setVisible(True)
            return
        self.rows = rows
        self.list.clear()
        for board in rows:
            self.list.addItem(QListWidgetItem(board_line(board)))
        if not rows:
            self.list.addItem(QListWidgetItem("No board yet: create the first with New board..."))
        self.rename.setEnabled(bool(rows))

    def selected(self) -> BoardRecord | None:
        row = self.list.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def new_board(self) -> NewBoardDialog:
        dialog = NewBoardDialog(self)
        dialog.submit = lambda: self.boards.create(dialog.name.text(), str(dialog.site.currentData()))
        dialog.accepted.connect(self.refresh)
        self.dialog = dialog
        dialog.open()
        return dialog

    def rename_board(self) -> RenameBoardDialog | None:
        board = self.selected()
        if board is None:
            return None
        dialog = RenameBoardDialog(board, self)
        dialog.submit = lambda: self.boards.rename(board.name, dialog.name.text())
        dialog.accepted.connect(self.refresh)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _on_new_clicked(self) -> None:
        self.new_board()

    def _on_rename_clicked(self) -> None:
        self.rename_board()
