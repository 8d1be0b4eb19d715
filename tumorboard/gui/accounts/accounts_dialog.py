"""Accounts, for administrators: who has access, and a form to add someone."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tumorboard.domain.meeting import Discipline
from tumorboard.domain.users import AccessDenied, Role, User
from tumorboard.services.accounts import AccountError, AccountService
from tumorboard.store import StoreError


class AccountsDialog(QDialog):
    """The list of accounts and "Add account"; a refusal keeps everything typed."""

    def __init__(self, accounts: AccountService, admin: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("User accounts")
        self.accounts = accounts
        self.admin = admin
        layout = QVBoxLayout(self)
        self.listing = QPlainTextEdit()
        self.listing.setReadOnly(True)
        self.listing.setAccessibleName("Accounts")
        layout.addWidget(self.listing)
        form = QFormLayout()
        self.username = self._line(form, "Username")
        self.display_name = self._line(form, "Display name (as in minutes)")
        self.role = QComboBox()
        self.role.setAccessibleName("Role")
        for role in Role:
            self.role.addItem(role.value, role)
        form.addRow("Role", self.role)
        self.discipline = QComboBox()
        self.discipline.setAccessibleName("Discipline")
        self.discipline.addItem("(none)", None)
        for d in Discipline:
            self.discipline.addItem(d.label, d)
        form.addRow("Discipline", self.discipline)
        self.password = self._line(form, "Initial password (at least 10 characters)")
        layout.addLayout(form)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Account problem")
        layout.addWidget(self.message)
        self.add = QPushButton("Add account")
        self.add.clicked.connect(self._on_add_clicked)
        layout.addWidget(self.add)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.refresh()

    def _line(self, form: QFormLayout, label: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setAccessibleName(label)
        form.addRow(label, edit)
        return edit

    def refresh(self) -> None:
        self.listing.setPlainText("\n".join(
            f"{u.username}\t{u.display_name}\t{u.role.value}\t{u.discipline.label if u.discipline else '-'}"
            for u in self.accounts.users()))

    def _on_add_clicked(self) -> None:
        try:
            # Qt hands the enums back as their text values.
            discipline = self.discipline.currentData()
            self.accounts.create_user(self.admin, self.username.text(), self.display_name.text(),
                                      Discipline(discipline) if discipline else None,
                                      Role(self.role.currentData()), self.password.text())
        except (AccountError, AccessDenied, StoreError) as exc:
            self.message.setStyleSheet("color: #d32f2f;")
            self.message.setText(str(exc))
            return
        self.message.setStyleSheet("")
        self.message.setText(f"Account {self.username.text().strip()} added.")
        for edit in (self.username, self.display_name, self.password):
            edit.clear()
        self.refresh()
