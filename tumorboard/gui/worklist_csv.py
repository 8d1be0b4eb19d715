"""File > Export listed cases as CSV: the worklist as filtered, one row per listed case, with the
same columns as ``tumorboard cases list --format csv``."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from tumorboard.interop.tabular import csv_text
from tumorboard.private_files import write_private
from tumorboard.store import StoreError

log = logging.getLogger(__name__)


def add_csv_export(window: Any, menu: QMenu, before: QAction) -> QAction:
    """The menu entry, put in ``menu`` (File) before ``before``; the window keeps the worklist
    model (``window.model``) and the case service (``window.service``)."""
    action = QAction("Export listed cases as &CSV...", window)
    action.setStatusTip("Write the cases listed in the worklist (as filtered) as one CSV file")
    action.triggered.connect(lambda: _ask_and_export(window))
    menu.insertAction(before, action)
    return action


def _ask_and_export(window: Any) -> None:
    from PySide6.QtWidgets import QFileDialog

    name, _ = QFileDialog.getSaveFileName(window, "Export listed cases as CSV", "worklist.csv",
                                          "CSV files (*.csv)")
    if name:
        export_worklist_csv(window, Path(name))


def export_worklist_csv(window: Any, path: Path) -> int:
    """Write the listed rows to ``path``; returns how many. Patient data leaving the system: the
    role is checked and the export recorded before the file is written."""
    # Here, not at the top: the interop service brings the FHIR export, no part of the app's start.
    from tumorboard.services.interop import WORKLIST_COLUMNS, ListingExport, worklist_records

    rows = window.model.fetch_all()  # every listed row, not only those the view has read so far
    if not rows:
        window.error("Nothing to export", "The worklist lists no case: change the filters first.")
        return 0
    service = window.service
    try:
        ListingExport(service.db, actor=service.actor, user=service.user).record("worklist", len(rows),
                                                                                  "a file")
        # With a byte-order mark: spreadsheet programs then read names with accents correctly.
        write_private(path, "\ufeff" + csv_text(worklist_records(rows), WORKLIST_COLUMNS))
    except (StoreError, PermissionError, OSError) as exc:
        window.error("The CSV export failed", str(exc))
        return 0
    window.statusBar().showMessage(f"Exported {len(rows)} case(s) to {path}", 8000)
    log.info("export: worklist of %d case(s) written as CSV", len(rows))
    return len(rows)
