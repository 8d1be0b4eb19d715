"""Putting a backup back in place of the SQLite database (``tumorboard db restore``).

The backup is checked first (a SQLite file, intact, with tumorboard's tables, at a schema this
app can open) and refused otherwise with nothing touched. The database it replaces is kept
beside it as ``<name>.replaced-<UTC time>``; the backup is copied to a temporary file in the same
folder, flushed to disk and moved over the database in one rename, so the database path always
holds either the old database or the whole backup.

The app must be closed (on every workstation using the file) while restoring: a database that
another connection has open is refused as in use.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tumorboard import __version__
from tumorboard.store import encryption
from tumorboard.store.backup import fsync_folder, sqlite_uri
from tumorboard.store.errors import StoreError
from tumorboard.store.schema import SQLITE_MAGIC, known_revisions

log = logging.getLogger(__name__)

# What makes a SQLite file a tumorboard database (present since the first revision).
REQUIRED_TABLES = frozenset({"alembic_version", "tumorboard_meta", "patients", "cases", "audit_log"})
IN_USE_WAIT_S = 1.0


class RestoreRefused(StoreError):
    """The backup, or the moment, is not right for a restore; nothing was changed."""


@dataclass(frozen=True, slots=True)
class RestoreResult:
    database: Path
    revision: str
    replaced: Path | None  # where the database that was there is kept (None: there was none)


def check_backup(path: Path, key: str | None = None) -> str:
    """The schema revision of the tumorboard backup at ``path``; RestoreRefused if it is not one.

    Reads the file only, and through SQLite's ``immutable`` mode, so not even a lock or a
    ``-shm`` file is written beside it.
    """
    unchanged = "nothing was changed"
    if not path.exists():
        raise RestoreRefused(f"{path} does not exist; {unchanged}")
    if not path.is_file():
        raise RestoreRefused(f"{path} is not a file; {unchanged}")
    with path.open("rb") as fh:
        header = fh.read(len(SQLITE_MAGIC))
    if header != SQLITE_MAGIC and key is None:
        raise RestoreRefused(f"{path} is not a tumorboard backup (not an SQLite database, or an encrypted "
                             f"one without its key: {encryption.KEY_ENV}); {unchanged}")
    if header == SQLITE_MAGIC and key is not None:
        raise RestoreRefused(f"{path} is not encrypted, but the database is (a key is set); restore an "
                             f"encrypted backup, or unset {encryption.KEY_ENV}; {unchanged}")
    for suffix in ("-wal", "-journal"):
        # Unfinished writes beside it: reading the file alone would give a past or torn state.
        log_file = path.with_name(path.name + suffix)
        if log_file.exists() and log_file.stat().st_size > 0:
            raise RestoreRefused(
                f"{path} has a write-ahead log or journal beside it ({log_file.name}): it is a database "
                f"in use or a copy of one, not a backup; make one with 'tumorboard db backup' and "
                f"restore that; {unchanged}")
    try:
        con = encryption.connect(sqlite_uri(path, mode="ro", immutable="1"), key, uri=True)
        try:
            check = con.execute("PRAGMA integrity_check").fetchall()
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            revision = None
            meta: dict[str, str] = {}
            if tables >= REQUIRED_TABLES:
                row = con.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
                meta = dict(con.execute("SELECT key, value FROM tumorboard_meta").fetchall())
        finally:
            con.close()
    except encryption.WrongKey:
        raise RestoreRefused(f"{path} cannot be opened with the database's key (a backup of another "
                             f"database, or a wrong key); {unchanged}") from None
    except encryption.driver_errors() as exc:
        raise RestoreRefused(f"{path} is damaged or not a database ({exc}); {unchanged}") from None
    if check != [("ok",)]:
        first = check[0][0] if check else "no answer"
        raise RestoreRefused(f"{path} failed the integrity check ({first}); {unchanged}")
    if not tables >= REQUIRED_TABLES:
        listed = ", ".join(sorted(tables)[:5]) or "none"
        raise RestoreRefused(
            f"{path} is an SQLite database but not a tumorboard database (tables: {listed}); {unchanged}")
    if revision is None:
        raise RestoreRefused(f"{path} has no schema revision; it is not a usable backup; {unchanged}")
    if revision not in known_revisions():
        needed = meta.get("min_app_version")
        wanted = f"tumorboard {needed} or newer" if needed else "a newer version of tumorboard"
        raise RestoreRefused(
            f"{path} was written by a newer tumorboard (schema {revision}); it needs {wanted}, this is "
            f"tumorboard {__version__}; {unchanged}")
    return str(revision)


def _hold_exclusively(target: Path) -> Any:
    """An exclusive lock on the database about to be replaced, or RestoreRefused if it is in use.

    Leaving WAL mode needs the only connection to the file, so it is the test for "in use"; it
    also folds the write-ahead log into the file, so the copy kept aside is complete on its own.
    None for a file SQLite cannot read (a damaged database is replaced all the same).
    """
    try:
        con = encryption.connect(target, encryption.key_for(target), timeout=IN_USE_WAIT_S,
                                 isolation_level=None)
    except encryption.WrongKey:
        return None  # cannot be read with the key: replaced all the same, as a damaged file is
    try:
        mode = con.execute("PRAGMA journal_mode=DELETE").fetchone()
        if mode is None or str(mode[0]).lower() != "delete":
            raise sqlite3.OperationalError("database is locked")
        con.execute("BEGIN EXCLUSIVE")  # no one opens it until the backup is in its place
    except encryption.driver_errors() as exc:
        if type(exc).__name__ != "OperationalError":  # sqlite3's or sqlcipher3's
            con.close()
            return None  # a damaged database is replaced all the same
        con.close()
        if "locked" in str(exc).lower() or "busy" in str(exc).lower():
            raise RestoreRefused(
                f"{target} is in use; close tumorboard (on every workstation that uses this file) "
                "and try again; nothing was changed") from None
        raise RestoreRefused(f"cannot take {target} for the restore ({exc}); nothing was changed") from None
    return con


def _keep_aside(target: Path, stamp: str) -> Path:
    kept = target.with_name(f"{target.name}.replaced-{stamp}")
    n = 1
    while kept.exists():  # two restores in one second: do not overwrite the first one's copy
        n += 1
        kept = target.with_name(f"{target.name}.replaced-{stamp}-{n}")
    try:
        os.link(target, kept)  # the same file under a second name: instant, nothing to copy
    except OSError:
        shutil.copyfile(target, kept)  # file systems without hard links
        with kept.open("rb+") as fh:
            os.fsync(fh.fileno())
    kept.chmod(0o600)
    for suffix in ("-wal", "-shm"):  # a damaged database's log belongs with it, not the backup
        side = target.with_name(target.name + suffix)
        if side.exists():
            os.replace(side, kept.with_name(kept.name + suffix))
    return kept


def _private_copy(source: Path, folder: Path, name: str) -> Path:
    tmp = folder / f".{name}.restore-{os.getpid()}.part"
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as src:
            shutil.copyfileobj(src, out, 1024 * 1024)
            out.flush()
            os.fsync(out.fileno())
        if tmp.stat().st_size != source.stat().st_size:
            raise OSError(f"the copy of {source} is incomplete")
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def restore_sqlite(backup: Path, target: Path, *, now: datetime | None = None) -> RestoreResult:
    """Replace the database ``target`` by ``backup``, keeping the replaced one aside."""
    revision = check_backup(backup, encryption.key_for(target))
    if target.exists() and target.is_dir():
        raise RestoreRefused(f"{target} is a folder, not a database; nothing was changed")
    if target.exists() and os.path.samefile(backup, target):
        raise RestoreRefused(f"{backup} is the database itself; nothing was changed")
    if not target.exists():
        for suffix in ("-wal", "-journal"):
            # SQLite would replay a stray log into the restored file and corrupt it.
            stray = target.with_name(target.name + suffix)
            if stray.exists():
                raise RestoreRefused(f"{stray} is there without its database; move it away and try "
                                     "again; nothing was changed")
    target.parent.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    holder = _hold_exclusively(target) if target.exists() else None
    tmp: Path | None = None
    try:
        tmp = _private_copy(backup, target.parent, target.name)
        kept = _keep_aside(target, stamp) if target.exists() else None
        os.replace(tmp, target)
        tmp = None
        fsync_folder(target.parent)
    except OSError as exc:
        raise StoreError(f"the restore of {target} failed: {exc.strerror or exc}; the database "
                         "was not replaced") from None
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        if holder is not None:
            holder.close()  # the lock was on the replaced file, now kept aside
    log.info("restored %s from %s (schema %s); the replaced database is kept as %s",
             target, backup, revision, kept)
    return RestoreResult(target, revision, kept)
