"""Consistent copies of a SQLite database while it is in use (SQLite online backup API)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from tumorboard.store.errors import StoreError


def _create_private(path: Path) -> None:
    """Create ``path`` readable by its owner only (patient data)."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    os.close(fd)


def backup_sqlite(source: Path, destination: Path) -> Path:
    if destination.exists() and destination.is_dir():
        raise StoreError(f"{destination} is a folder; give a file name for the backup")
    if destination.resolve() == source.resolve():
        raise StoreError("the backup must not overwrite the database itself")
    destination.parent.mkdir(parents=True, exist_ok=True)
    tmp = destination.with_name(destination.name + ".part")
    try:
        _create_private(tmp)
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")  # a backup is one self-contained file
            finally:
                dst.close()
        finally:
            src.close()
        os.replace(tmp, destination)
    except sqlite3.Error as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"the backup to {destination} failed: {exc}") from None
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"cannot write the backup {destination}: {exc.strerror or exc}") from None
    return destination
