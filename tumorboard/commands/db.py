"""``tumorboard db upgrade | current | backup PATH``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from tumorboard import __version__
from tumorboard.cli import EXIT_OK, CliError
from tumorboard.commands.common import add_database_option, open_database
from tumorboard.store import StoreError


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


def run_upgrade(args: argparse.Namespace) -> int:
    db = open_database(args)
    try:
        print(f"{db.location}: schema {db.revision()} (tumorboard {__version__})")
    finally:
        db.close()
    return EXIT_OK


def run_current(args: argparse.Namespace) -> int:
    db = open_database(args, migrate=False)
    try:
        from tumorboard.store.schema import head_revision

        revision = db.revision()
        state = "up to date" if revision == head_revision() else f"needs upgrade to {head_revision()}"
        print(f"{db.location}: schema {revision or 'none (new database)'} ({state})")
    finally:
        db.close()
    return EXIT_OK


def run_backup(args: argparse.Namespace) -> int:
    db = open_database(args)
    try:
        path = db.backup(Path(args.path))
    except StoreError as exc:
        raise CliError(f"backup: {exc}", code=1) from None
    finally:
        db.close()
    print(f"backup written: {path}")
    return EXIT_OK
