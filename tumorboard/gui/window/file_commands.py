"""Case documents in and out: import and export in the background, with progress.

Part of the main window (``gui.main_window.MainWindow`` inherits it); the attributes it uses are
declared in ``gui.window.parts``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from tumorboard.gui.widgets.background import run_with_progress
from tumorboard.gui.widgets.form_errors import USER_ERRORS
from tumorboard.gui.window.parts import WindowParts
from tumorboard.private_files import write_private
from tumorboard.services.cases import ImportOutcome
from tumorboard.store import StoreError

log = logging.getLogger(__name__)


class FileCommands(WindowParts):
    def _on_new_case(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        names, _ = QFileDialog.getOpenFileNames(self, "Import case documents", "", "Case documents (*.json)")
        if names:
            self.import_files(names)

    def import_files(self, names: list[str], *, update: bool = False, replace: bool = False) -> None:
        """Import in the background with progress; the UI stays responsive and can cancel. Files of
        cases already stored are updated only when the user says so, and an update that would
        remove something only after the user has seen what."""
        from pathlib import Path

        def work(progress: Callable[[int, int], bool]) -> list[ImportOutcome]:
            sources, unreadable = [], []
            for n in names:
                try:
                    sources.append((n, Path(n).read_bytes()))
                except OSError as exc:
                    unreadable.append(ImportOutcome(n, None, "refused",
                                                    (f"cannot read the file ({exc.strerror or exc})",)))
            return unreadable + self.service.import_documents(sources, update=update, replace=replace,
                                                              progress=progress)

        def done(outcomes: list[ImportOutcome]) -> None:
            refused = [o for o in outcomes if o.action == "refused"]
            stored = len(outcomes) - len(refused)
            self.statusBar().showMessage(f"Imported {stored} case(s), refused {len(refused)}", 8000)
            self._on_refresh()
            self.import_finished.emit(stored, len(refused))
            existing = [o for o in refused if o.refusal == "exists"]
            removing = [o for o in refused if o.refusal == "would_remove"]
            others = [o for o in refused if o not in existing and o not in removing]
            if others:
                self.error("Some files were not imported",
                           "\n".join(f"{Path(o.source).name}: {p}" for o in others[:50] for p in o.problems))
            if existing and self._ask(
                    "Cases already stored",
                    f"{len(existing)} file(s) hold cases already in the database ("
                    + ", ".join(str(o.mrn) for o in existing[:10]) + "). Update those cases with the "
                    "files' content? MDT discussions that meetings recorded are kept."):
                self.import_files([o.source for o in existing], update=True)
            if removing and self._ask(
                    "The update would remove data",
                    "Updating would remove what the files no longer hold:\n"
                    + "\n".join(f"{o.mrn}: {p}" for o in removing[:10] for p in o.problems[:10])
                    + "\n\nRemove it? (No keeps these cases as they are.)"):
                self.import_files([o.source for o in removing], update=True, replace=True)

        self._runner = run_with_progress(self, "Importing case documents", work, done,
                                         lambda message: self.error("The import stopped", message),
                                         (StoreError,))

    def _on_export(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        folder = QFileDialog.getExistingDirectory(self, "Export the listed cases to a folder")
        if folder:
            self.export_listed(folder)

    def export_listed(self, folder: str) -> None:
        """Write every case listed in the worklist (the filter applies) to ``folder`` as MRN.json,
        in the background with progress; files already there are left alone and named."""
        from pathlib import Path

        target = Path(folder)
        mrns = [r.mrn for r in self.model.fetch_all()]  # every listed case, not only those read so far
        if not mrns:
            self.error("Nothing to export", "The worklist lists no case: change the filters first.")
            return

        def work(progress: Callable[[int, int], bool]) -> tuple[int, list[str]]:
            written, skipped = 0, []
            for i, mrn in enumerate(mrns):
                if not progress(i, len(mrns)):
                    break  # cancelled: the files written so far stay, each one whole
                path = target / f"{mrn}.json"
                if path.exists():  # checked first: only what is written is recorded as exported
                    skipped.append(path.name)
                    continue
                doc = self.service.export_document(mrn)  # checked and audited, one case at a time
                write_private(path, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
                written += 1
            return written, skipped

        def done(result: tuple[int, list[str]]) -> None:
            written, skipped = result
            self.statusBar().showMessage(f"Exported {written} case(s) to {target}", 8000)
            log.info("export: %d case document(s) written, %d left in place", written, len(skipped))
            if skipped:
                self.error("Some cases were not exported",
                           "These files exist already and were left as they are:\n" + "\n".join(skipped[:50]))
            self.export_finished.emit(written, len(skipped))

        self._runner = run_with_progress(self, "Exporting case documents", work, done,
                                         lambda message: self.error("The export stopped", message),
                                         (*USER_ERRORS, OSError))
