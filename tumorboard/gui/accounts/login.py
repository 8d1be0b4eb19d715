"""Sign-in at start, and the first administrator of a new database."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from tumorboard.domain.users import User
from tumorboard.services.accounts import AccountError, AccountService, LoginRefused
from tumorboard.store import StoreError


class _Form(QDialog):
    def __init__(self, title: str, intro: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.user: User | None = None
        layout = QVBoxLayout(self)
        text = QLabel(intro)
        text.setWordWrap(True)
        layout.addWidget(text)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.message = QLabel("")
        self.message.setStyleSheet("color: #d32f2f;")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Sign-in problem")
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def field(self, label: str, *, secret: bool = False) -> QLineEdit:
        edit = QLineEdit()
        edit.setAccessibleName(label)
        if secret:
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.addRow(label, edit)
        return edit

    def _on_buttons_accepted(self) -> None:
        raise NotImplementedError


class LoginDialog(_Form):
    """Username and password; a refusal is shown in the dialog, which stays open."""

    def __init__(self, accounts: AccountService, parent: QWidget | None = None) -> None:
        super().__init__("Sign in to tumorboard", "Sign in with your tumorboard account.", parent)
        self.accounts = accounts
        self.username = self.field("Username")
        self.password = self.field("Password", secret=True)

    def _on_buttons_accepted(self) -> None:
        try:
            self.user = self.accounts.authenticate(self.username.text(), self.password.text())
        except (LoginRefused, StoreError) as exc:
            self.message.setText(str(exc))
            self.password.clear()  # the username stays as typed
            self.password.setFocus()
            return
        self.accept()


class FirstAdminDialog(_Form):
    """A new database has no account yet: its administrator is created first."""

    def __init__(self, accounts: AccountService, parent: QWidget | None = None) -> None:
        super().__init__("Create the administrator",
                         "This database has no accounts yet. Create its administrator, who then adds the "
                         "clinicians, coordinators and chairs (an administrator manages accounts and "
                         "settings, not patients).", parent)
        self.accounts = accounts
        self.username = self.field("Username")
        self.display_name = self.field("Display name")
        self.password = self.field("Password (at least 10 characters)", secret=True)
        self.repeat = self.field("Repeat the password", secret=True)

    def _on_buttons_accepted(self) -> None:
        if self.password.text() != self.repeat.text():
            self.message.setText("password: the two entries differ")
            return
        try:
            self.user = self.accounts.create_first_admin(self.username.text(), self.display_name.text(),
                                                         self.password.text())
        except (AccountError, StoreError) as exc:
            self.message.setText(str(exc))  # everything typed stays
            return
        self.accept()
