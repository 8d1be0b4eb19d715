"""The minutes as the PDF that is printed and signed, shown with QtPdf; save (owner-only) or print.

Rendering runs off the UI thread. A signed meeting shows its signed original (the exact bytes
whose SHA-256 was kept); a pseudonymised view is always a freshly rendered copy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Signal
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tumorboard.gui.widgets.background import run_with_progress
from tumorboard.gui.widgets.form_errors import USER_ERRORS, error_label
from tumorboard.private_files import write_private
from tumorboard.services.meetings import MeetingService

try:  # printing support is a separate Qt library; without it the dialog still previews and saves
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter
except ImportError:  # pragma: no cover - depends on the Qt build
    QPrinter = None  # type: ignore[assignment,misc]
    QPrintDialog = None  # type: ignore[assignment,misc]


class MinutesPreview(QDialog):
    loaded = Signal(int)
    """Emitted with the page count each time a rendering has been loaded into the view."""

    def __init__(self, meetings: MeetingService, meeting_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.meetings = meetings
        self.meeting_id = meeting_id
        self.meeting = meetings.get(meeting_id)
        self.pdf: bytes | None = None
        self._runner: Any = None
        self._buffer: QBuffer | None = None
        self.setWindowTitle(f"Minutes: {self.meeting.board.name}, {self.meeting.day.isoformat()}")
        self.setAccessibleName("Minutes preview")
        self.resize(980, 1000)
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.pseudonymise = QCheckBox("&Pseudonymise (no names, record numbers or birth dates)")
        self.pseudonymise.setAccessibleName("Pseudonymise")
        self.save = QPushButton("&Save as PDF...")
        self.save.setAccessibleName("Save as PDF")
        self.print = QPushButton("P&rint...")
        self.print.setAccessibleName("Print")
        self.print.setVisible(QPrinter is not None)
        close = QPushButton("&Close")
        close.setAccessibleName("Close")
        bar.addWidget(self.pseudonymise)
        bar.addStretch(1)
        for button in (self.save, self.print, close):
            bar.addWidget(button)
        layout.addLayout(bar)
        self.info = QLabel("")
        self.info.setWordWrap(True)
        self.info.setAccessibleName("About these minutes")
        layout.addWidget(self.info)
        self.problem = error_label("Minutes problem")
        layout.addWidget(self.problem)
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setAccessibleName("Minutes")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        layout.addWidget(self.view, 1)
        self.pseudonymise.toggled.connect(self._on_pseudonymise_toggled)
        self.save.clicked.connect(self._on_save_clicked)
        self.print.clicked.connect(self._on_print_clicked)
        close.clicked.connect(self.accept)
        self.save.setEnabled(False)
        self.print.setEnabled(False)
        self.render_minutes()

    # -- rendering ----------------------------------------------------------------------------
    def render_minutes(self) -> None:
        """Render (or fetch the signed original) in the background, then show it."""
        pseudonymise = self.pseudonymise.isChecked()
        signed = self.meeting.signed_at is not None
        meetings, meeting_id = self.meetings, self.meeting_id

        def work(_progress: object) -> bytes:
            if signed and not pseudonymise:
                return meetings.signed_original(meeting_id)
            return meetings.render_minutes(meeting_id, pseudonymise=pseudonymise)

        if signed and not pseudonymise:
            self.info.setText(f"The signed original: signed by {self.meeting.signed_by} on "
                              f"{self.meeting.signed_at:%Y-%m-%d %H:%M} UTC, "
                              f"SHA-256 {self.meeting.minutes_sha256}.")
        elif signed:
            self.info.setText("A pseudonymised copy of the signed minutes "
                              f"(SHA-256 {self.meeting.minutes_sha256}).")
        else:
            self.info.setText("Draft minutes: not signed off yet; they change as the meeting goes on.")
        self.pseudonymise.setEnabled(False)
        self.problem.setVisible(False)
        self._runner = run_with_progress(self, "Rendering the minutes", work, self._on_rendered,
                                         self._on_render_failed, USER_ERRORS)

    def load_pdf(self, data: bytes) -> None:
        self.pdf = data
        self.document.close()
        buffer = QBuffer(self)
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(buffer)
        if self._buffer is not None:
            self._buffer.deleteLater()
        self._buffer = buffer  # the document reads from it for as long as it is shown
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

    def _on_rendered(self, data: object) -> None:
        self._runner = None
        self.pseudonymise.setEnabled(True)
        if not isinstance(data, bytes):
            return
        self.load_pdf(data)
        ok = self.document.status() == QPdfDocument.Status.Ready and self.document.pageCount() > 0
        self.save.setEnabled(ok)
        self.print.setEnabled(ok)
        if not ok:
            self._on_render_failed(f"the minutes could not be shown ({self.document.error().name})")
            return
        self.loaded.emit(self.document.pageCount())

    def _on_render_failed(self, message: str) -> None:
        self._runner = None
        self.pseudonymise.setEnabled(True)
        self.problem.setText(f"The minutes could not be rendered: {message}")
        self.problem.setVisible(True)

    # -- save and print -----------------------------------------------------------------------
    def suggested_name(self) -> str:
        kind = "pseudonymised" if self.pseudonymise.isChecked() else (
            "signed" if self.meeting.signed_at else "draft")
        board = "".join(ch if ch.isalnum() else "-" for ch in self.meeting.board.name).strip("-")
        return f"minutes-{board}-{self.meeting.day.isoformat()}-{kind}.pdf"

    def _record_export(self, to: str) -> None:
        signed = self.meeting.signed_at is not None
        pseudonymised = self.pseudonymise.isChecked()
        self.meetings.record_minutes_export(self.meeting_id, pseudonymised=pseudonymised,
                                            signed_original=signed and not pseudonymised, to=to)

    def save_to(self, path: Path) -> None:
        """Write the minutes shown; checked and recorded as an export first (USER_ERRORS refuse)."""
        if self.pdf is None:
            raise ValueError("nothing rendered yet")
        self._record_export("file")
        write_private(path, self.pdf)

    def _on_save_clicked(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Save the minutes", self.suggested_name(), "PDF (*.pdf)")
        if not name:
            return
        try:
            self.save_to(Path(name))
        except USER_ERRORS as exc:  # a viewer's account, the database gone: nothing written
            QMessageBox.warning(self, "The minutes were not saved", str(exc))
        except OSError as exc:  # disk full, no permission: the environment, not a bug
            QMessageBox.warning(self, "The minutes were not saved", f"{name}: {exc.strerror or exc}")

    def print_to(self, printer: Any) -> int:
        """Paint every page onto ``printer``; returns the number of pages printed."""
        from PySide6.QtGui import QPainter

        painter = QPainter()
        if not painter.begin(printer):
            return 0
        try:
            area = printer.pageLayout().paintRectPixels(printer.resolution())
            for page in range(self.document.pageCount()):
                if page:
                    printer.newPage()
                points = self.document.pagePointSize(page)
                scale = min(area.width() / max(points.width(), 1), area.height() / max(points.height(), 1))
                size = QSize(int(points.width() * scale), int(points.height() * scale))
                painter.drawImage(0, 0, self.document.render(page, size))
        finally:
            painter.end()
        return self.document.pageCount()

    def _on_print_clicked(self) -> None:
        if QPrinter is None or QPrintDialog is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            try:
                self._record_export("printer")
            except USER_ERRORS as exc:
                QMessageBox.warning(self, "The minutes were not printed", str(exc))
                return
            self.print_to(printer)

    def _on_pseudonymise_toggled(self, _on: bool) -> None:
        self.save.setEnabled(False)
        self.print.setEnabled(False)
        self.render_minutes()
