"""The background integrity check and what the window does when it finds damage.

Part of the main window (``gui.main_window.MainWindow`` inherits it); the attributes it uses are
declared in ``gui.window.parts``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QMessageBox,
)

from tumorboard.gui.widgets.background import run_quietly
from tumorboard.gui.window.parts import WindowParts

log = logging.getLogger(__name__)


class DatabaseHealth(WindowParts):
    def _make_damage_banner(self) -> None:
        # Said at once, and stays said, when a check finds the database damaged.
        self.damage_banner = QLabel("")
        self.damage_banner.setObjectName("damageBanner")
        self.damage_banner.setAccessibleName("Database damaged")
        self.damage_banner.setWordWrap(True)
        self.damage_banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.damage_banner.setStyleSheet("QLabel#damageBanner { background: #b71c1c; color: white; "
                                         "font-weight: bold; padding: 8px; }")
        self.damage_banner.hide()

    def check_database_in_background(self, check: Callable[[], str | None],
                                     on_damage: Callable[[str], None] | None = None) -> None:
        """Run the database's full check (it reads every page, index and clinical row) while the
        board works; a problem found is said at once, with what to do about it (``report_damage``)."""

        def done(problem: object) -> None:
            self.integrity_checked = True
            if problem is None:
                log.info("database check passed (or already passed today)")
                return
            self.report_damage(str(problem), on_damage)

        # Kept (not deleted when done, not forgotten from the worker thread): closing the window
        # waits on it, and a close just as the check ends must not wait on a thread being deleted.
        self._integrity_runner = run_quietly(self, check, done, delete_when_done=False)

    def report_damage(self, problem: str, on_damage: Callable[[str], None] | None = None) -> None:
        """Damage found: a red banner that stays, a dialog now, and (``on_damage``) changes refused
        from here on, so that nothing more is written into a file that must be restored."""
        self.integrity_problem = problem
        log.error("database check failed: %s", problem)
        if on_damage is not None:
            on_damage(f"{self.database_location} is damaged ({problem}); restore the latest good backup")
        self.damage_banner.setText(
            f"The database is damaged: {problem}. Changes are refused from now on. Close tumorboard "
            "and restore the latest good backup (tumorboard db restore BACKUP).")
        self.damage_banner.show()
        QMessageBox.critical(
            self, "The database is damaged",
            f"The check of {self.database_location} found damage: {problem}.\n\n"
            "tumorboard refuses changes from now on; what is shown may be wrong. Stop entering data, "
            "close tumorboard and restore the latest good backup (tumorboard db restore BACKUP); "
            "the automatic backups are in the backups folder beside the database, and "
            "`tumorboard db check` checks a database in full.")
