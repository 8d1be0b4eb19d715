"""``tumorboard db upgrade | current | backup PATH | verify | check | restore PATH``."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from tumorboard import __version__
from tumorboard.cli import EXIT_FAILURE, EXIT_INVALID, EXIT_OK, CliError
from tumorboard.commands.common import add_database_option, open_database, open_for_reading
from tumorboard.store import StoreError

log = logging.getLogger(__name__)


def register(sub: Any) -> None:
    p = sub.add_parser("db", help="database schema and backups")
    add_database_option(p)
    dbsub = p.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = dbsub.add_parser("upgrade", help="create or upgrade the database to this app's schema "
                                          "(an existing database is backed up first)")
    add_database_option(up)
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
                       "every signed meeting; exit 3 when something was changed outside tumorboard",
        description="Walks the audit trail's hash chain (a row changed, removed or inserted breaks it), "
                    "compares its head, checks that the triggers guarding the record are present and "
                    "enabled, and that each signed meeting's PDF, hash and decisions are what was "
                    "recorded. Reads only.")
    add_database_option(vf)
    vf.set_defaults(handler=run_verify)
    ck = dbsub.add_parser(
        "check", help="the full check: every page and index of the SQLite file (integrity_check), "
                      "the audit trail and signed meetings (as db verify) and every clinical row's "
                      "checksum; exit 3 on damage",
        description="Runs SQLite's integrity_check on the file (every page and every index), then "
                    "what db verify checks, then the checksum of every row holding clinical content "
                    "(patients, cases, lesions, therapies, RECIST, decisions). Reads only. Exit 0: "
                    "nothing found; exit 3: damage found (restore a backup).")
    add_database_option(ck)
    ck.set_defaults(handler=run_check)
    rs = dbsub.add_parser(
        "restore", help="replace the SQLite database by a backup (close the app first)",
        description="Replace the SQLite database by a backup. The backup is checked first (an intact "
                    "tumorboard database this version can open) and refused otherwise with nothing "
                    "changed. The replaced database is kept beside it as <name>.replaced-<UTC time>. "
                    "Close tumorboard on every workstation that uses the database first: a database "
                    "in use is refused.")
    rs.add_argument("path", metavar="PATH", help="the backup file to restore")
    add_database_option(rs)
    rs.set_defaults(handler=run_restore)


def run_upgrade(args: argparse.Namespace) -> int:
    db = open_database(args)
    try:
        print(f"{db.location}: schema {db.revision()} (tumorboard {__version__})")
    finally:
        db.close()
    return EXIT_OK


EXIT_DAMAGED = 3


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
    # A copy of every patient's record leaves the database: signed in once it has accounts. It
    # only reads: a missing database is an error; an older one is refused (`db upgrade` backs it
    # up before it migrates anything).
    db, _ = open_for_reading(args)
    try:
        path = db.backup(Path(args.path))
    except StoreError as exc:
        raise CliError(f"backup: {exc}", code=1) from None
    finally:
        db.close()
    log.info("backup written: %s", path)
    print(f"backup written: {path}")
    return EXIT_OK


def run_restore(args: argparse.Namespace) -> int:
    # Not through open_database: restoring must not open, migrate or back up the database it
    # replaces (a damaged database is exactly what a restore is for).
    from tumorboard.store.location import resolve_database_url, sqlite_path
    from tumorboard.store.restore import RestoreRefused, restore_sqlite

    try:
        target = sqlite_path(resolve_database_url(getattr(args, "database", None)))
    except StoreError as exc:
        raise CliError(f"restore: {exc}") from None
    if target is None:
        raise CliError("restore: restore is for the SQLite database; restore a PostgreSQL database "
                       "with pg_restore (or psql for a plain dump)", code=EXIT_INVALID)
    try:
        result = restore_sqlite(Path(args.path), target)
    except RestoreRefused as exc:
        raise CliError(f"restore: {exc}", code=EXIT_INVALID) from None
    except StoreError as exc:
        raise CliError(f"restore: {exc}", code=EXIT_FAILURE) from None
    print(f"restored {result.database} from {args.path} (schema {result.revision})")
    if result.replaced is not None:
        print(f"the database it replaced is kept as {result.replaced}")
    return EXIT_OK
