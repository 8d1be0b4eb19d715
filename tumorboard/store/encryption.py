"""Optional encryption at rest of the SQLite database (SQLCipher through ``sqlcipher3``: install
``tumorboard[encryption]``).

A database is encrypted when a key is given for it: ``TUMORBOARD_DB_KEY`` (a passphrase; SQLCipher
derives the key from it with PBKDF2), a passphrase the command line or the app asked for at start
(``provide_key``), or the system keyring (``keyring``, service ``tumorboard``, the database's path
as the user name) when one is installed. Without a key nothing changes: the standard library's
``sqlite3`` opens the file as before. ``tumorboard db encrypt`` converts an existing file
(``sqlcipher_export``); backups of an encrypted database are encrypted with the same key.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

from tumorboard.store.errors import DatabaseUnavailable, StoreError

KEY_ENV = "TUMORBOARD_DB_KEY"
KEYRING_SERVICE = "tumorboard"
_given: dict[str, str] = {}


class WrongKey(StoreError):
    """The database is encrypted and the key given does not open it (or none was given)."""


def provide_key(path: Path, passphrase: str) -> None:
    """The passphrase asked for at start, for this process (never written anywhere)."""
    _given[str(path.resolve())] = passphrase


def key_for(path: Path) -> str | None:
    """The passphrase for the SQLite file ``path``, or None (the file is not encrypted)."""
    given = _given.get(str(path.resolve()))
    if given:
        return given
    value = os.environ.get(KEY_ENV)
    if value:
        return value
    return _from_keyring(path)


def _from_keyring(path: Path) -> str | None:
    if sys.platform != "darwin":
        # keyring's macOS backend loads the Security framework when it is imported, on every
        # platform: elsewhere ctypes looks for it with ldconfig, gcc and ld (three processes per
        # library, 0.06 s) before the import fails, as it must, and the backend is not viable
        # there anyway (it wants Darwin). Refused at once, the same backends are found.
        sys.modules.setdefault("keyring.backends.macOS.api", None)  # type: ignore[arg-type]
    try:
        import keyring
        from keyring.backends.fail import Keyring as NoKeyring
    except ImportError:
        return None
    with contextlib.suppress(Exception):  # a keyring that is locked or absent means "no key there"
        if isinstance(keyring.get_keyring(), NoKeyring):
            return None
        value = keyring.get_password(KEYRING_SERVICE, str(path.resolve()))
        return str(value) if value else None
    return None


def store_in_keyring(path: Path, passphrase: str) -> None:
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, str(path.resolve()), passphrase)
    except Exception as exc:  # ImportError, no backend, a locked keyring: the user is told
        raise StoreError(f"the key could not be kept in the system keyring ({exc}); set "
                         f"{KEY_ENV} instead") from None


def module() -> Any:
    """The ``sqlcipher3`` DB-API module; DatabaseUnavailable (with the install command) without it."""
    try:
        import sqlcipher3
    except ImportError:
        raise DatabaseUnavailable(
            "an encryption key is set, but SQLCipher is not installed; install tumorboard with its "
            "extra: pip install 'tumorboard[encryption]' (or unset TUMORBOARD_DB_KEY for an "
            "unencrypted database)") from None
    return sqlcipher3.dbapi2


def driver_errors() -> tuple[type[BaseException], ...]:
    """What either driver raises (sqlcipher3's errors are not sqlite3's)."""
    try:
        import sqlcipher3
    except ImportError:
        return (sqlite3.Error,)
    return (sqlite3.Error, sqlcipher3.dbapi2.Error)


def quote(passphrase: str) -> str:
    return "'" + passphrase.replace("'", "''") + "'"


def apply_key(connection: Any, passphrase: str) -> None:
    """The first statements on an encrypted connection: quiet logs, then the key."""
    connection.execute("PRAGMA cipher_log_level = NONE")
    connection.execute(f"PRAGMA key = {quote(passphrase)}")


def connect(target: str | Path, key: str | None, **kwargs: Any) -> Any:
    """A DB-API connection to a SQLite file or ``file:`` URI: ``sqlite3``'s without a key,
    SQLCipher's with it, the key checked at once (WrongKey)."""
    if key is None:
        return sqlite3.connect(target, **kwargs)
    con = module().connect(str(target), **kwargs)
    try:
        apply_key(con, key)
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except module().DatabaseError:
        con.close()
        raise WrongKey(f"{_name(target)} cannot be opened with the key given: the key is wrong, or the "
                       "file is not an encrypted tumorboard database; nothing was changed") from None
    return con


def _name(target: str | Path) -> str:
    text = str(target)
    if text.startswith("file:"):
        text = text[len("file:"):].split("?", 1)[0]
        if text.startswith("//"):
            text = text[2:]
    from urllib.parse import unquote

    return unquote(text)


def encrypt_copy(source: Path, destination: Path, key: str) -> None:
    """Write an encrypted copy of the unencrypted database ``source`` (SQLCipher's export)."""
    con = module().connect(str(source))
    try:
        con.execute("PRAGMA cipher_log_level = NONE")
        con.execute(f"ATTACH DATABASE {quote(str(destination))} AS encrypted KEY {quote(key)}")
        con.execute("SELECT sqlcipher_export('encrypted')")
        con.execute("DETACH DATABASE encrypted")
    finally:
        con.close()


def looks_encrypted(path: Path) -> bool:
    """A file that is there, not empty and not a plain SQLite file (SQLCipher encrypts the header)."""
    from tumorboard.store.schema import SQLITE_MAGIC

    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_MAGIC))
    except OSError:
        return False
    return len(header) == len(SQLITE_MAGIC) and header != SQLITE_MAGIC


def encrypt_database(path: Path, passphrase: str) -> Path:
    """Replace the unencrypted SQLite database ``path`` by an encrypted copy (same folder, moved
    into place in one rename after it was checked); returns where the unencrypted original is kept.

    The database must not be in use (as for a restore)."""
    from datetime import UTC, datetime

    from tumorboard.store.backup import fsync_folder
    from tumorboard.store.restore import RestoreRefused, _hold_exclusively, _keep_aside

    if looks_encrypted(path):
        raise StoreError(f"{path} is encrypted already; nothing was changed")
    if not passphrase:
        raise StoreError("the passphrase is empty; nothing was changed")
    module()  # SQLCipher installed, or say how
    holder = _hold_exclusively(path)
    if holder is None:
        raise RestoreRefused(f"{path} cannot be read; nothing was changed")
    tmp = path.with_name(f".{path.name}.encrypting-{os.getpid()}")
    try:
        tmp.unlink(missing_ok=True)
        fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
        tmp.unlink()  # SQLCipher writes the file itself; the name was only reserved
        encrypt_copy(path, tmp, passphrase)
        tmp.chmod(0o600)
        check = connect(tmp, passphrase)
        try:
            if check.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
                raise StoreError("the encrypted copy failed its integrity check; nothing was changed")
        finally:
            check.close()
        kept = _keep_aside(path, datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"))
        os.replace(tmp, path)
        fsync_folder(path.parent)
    except driver_errors() as exc:
        raise StoreError(f"encrypting {path} failed ({exc}); nothing was changed") from None
    finally:
        tmp.unlink(missing_ok=True)
        holder.close()
    return kept
