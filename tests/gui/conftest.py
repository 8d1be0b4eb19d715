"""GUI fixtures: a demo database, a main window with its settings kept in a temporary folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

# Offscreen before the first Qt import, also when this folder is run on its own (tests/conftest.py
# says the same for the whole suite).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from prepared_databases import PreparedDatabases, Template, filled
from PySide6.QtCore import QCoreApplication, QSettings

from tumorboard.domain.users import User
from tumorboard.services.accounts import DEMO_PASSWORD, DEMO_USERNAME, AccountService
from tumorboard.services.cases import CaseService
from tumorboard.services.demo import populate_demo
from tumorboard.store import Database

TODAY = date(2026, 11, 28)
# The demo as of a fixed day, so that what the screens show does not depend on the day run.
GUI_DEMO = Template("gui-demo", filled(lambda db: populate_demo(db, TODAY)))


@pytest.fixture(autouse=True)
def private_settings(tmp_path: Path, qapp: object) -> None:
    QCoreApplication.setOrganizationName("tumorboard-tests")
    QCoreApplication.setApplicationName("tumorboard-tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))


@pytest.fixture(scope="session")
def demo_template(prepared: PreparedDatabases) -> Path:
    """The demo database (cases, board, a signed and an open meeting), built once per session."""
    return prepared.template(GUI_DEMO)


@pytest.fixture
def demo_db(tmp_path: Path, prepared: PreparedDatabases, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """A private copy of the demo database for one test (copying is much faster than rebuilding)."""
    target = prepared.copy(GUI_DEMO, tmp_path / "demo.sqlite3")
    monkeypatch.setenv("TUMORBOARD_BACKUP_KEEP", "0")  # no daily backup of a throwaway copy
    db = Database.open(str(target))
    yield db
    db.close()


@pytest.fixture
def demo_chair(demo_db: Database) -> User:
    """The demo database has accounts: the screens act as its demo chair, as `--demo` does."""
    return AccountService(demo_db).authenticate(DEMO_USERNAME, DEMO_PASSWORD)


@pytest.fixture
def service(demo_db: Database, demo_chair: User) -> CaseService:
    return CaseService(demo_db, today=lambda: TODAY, user=demo_chair)


@pytest.fixture(autouse=True)
def no_modal_dialogs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A modal dialog would wait forever offscreen: answer it and keep what it said.

    Questions are answered "Discard" (teardown closes windows that may hold edits); tests that
    check a dialog replace these with their own.
    """
    from PySide6.QtWidgets import QMessageBox

    said: list[str] = []

    def record(*args: object, **_kwargs: object) -> QMessageBox.StandardButton:
        said.append(" | ".join(str(a) for a in args[1:3]))
        return QMessageBox.StandardButton.Discard

    for name in ("question", "warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, name, record)
    return said
