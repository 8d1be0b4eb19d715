"""The open case: open, close, save, move in the workflow, a new referral, its MDT record.

Part of the main window (``gui.main_window.MainWindow`` inherits it); the attributes it uses are
declared in ``gui.window.parts``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QMessageBox,
)

from tumorboard.casedoc import case_from_document
from tumorboard.domain.referral import ReferralError
from tumorboard.domain.workflow import WorkflowError, WorkflowStatus
from tumorboard.gui.window.parts import WindowParts
from tumorboard.services.patient_record import mdt_record
from tumorboard.store import ConcurrentEdit, RecordNotFound, StoreError

if TYPE_CHECKING:
    from tumorboard.gui.case.referral_form import ReferralDialog


class CaseCommands(WindowParts):
    def open_case(self, mrn: str) -> None:
        current = self.case_view.record
        if current is not None and current.case.patient.mrn == mrn:
            return
        if not self.confirm_discard():
            return
        try:
            record = self.service.get(mrn)
            history = self.service.history(mrn)
        except (RecordNotFound, StoreError) as exc:
            self.error("The case could not be opened", str(exc))
            return
        self.case_view.show_case(record, history)
        self._show_mdt_record(mrn)
        self.case_view.show()
        self._set_title(record.case.patient.name or mrn)

    def close_case(self) -> bool:
        """Close the open case (asking about unsaved edits) and give Home the whole window."""
        if self.case_view.record is None:
            return True
        if not self.confirm_discard():
            return False
        self.case_view.clear()
        self.case_view.hide()
        self.tabs.setCurrentWidget(self.dashboard)
        self._set_title(None)
        return True

    def new_referral(self) -> ReferralDialog | None:
        """The form for a new referral; saved as a new case in status "referred", then opened."""
        if not self.confirm_discard():
            return None
        from tumorboard.gui.case.referral_form import ReferralDialog  # when first asked for

        dialog = ReferralDialog(self.service, self)
        dialog.created.connect(self._on_referral_created)
        self.referral_dialog = dialog
        dialog.open()
        return dialog

    def _on_referral_created(self, mrn: str) -> None:
        self.statusBar().showMessage(f"Referral {mrn} registered (status: referred)", 8000)
        self._on_refresh()
        self.open_case(mrn)

    def _show_mdt_record(self, mrn: str) -> None:
        try:
            self.case_view.show_mdt_record(mdt_record(self.service.db, mrn, lambda: self.today))
        except StoreError as exc:
            self.statusBar().showMessage(f"The MDT record of {mrn} could not be read: {exc}", 10000)

    def _reload_open_case(self, mrn: str, seen: int) -> None:
        """The open case changed elsewhere (a decision moved it on): show the new version. Typed,
        unsaved edits are kept; their save then says what the other change was."""
        try:
            record = self.service.get(mrn)
        except (RecordNotFound, StoreError):
            return
        if record.version == seen:
            return
        if self.case_view.editor.dirty:
            self.statusBar().showMessage(f"{mrn} was changed elsewhere (version {record.version}) while you "
                                         "edit it; saving will show what changed", 10000)
            return
        self.case_view.show_case(record, self.service.history(mrn))

    def save_case(self) -> bool:
        view = self.case_view
        if view.record is None:
            return True
        editor = view.editor
        referral = view.referral.typed()
        if not editor.valid or editor.candidate is None or referral is None or not view.referral.valid:
            problems = {**editor.problems, **view.referral.problems}
            self.error("The case was not saved",
                       "Some fields need attention (marked in red):\n" +
                       "\n".join(f"{k}: {v}" for k, v in problems.items()))
            return False
        try:
            # The referral is not part of the case document; saved with it, in the same version.
            record = self.service.save(case_from_document(editor.candidate), view.record.version,
                                       referral=referral if view.referral.dirty else None)
        except ConcurrentEdit as exc:
            try:
                theirs = self.service.changes_since(view.record.case)
            except StoreError:
                theirs = []
            listed = "\n".join(f"  {field}: {'-' if before is None else before} -> "
                                f"{'-' if after is None else after}" for field, before, after in theirs[:20])
            answer = QMessageBox.question(
                self, "Changed by someone else",
                f"{exc}\n\nWhat they changed:\n{listed or '  (only the workflow or schedule)'}\n\n"
                "Reload the case now? Your unsaved edits are not saved; note them to type them again.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
            if answer == QMessageBox.StandardButton.Yes:
                view.record = None
                self.open_case(editor.candidate["patient"]["mrn"])
            return False
        except (StoreError, ReferralError) as exc:
            self.error("The case was not saved", str(exc))
            return False
        view.show_case(record, self.service.history(record.case.patient.mrn))
        self.statusBar().showMessage(f"Saved {record.case.patient.mrn} (version {record.version})", 5000)
        self.refresh_worklist()
        return True

    def change_status(self, status: WorkflowStatus) -> None:
        record = self.case_view.record
        if record is None:
            return
        try:
            updated = self.service.change_status(record.case.patient.mrn, status, record.version)
        except (WorkflowError, ConcurrentEdit, StoreError) as exc:
            self.error("The status was not changed", str(exc))
            return
        self.case_view.show_case(updated, self.service.history(updated.case.patient.mrn))
        self._on_refresh()

    def confirm_discard(self) -> bool:
        """Unsaved edits are never dropped silently: save, discard or stay."""
        if not self.case_view.dirty:
            return True
        answer = QMessageBox.question(
            self, "Unsaved changes", "The open case has unsaved changes. Save them?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Save:
            return self.save_case()
        return answer == QMessageBox.StandardButton.Discard
