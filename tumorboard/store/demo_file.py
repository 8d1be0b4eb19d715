"""Which day a demo database file was built for, read without opening it as a database
(``--demo`` reuses one built the same day: its dates are relative to that day)."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from tumorboard.store.backup import sqlite_uri
from tumorboard.store.schema import head_revision

BUILT_KEY = "demo_built_for"


def built_for(path: Path) -> date | None:
    """The day the demo at ``path`` was built for, if it is one at this app's schema (else None:
    build it again)."""
    if not path.is_file():
        return None
    try:
        con = sqlite3.connect(sqlite_uri(path, mode="ro"), uri=True)
        try:
            revision = con.execute("SELECT version_num FROM alembic_version").fetchone()
            row = con.execute("SELECT value FROM tumorboard_meta WHERE key = ?", (BUILT_KEY,)).fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return None
    if revision is None or revision[0] != head_revision() or row is None:
        return None
    try:
        return date.fromisoformat(str(row[0]))
    except ValueError:
        return None
