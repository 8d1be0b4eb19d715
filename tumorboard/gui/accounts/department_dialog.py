"""The department's letterhead (outcome letters) and SMTP server (sending minutes and agendas):
an administrator's form. A refusal appears under the field it names and keeps what was typed.
The SMTP password is not here: it comes from TUMORBOARD_SMTP_PASSWORD or the system keyring."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from tumorboard.gui.widgets.form_dialog import FormDialog
from tumorboard.services.circulation_settings import (
    KEYRING_SERVICE,
    PASSWORD_ENV,
    CirculationSettingsService,
    Letterhead,
    MailSettings,
    SettingProblems,
    parse_setting,
)


class DepartmentDialog(FormDialog):
    def __init__(self, service: CirculationSettingsService, parent: QWidget | None = None) -> None:
        super().__init__("Letterhead and e-mail",
                         "Printed at the head of outcome letters, and the server the minutes and agendas "
                         "are sent through (leave the host empty to write .eml files instead). The password "
                         f"is never kept in the database: set {PASSWORD_ENV}, or keep it in the system "
                         f"keyring under '{KEYRING_SERVICE}' with the sender's address as user name.",
                         parent, ok_text="&Save")
        self.service = service
        self.version = service.version()
        head, mail = service.letterhead(), service.mail()
        self.department = QLineEdit(head.department)
        self.address = QPlainTextEdit(head.address)
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(72)
        self.telephone = QLineEdit(head.telephone)
        self.host = QLineEdit(mail.host)
        self.host.setPlaceholderText("smtp.hospital.example (empty: .eml files)")
        self.port = QLineEdit(str(mail.port))
        self.starttls = QCheckBox("Upgrade the connection with STARTTLS")
        self.starttls.setChecked(mail.starttls)
        self.sender_address = QLineEdit(mail.sender)
        self.sender_address.setPlaceholderText("Breast MDT <mdt@hospital.example>")
        self.pseudonymise = QCheckBox("Attachments name no patient (pseudonymised)")
        self.pseudonymise.setChecked(mail.pseudonymise_attachments)
        self.row("&Department:", self.department, "letterhead_department")
        self.row("&Address:", self.address, "letterhead_address")
        self.row("&Telephone:", self.telephone, "letterhead_telephone")
        self.row("SMTP &host:", self.host, "smtp_host")
        self.row("&Port:", self.port, "smtp_port")
        self.row("STARTT&LS:", self.starttls, "smtp_starttls")
        self.row("S&ender:", self.sender_address, "smtp_sender")
        self.row("Attach&ments:", self.pseudonymise, "smtp_pseudonymise_attachments")
        self.submit = self.save
        layout = self.layout()
        if isinstance(layout, QVBoxLayout):  # room to spare goes below the form, not into the address
            layout.insertStretch(layout.indexOf(self.message), 1)

    def save(self) -> bool:
        try:
            port = parse_setting("smtp_port", self.port.text())
            letterhead = Letterhead(self.department.text().strip(), self.address.toPlainText().strip(),
                                    self.telephone.text().strip())
            mail = MailSettings(self.host.text().strip(), port, self.starttls.isChecked(),
                                self.sender_address.text().strip(), self.pseudonymise.isChecked())
            self.version = self.service.save(letterhead, mail, expected_version=self.version)
        except SettingProblems as exc:
            self.refuse(str(exc))
            return False
        return True
