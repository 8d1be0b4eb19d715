"""``tumorboard db upgrade | current | backup PATH | verify | check | restore PATH``."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from tumorboard import __version__
from tumorboard.cli import EXIT_FAILURE, EXIT_INVALID, EXIT_OK, CliError
from tumorboard.commands.common import (
    add_database_option,
    open_database,
    open_for_reading,
    signed_in_user,
)
from tumorboard.commands.exit_codes import EXIT_CHECK_FAILED
from tumorboard.store import Database, StoreError

log = logging.getLogger(__name__)


def register(sub: Any) -> None:
    p = sub.add_parser("db", help="database schema and backups")
    add_database_option(p)
    dbsub = p.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = dbsub.add_parser("upgrade", help="create or upgrade the database to this app's schema "
                                          "(an existing database is backed up first)")
    add_database_option(up)
    up.add_argument("--migration-database", metavar="URL", default=None,
                    help="PostgreSQL: run the upgrade as the schema's owner at this URL (default: "
                         "TUMORBOARD_MIGRATION_DATABASE_URL), then grant the app's own role (the user of "
                         "--database / TUMORBOARD_DATABASE_URL, or TUMORBOARD_APP_ROLE) its data rights, "
                         "not ownership")
    up.set_defaults(handler=run_upgrade)
    cur = dbsub.add_parser("current", help="show the database location and schema revision")
    add_database_option(cur)
    cur.set_defaults(handler=run_current)
    bk = dbsub.add_parser("backup", help="consistent copy of the SQLite database, safe while in use")
    bk.add_argument("path", metavar="PATH")
    add_database_option(bk)
    bk.set_defaults(handler=run_backup)
    vf = dbsub.add_parser(
        "verify", help="check the record: the audit trail's hash chain, the database's guards and "
                       "every signed meeting; exit 5 when something was changed outside tumorboard",
        description="Walks the audit trail's hash chain (a row changed, removed or inserted breaks it), "
                    "compares its head, checks that the triggers guarding the record are present and "
                    "enabled, and that each signed meeting's PDF, hash and decisions are what was "
                    "recorded. Reads only.")
    add_database_option(vf)
    vf.set_defaults(handler=run_verify)
    ck = dbsub.add_parser(
        "check", help="the full check: every page and index of the SQLite file (integrity_check), "
                      "the audit trail and signed meetings (as db verify) and every clinical row's "
                      "checksum; exit 5 on damage",
        description="Runs SQLite's integrity_check on the file (every page and every index), then "
                    "what db verify checks, then the checksum of every row holding clinical content "
                    "(patients, cases, lesions, therapies, RECIST, decisions). Reads only. Exit 0: "
                    "nothing found; exit 5: damage found (restore a backup).")
    add_database_option(ck)
    ck.set_defaults(handler=run_check)
    rs = dbsub.add_parser(
        "restore", help="replace the SQLite database by a backup (close the app first)",
        description="Replace the SQLite database by a backup. The backup is checked first (an intact "
                    "tumorboard database this version can open) and refused otherwise with nothing "
                    "changed. The replaced database is kept beside it as <name>.replaced-<UTC time>. "
                    "Close tumorboard on every workstation that uses the database first: a database "
                    "in use is refused.")
    en = dbsub.add_parser(
        "encrypt", help="encrypt the SQLite database at rest (SQLCipher; close the app first)",
        description="Converts the SQLite database into an encrypted one (SQLCipher, install "
                    "tumorboard[encryption]) with the passphrase in TUMORBOARD_DB_KEY or asked for "
                    "twice. From then on it opens only with that passphrase (TUMORBOARD_DB_KEY, the "
                    "prompt, or the system keyring with --keyring), and its backups are encrypted "
                    "with it. The unencrypted original is kept beside it until you delete it.")
    en.add_argument("--keyring", action="store_true",
                    help="also keep the passphrase in the system keyring (needs the keyring package)")
    add_database_option(en)
    en.set_defaults(handler=run_encrypt)
    rs.add_argument("path", metavar="PATH", help="the backup file to restore")
    add_database_option(rs)
    rs.set_defaults(handler=run_restore)


def run_upgrade(args: argparse.Namespace) -> int:
    import os

    from tumorboard.store.schema import APP_ROLE_ENV, MIGRATION_URL_ENV

    owner = args.migration_database or os.environ.get(MIGRATION_URL_ENV, "").strip() or None
    if owner is None:
        db = open_database(args)
    else:
        role = os.environ.get(APP_ROLE_ENV, "").strip() or _app_role(getattr(args, "database", None))
        try:
            db = Database.open(owner, app_role=role)
        except StoreError as exc:
            raise CliError(f"database: {exc}") from None
        if role:
            print(f"role {role}: data rights granted (not ownership)")
    try:
        print(f"{db.location}: schema {db.revision()} (tumorboard {__version__})")
    finally:
        db.close()
    return EXIT_OK


def _app_role(database: str | None) -> str | None:
    """The user name of the app's own database URL, when it is a PostgreSQL URL with one."""
    from tumorboard.store.location import database_user, resolve_database_url

    try:
        return database_user(resolve_database_url(database))
    except StoreError:
        return None


EXIT_DAMAGED = EXIT_CHECK_FAILED


def run_verify(args: argparse.Namespace) -> int:
    from tumorboard.services.integrity import verify_record

    db, _user = open_for_reading(args)  # findings name records (a record number): signed in
    try:
        result = verify_record(db)
    except StoreError as exc:
        raise CliError(f"database: {exc}") from None
    finally:
        db.close()
    seq, digest = result.head
    print(f"audit trail: {result.rows} row(s), head seq {seq} SHA-256 {digest}")
    print(f"signed meetings checked: {result.signed_meetings}")
    if result.ok:
        print("the record is intact")
        return EXIT_OK
    for finding in result.findings:
        print(f"BROKEN {finding}")
    print(f"{len(result.findings)} problem(s): the record was changed outside tumorboard; restore a "
          "verified backup and keep this copy for investigation")
    return EXIT_DAMAGED


def run_check(args: argparse.Namespace) -> int:
    from tumorboard.services.integrity import full_check
    from tumorboard.store.location import resolve_database_url, sqlite_path
    from tumorboard.store.schema import sqlite_integrity_problem

    try:
        path = sqlite_path(resolve_database_url(getattr(args, "database", None)))
    except StoreError as exc:
        raise CliError(f"check: {exc}") from None
    if path is not None and path.is_file() and path.stat().st_size > 0:
        # Before opening: a file too damaged to open is still a finding, not a refusal.
        problem = sqlite_integrity_problem(path, full=True)
        if problem is not None:
            print(f"DAMAGED {path}: SQLite's integrity check failed: {problem}")
            print("the file is damaged: restore a verified backup (`tumorboard db restore BACKUP`; "
                  f"the automatic backups are in {path.parent / 'backups'}) and keep this copy for "
                  "investigation")
            return EXIT_DAMAGED
        from tumorboard.store.daily_chores import forget_problem

        forget_problem(path)  # every page read fine now: an earlier finding no longer holds
    db, _user = open_for_reading(args)  # findings name records: signed in
    try:
        report = full_check(db)
    finally:
        db.close()
    print(f"checked {db.location}: " + "; ".join(report.checked))
    if report.ok:
        print("no damage found")
        return EXIT_OK
    for problem in report.problems:
        print(f"DAMAGED {problem}")
    print(f"{len(report.problems)} problem(s): restore a verified backup (`tumorboard db restore BACKUP`) "
          "and keep this copy for investigation")
    return EXIT_DAMAGED


def run_current(args: argparse.Namespace) -> int:
    # The location and schema revision only (no patient data): no sign-in. Reads: a missing
    # database is an error, and an older one is reported, not upgraded.
    db = open_database(args, read_only=True, allow_older=True)
    try:
        from tumorboard.store.schema import head_revision

        revision = db.revision()
        state = "up to date" if revision == head_revision() else f"needs upgrade to {head_revision()}"
        print(f"{db.location}: schema {revision or 'none (new database)'} ({state})")
    finally:
        db.close()
    return EXIT_OK


def run_backup(args: argparse.Namespace) -> int:
    # A copy of every patient's record leaves the database: an administrator's sign-in once it has
    # accounts, and audited. It only reads the data: a missing database is an error; an older one
    # is refused (`db upgrade` backs it up before it migrates anything).
    from tumorboard.services.record_copies import RecordCopies

    db, user = open_for_reading(args)
    try:
        path = RecordCopies(db, "cli", user=user).backup(Path(args.path))
    except StoreError as exc:
        raise CliError(f"backup: {exc}", code=EXIT_FAILURE) from None
    finally:
        db.close()
    log.info("backup written: %s", path)
    print(f"backup written: {path}")
    return EXIT_OK


def _sqlite_file(args: argparse.Namespace, verb: str, not_sqlite: str) -> Path:
    """The SQLite file the command acts on (never opened here), or a one-line refusal."""
    from tumorboard.store.location import resolve_database_url, sqlite_path

    try:
        path = sqlite_path(resolve_database_url(getattr(args, "database", None)))
    except StoreError as exc:
        raise CliError(f"{verb}: {exc}") from None
    if path is None:
        raise CliError(f"{verb}: {not_sqlite}", code=EXIT_INVALID)
    return path


def run_restore(args: argparse.Namespace) -> int:
    # Not through open_database: restoring must not migrate or back up the database it replaces (a
    # damaged database is exactly what a restore is for). A database that opens and has accounts
    # needs an administrator's sign-in; one that is missing or cannot be read has nobody to sign in
    # to, and its file's permissions guard it.
    from tumorboard.domain.users import AccessDenied
    from tumorboard.services.record_copies import restore
    from tumorboard.store.errors import DatabaseTooNew
    from tumorboard.store.restore import RestoreRefused, check_backup

    target = _sqlite_file(args, "restore", "restore is for the SQLite database; restore a PostgreSQL "
                                           "database with pg_restore (or psql for a plain dump)")
    from tumorboard.store.encryption import key_for

    backup = Path(args.path)
    try:
        check_backup(backup, key_for(target))  # before asking for a password: a wrong file is named
    except RestoreRefused as exc:
        raise CliError(f"restore: {exc}", code=EXIT_INVALID) from None
    current: Database | None = None
    user = None
    if target.exists():
        try:
            current = Database.open(str(target), read_only=True, allow_older=True)
        except DatabaseTooNew as exc:
            raise CliError(f"restore: {exc}", code=EXIT_INVALID) from None
        except StoreError:
            current = None  # damaged or empty: replaced without a sign-in (nobody can sign in to it)
    if current is not None:
        try:
            user = signed_in_user(args, current)
        except StoreError as exc:
            current.close()
            raise CliError(f"restore: {exc}; nothing was changed", code=EXIT_FAILURE) from None
        except BaseException:
            current.close()
            raise
    try:
        done = restore(target, backup, user=user, actor="cli", current=current)
    except AccessDenied as exc:
        raise CliError(f"restore: {exc}; nothing was changed") from None  # exit 3 (exit_codes)
    except RestoreRefused as exc:
        raise CliError(f"restore: {exc}", code=EXIT_INVALID) from None
    except StoreError as exc:
        raise CliError(f"restore: {exc}", code=EXIT_FAILURE) from None
    result = done.result
    print(f"restored {result.database} from {args.path} (schema {result.revision})")
    if result.replaced is not None:
        print(f"the database it replaced is kept as {result.replaced}")
    if done.audit_problem is not None:
        raise CliError(f"restore: the backup is in place, but the restore could not be recorded in its "
                       f"audit trail: {done.audit_problem}", code=EXIT_FAILURE)
    return EXIT_OK


def run_encrypt(args: argparse.Namespace) -> int:
    # The whole record, rewritten: an administrator's sign-in once it has accounts, and audited.
    import getpass
    import os
    import sys

    from tumorboard.services.record_copies import RecordCopies
    from tumorboard.store import encryption

    path = _sqlite_file(args, "encrypt", "encryption at rest is for the SQLite database; a server's "
                                         "disks are encrypted by the server")
    if encryption.looks_encrypted(path):
        raise CliError(f"encrypt: {path} is encrypted already; nothing was changed")
    from_env = os.environ.get(encryption.KEY_ENV) or None
    passphrase = from_env
    if passphrase is None and sys.stdin.isatty():
        passphrase = getpass.getpass("New passphrase for the database: ")
        if passphrase != getpass.getpass("The same passphrase again: "):
            raise CliError("encrypt: the two passphrases differ; nothing was changed")
    elif passphrase is None:
        raise CliError(f"encrypt: give the passphrase in {encryption.KEY_ENV}, or run the command in a "
                       "terminal to be asked")
    if from_env is not None:
        del os.environ[encryption.KEY_ENV]  # the file is not encrypted yet: opened without it
    try:
        db, user = open_for_reading(args)
        try:
            RecordCopies(db, "cli", user=user).record_encryption()
        except StoreError as exc:
            raise CliError(f"encrypt: {exc}", code=EXIT_FAILURE) from None
        finally:
            db.close()
        try:
            kept = encryption.encrypt_database(path, passphrase)
            if args.keyring:
                encryption.store_in_keyring(path, passphrase)
        except StoreError as exc:
            raise CliError(f"encrypt: {exc}", code=EXIT_FAILURE) from None
    finally:
        if from_env is not None:
            os.environ[encryption.KEY_ENV] = from_env
    print(f"encrypted {path}; it opens only with its passphrase from now on")
    print(f"the unencrypted original is kept as {kept}: delete it, and the older backups in "
          f"{path.parent / 'backups'} (not encrypted), once you have checked the encrypted database")
    return EXIT_OK
