"""``tumorboard demo``: create the demo database of synthetic cases."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from tumorboard.cli import EXIT_OK, CliError
from tumorboard.store import StoreError
from tumorboard.store.location import sqlite_path


def register(sub: Any) -> None:
    p = sub.add_parser("demo", help="create a demo database of about 30 synthetic cases",
                       description="Create (or refresh) a demo database of synthetic cases, dated "
                                   "relative to today. Never real people.")
    p.add_argument("--database", metavar="URL", default=argparse.SUPPRESS,
                   help="SQLite file or URL for the demo (default: demo.sqlite3 in the user data "
                        "folder); an existing file there is replaced")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from tumorboard.services.demo import ensure_demo_database
    from tumorboard.store.location import resolve_database_url

    target = None
    if getattr(args, "database", None):
        target = sqlite_path(resolve_database_url(args.database))
        if target is None:
            raise CliError("--database: the demo is written to a SQLite file; give a file path")
        if target.exists():
            from tumorboard.store.schema import precheck_sqlite_file

            try:
                precheck_sqlite_file(target)  # never replace someone else's file
            except StoreError as exc:
                raise CliError(f"--database: {exc}") from None
            _refuse_real_database(target)
    try:
        url = ensure_demo_database(target)
    except StoreError as exc:
        raise CliError(f"database: {exc}") from None
    print(f"demo database ready: {sqlite_path(url)}")
    return EXIT_OK


def _refuse_real_database(path: Path) -> None:
    """Only a database holding demo cases alone may be replaced by the demo."""
    import sqlite3

    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "patients" in tables:
            real = con.execute("SELECT count(*) FROM patients WHERE mrn NOT LIKE 'DEMO-%'").fetchone()[0]
            if real:
                raise CliError(f"--database: {path} holds {real} non-demo case(s); the demo will not "
                               "replace it")
    finally:
        con.close()
