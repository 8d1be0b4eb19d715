"""Which day a demo database file was built for, read without opening it as a database
(``--demo`` reuses one built the same day: its dates are relative to that day)."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from tumorboard.store.backup import sqlite_uri
from tumorboard.store.schema import head_revision

BUILT_KEY = "demo_built_for"
EDITION = "2"
"""What the demo holds: raise it whenever services/demo.py builds different data, so a demo built
earlier the same day by an older build of the app is built again, not shown as if it were new.
Edition 2: every case carries a referral, and the signed meeting's cases were diagnosed before it."""


def built_note(day: date) -> str:
    """The value ``ensure_demo_database`` notes under BUILT_KEY."""
    return f"{day.isoformat()} edition {EDITION}"


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
    day, _, edition = str(row[0]).partition(" edition ")
    if edition != EDITION:
        return None
    try:
        return date.fromisoformat(day)
    except ValueError:
        return None
