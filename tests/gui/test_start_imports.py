"""What starting the app and the small commands import: only what they use (issue 15).

Each check runs in a fresh interpreter, so that what this test session imported does not count.
A regression (a module-level ``import pyhanko`` back on the way to the window, say) fails here,
by name, long before anyone times a start.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from prepared_databases import copy_database

ROOT = Path(__file__).resolve().parents[2]

# Signing and verifying (pyHanko, its aiohttp timestamp client, cryptography's X.509), the PDF
# renderer, the migrations, the reference schema validator, the FHIR export: each is loaded when
# its work is asked for, never to show the window.
NOT_FOR_THE_WINDOW = ("pyhanko", "pyhanko_certvalidator", "aiohttp", "cryptography.x509", "reportlab",
                      "alembic", "jsonschema", "tumorboard.reports", "tumorboard.interop.fhir_bundle",
                      # imported when first opened (gui/window/meeting_commands.py, case_commands.py)
                      "tumorboard.gui.meetings.meeting_window", "tumorboard.gui.meetings.boards_dialog",
                      "tumorboard.gui.meetings.decision_dialogs", "tumorboard.gui.case.referral_form")
NOT_FOR_RECOMMEND = ("sqlalchemy", "PySide6", "shiboken6", "reportlab", "pyhanko", "alembic", "jsonschema",
                     "yaml", "keyring", "cryptography", "tumorboard.store", "tumorboard.services",
                     "tumorboard.gui",
                     # OpenSSL's hashes: the kept files are named by CPython's own SHA-256
                     # (tumorboard/cache_folder.content_key), which every standard build has.
                     "_hashlib")


def _modules(script: str, *args: str) -> set[str]:
    """The names in ``sys.modules`` after ``script`` ran in a new interpreter."""
    code = script + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)), file=sys.__stderr__)\n"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TUMORBOARD_LOG_LEVEL": "OFF"}
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          timeout=120, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def _loaded(modules: set[str], packages: tuple[str, ...]) -> list[str]:
    return sorted(p for p in packages if any(m == p or m.startswith(p + ".") for m in modules))


def test_importing_the_app_and_its_main_window_loads_no_signing_pdf_or_migrations() -> None:
    modules = _modules("import tumorboard.gui.app, tumorboard.gui.main_window")
    assert "PySide6.QtWidgets" in modules and "sqlalchemy" in modules  # what the window does need
    assert _loaded(modules, NOT_FOR_THE_WINDOW) == []


def test_the_shown_main_window_has_loaded_no_signing_pdf_or_migrations(
        demo_template: Path, tmp_path: Path) -> None:
    database = copy_database(demo_template, tmp_path / "demo.sqlite3")
    modules = _modules(
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from tumorboard.gui.main_window import MainWindow\n"
        "from tumorboard.services.cases import CaseService\n"
        "from tumorboard.services.meetings import MeetingService\n"
        "from tumorboard.store import Database\n"
        "db = Database.open(sys.argv[1], check_integrity=False)\n"
        "window = MainWindow(CaseService(db), 'test', meetings=MeetingService(db))\n"
        "window.show()\n"
        "app.processEvents()\n"
        "assert window.model.rowCount() > 0\n"
        "window.home_reader.wait()\n", str(database))
    assert "tumorboard.gui.home.dashboard" in modules
    assert _loaded(modules, NOT_FOR_THE_WINDOW) == []


def test_recommend_loads_no_database_toolkit_pdf_or_signing(demo_template: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from tumorboard.services.accounts import DEMO_PASSWORD, DEMO_USERNAME, AccountService
    from tumorboard.services.cases import CaseService
    from tumorboard.store import Database

    db = Database.open(str(copy_database(demo_template, tmp_path / "demo.sqlite3")), check_integrity=False)
    try:
        chair = AccountService(db).authenticate(DEMO_USERNAME, DEMO_PASSWORD)
        case = tmp_path / "case.json"
        case.write_text(json.dumps(CaseService(db, user=chair).export_document("DEMO-0001")))
    finally:
        db.close()
    run = ("import sys\nfrom tumorboard.cli import main\n"
           "assert main(['recommend', sys.argv[1], '--as-of', '2026-11-28']) == 0\n")
    monkeypatch.setenv("TUMORBOARD_CACHE_DIR", str(tmp_path / "cache"))
    first = _modules(run, str(case))  # keeps what is generated once (the ruleset as JSON)
    modules = _modules(run, str(case))
    assert "tumorboard.recommend.engine" in modules and "yaml" in first  # it did evaluate
    assert _loaded(modules, NOT_FOR_RECOMMEND) == []
    assert _loaded(first, NOT_FOR_RECOMMEND) == ["yaml"]
