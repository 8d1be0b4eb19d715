"""Consistent copies of a SQLite database while it is in use (SQLite online backup API), and the
daily automatic backup kept beside the database.

Every file written here holds patient data: created readable by its owner only (0600), written
under a temporary name and moved into place, so a reader never finds half a backup.
"""

from __future__ import annotations

import logging
import os
import re
from datetime import date
from pathlib import Path

from tumorboard.store import encryption
from tumorboard.store.errors import StoreError

log = logging.getLogger(__name__)

KEEP_ENV = "TUMORBOARD_BACKUP_KEEP"
DEFAULT_KEEP = 14
BACKUP_FOLDER = "backups"


def _create_private(path: Path) -> None:
    """Create (or empty) ``path`` readable by its owner only (patient data)."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    try:
        if hasattr(os, "fchmod"):  # POSIX; O_CREAT's mode does not apply to a file already there
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX); a no-op where folders cannot be opened."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sqlite_uri(path: Path, **params: str) -> str:
    """A ``file:`` URI for ``path`` that survives '?', '#' and '%' in folder names."""
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return path.resolve().as_uri() + (f"?{query}" if query else "")


def backup_sqlite(source: Path, destination: Path) -> Path:
    if destination.exists() and destination.is_dir():
        raise StoreError(f"{destination} is a folder; give a file name for the backup")
    if destination.resolve() == source.resolve():
        raise StoreError("the backup must not overwrite the database itself")
    destination.parent.mkdir(parents=True, exist_ok=True)
    # One temporary name per process: two workstations starting the same morning may both take
    # the daily backup of a shared file; neither may write into the other's half-done copy.
    tmp = destination.with_name(f"{destination.name}.{os.getpid()}.part")
    try:
        _create_private(tmp)
        key = encryption.key_for(source)  # a backup of an encrypted database is encrypted alike
        src = encryption.connect(sqlite_uri(source, mode="ro"), key, uri=True)
        try:
            dst = encryption.connect(tmp, key)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")  # a backup is one self-contained file
            finally:
                dst.close()
        finally:
            src.close()
        os.replace(tmp, destination)
        fsync_folder(destination.parent)
    except encryption.driver_errors() as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"the backup to {destination} failed: {exc}") from None
    except StoreError:
        tmp.unlink(missing_ok=True)
        raise
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"cannot write the backup {destination}: {exc.strerror or exc}") from None
    return destination


def backups_folder(db_path: Path) -> Path:
    """Where automatic backups of ``db_path`` go: ``backups/`` beside the database."""
    return db_path.parent / BACKUP_FOLDER


def backup_keep(keep: int | None = None) -> int:
    """How many daily backups to keep: ``keep``, else TUMORBOARD_BACKUP_KEEP, else 14 (0 = none)."""
    if keep is not None:
        if keep < 0:
            raise ValueError(f"keep must be 0 or more, not {keep}")
        return keep
    value = os.environ.get(KEEP_ENV, "").strip()
    if not value:
        return DEFAULT_KEEP
    try:
        parsed = int(value)
    except ValueError:
        parsed = -1
    if parsed < 0:
        # Opening the database must not fail over a typing error in a setting; say so and go on.
        log.warning("%s=%r is not a whole number of 0 or more; keeping %d daily backups",
                    KEEP_ENV, value, DEFAULT_KEEP)
        return DEFAULT_KEEP
    return parsed


def _daily_pattern(stem: str) -> re.Pattern[str]:
    return re.compile(rf"{re.escape(stem)}-daily-\d{{4}}-\d{{2}}-\d{{2}}\.sqlite3")


def daily_backup_path(db_path: Path, day: date) -> Path:
    return backups_folder(db_path) / f"{db_path.stem}-daily-{day.isoformat()}.sqlite3"


def rotate_daily_backups(db_path: Path, keep: int) -> list[Path]:
    """Delete the oldest daily backups of ``db_path`` beyond ``keep``; returns those deleted.

    Only files named exactly as the daily backup names them are touched: the backups taken
    before an upgrade and anything a user put in the folder stay.
    """
    folder = backups_folder(db_path)
    if not folder.is_dir():
        return []
    pattern = _daily_pattern(db_path.stem)
    daily = sorted(p for p in folder.iterdir() if pattern.fullmatch(p.name) and p.is_file())
    doomed = daily[:-keep] if keep > 0 else daily
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


def daily_backup(db_path: Path, *, keep: int | None = None, today: date | None = None) -> Path | None:
    """On the first open of the day, copy the database into ``backups/`` and keep the last ``keep``.

    Returns the backup written, or None (already taken today, turned off with keep 0, or it
    failed). A failed backup is logged, not raised: a full disk must not keep the board from its
    cases on meeting day, and the next open tries again.
    """
    count = backup_keep(keep)
    if count == 0:
        return None
    target = daily_backup_path(db_path, today or date.today())
    if target.exists():
        return None
    folder = target.parent
    try:
        if not folder.exists():
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # backups are patient data too
        backup_sqlite(db_path, target)
        removed = rotate_daily_backups(db_path, count)
    except (StoreError, OSError) as exc:
        log.warning("daily backup into %s failed: %s", folder, exc)
        return None
    log.info("daily backup written: %s (%d older removed, keeping %d)", target, len(removed), count)
    return target
