"""Consistent copies of a SQLite database while it is in use (SQLite online backup API), and the
daily automatic backup kept beside the database.

Every file written here holds patient data: created readable by its owner only (0600), written
under a temporary name and moved into place, so a reader never finds half a backup.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from datetime import date
from pathlib import Path

from tumorboard.store import encryption
from tumorboard.store.errors import StoreError

log = logging.getLogger(__name__)

KEEP_ENV = "TUMORBOARD_BACKUP_KEEP"
DEFAULT_KEEP = 7  # daily generations
KEEP_WEEKLY = 4
KEEP_MONTHLY = 12
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


def verify_backup(path: Path, key: str | None = None) -> str:
    """The schema revision of the backup at ``path`` once it passed its check: an intact SQLite
    file (``integrity_check``, read-only; opened with ``key`` when the database is encrypted),
    with tumorboard's tables, at a revision this app knows. StoreError (saying what) otherwise."""
    from tumorboard.store.schema import known_revisions

    try:
        con = encryption.connect(sqlite_uri(path, mode="ro", immutable="1"), key, uri=True)
        try:
            check = con.execute("PRAGMA integrity_check").fetchall()
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            row = (con.execute("SELECT version_num FROM alembic_version").fetchone()
                   if "alembic_version" in tables else None)
        finally:
            con.close()
    except encryption.driver_errors() as exc:
        raise StoreError(f"the backup {path} cannot be read back ({exc})") from None
    if check != [("ok",)]:
        raise StoreError(f"the backup {path} failed the integrity check "
                         f"({check[0][0] if check else 'no answer'})")
    missing = {"alembic_version", "tumorboard_meta", "patients", "cases", "audit_log"} - tables
    if missing:
        raise StoreError(f"the backup {path} is not a tumorboard database (no {', '.join(sorted(missing))})")
    if row is None or row[0] not in known_revisions():
        raise StoreError(f"the backup {path} has no schema revision this tumorboard knows "
                         f"({row[0] if row else 'none'})")
    return str(row[0])


def backup_sqlite(source: Path, destination: Path) -> Path:
    """Copy ``source`` to ``destination`` (online backup) and check the copy before it takes its
    name (``verify_backup``): a file under a backup's name has always passed that check."""
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
        try:
            verify_backup(tmp, key)
        except StoreError as exc:
            raise StoreError(f"the backup to {destination} was not kept: {exc}") from None
        os.replace(tmp, destination)
        fsync_folder(destination.parent)
    except encryption.driver_errors() as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"the backup to {destination} failed: {exc}") from None
    except StoreError:
        tmp.unlink(missing_ok=True)
        raise
    except OSError as exc:
        raise StoreError(f"cannot write the backup {destination}: {exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)
    return destination


def backups_folder(db_path: Path) -> Path:
    """Where automatic backups of ``db_path`` go: ``backups/`` beside the database."""
    return db_path.parent / BACKUP_FOLDER


def backup_keep(keep: int | None = None) -> int:
    """How many daily backups to keep: ``keep``, else TUMORBOARD_BACKUP_KEEP, else 7 (0 = none).
    Weekly (4) and monthly (12) generations are kept besides them."""
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
    return re.compile(rf"{re.escape(stem)}-daily-(\d{{4}}-\d{{2}}-\d{{2}})\.sqlite3")


def daily_backup_path(db_path: Path, day: date) -> Path:
    return backups_folder(db_path) / f"{db_path.stem}-daily-{day.isoformat()}.sqlite3"


def daily_backups(db_path: Path) -> list[tuple[date, Path]]:
    """The daily backups of ``db_path``, newest first."""
    folder = backups_folder(db_path)
    if not folder.is_dir():
        return []
    pattern = _daily_pattern(db_path.stem)
    found = []
    for path in folder.iterdir():
        match = pattern.fullmatch(path.name)
        if match and path.is_file():
            try:
                found.append((date.fromisoformat(match.group(1)), path))
            except ValueError:
                continue
    return sorted(found, reverse=True)


def holds_cases(path: Path) -> bool:
    """Whether the backup at ``path`` holds at least one case (False if it cannot be read)."""
    try:
        con = sqlite3.connect(sqlite_uri(path, mode="ro", immutable="1"), uri=True)
        try:
            return con.execute("SELECT 1 FROM cases LIMIT 1").fetchone() is not None
        finally:
            con.close()
    except sqlite3.Error:
        return False


def backups_to_keep(backups: list[tuple[date, Path]], keep: int, *, weekly: int = KEEP_WEEKLY,
                    monthly: int = KEEP_MONTHLY) -> set[Path]:
    """Which of ``backups`` (newest first) the rotation keeps: the newest ``keep``, the newest of
    each of the last ``weekly`` ISO weeks and ``monthly`` months that have one, the newest of all,
    and the newest that holds any case when newer ones hold none (a database emptied by mistake
    must not push the last backup with data out)."""
    if keep == 0 or not backups:
        return set()
    kept = {path for _, path in backups[:keep]}
    kept.add(backups[0][1])
    weeks: set[tuple[int, int]] = set()
    months: set[tuple[int, int]] = set()
    for day, path in backups:
        iso = day.isocalendar()
        if (iso.year, iso.week) not in weeks and len(weeks) < weekly:
            weeks.add((iso.year, iso.week))
            kept.add(path)
        if (day.year, day.month) not in months and len(months) < monthly:
            months.add((day.year, day.month))
            kept.add(path)
    for _, path in backups:  # newest first: stop at the first that holds data
        if holds_cases(path):
            kept.add(path)
            break
    return kept


def rotate_daily_backups(db_path: Path, keep: int) -> list[Path]:
    """Delete the daily backups of ``db_path`` the rotation does not keep; returns those deleted.

    Only files named exactly as the daily backup names them are touched: the backups taken
    before an upgrade and anything a user put in the folder stay. Every file under that name
    passed its check when it was written (``backup_sqlite``).
    """
    backups = daily_backups(db_path)
    kept = backups_to_keep(backups, keep)
    doomed = [path for _, path in backups if path not in kept]
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


def daily_backup(db_path: Path, *, keep: int | None = None, today: date | None = None) -> Path | None:
    """On the first open of the day, copy the database into ``backups/``, check the copy, and
    rotate (``backups_to_keep``).

    Returns the backup written, or None (already taken today, turned off with keep 0, or it
    failed). A failed backup is logged, not raised: a full disk must not keep the board from its
    cases on meeting day, and the next open tries again. A copy that fails its check is not kept
    and nothing older is removed.
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
    except (StoreError, OSError) as exc:
        log.error("daily backup into %s failed, older backups kept: %s", folder, exc)
        return None
    try:
        removed = rotate_daily_backups(db_path, count)
    except OSError as exc:
        log.warning("rotating the daily backups in %s failed: %s", folder, exc)
        removed = []
    log.info("daily backup written and checked: %s (%d older removed)", target, len(removed))
    return target
