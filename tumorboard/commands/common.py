"""Shared pieces of the headless commands: opening the database with user-facing refusals."""

from __future__ import annotations

import argparse
import os
import stat
from pathlib import Path

from tumorboard.cli import CliError
from tumorboard.store import Database, StoreError


def add_database_option(parser: argparse.ArgumentParser) -> None:
    """--database accepted after the subcommand too (it is also a top-level option)."""
    parser.add_argument("--database", metavar="URL", default=argparse.SUPPRESS,
                        help="database URL or SQLite file (default: TUMORBOARD_DATABASE_URL, else "
                             "the embedded SQLite file in the user data folder)")


def open_database(args: argparse.Namespace, *, migrate: bool = True) -> Database:
    """Open the database named by --database / TUMORBOARD_DATABASE_URL / the default."""
    try:
        return Database.open(getattr(args, "database", None), migrate=migrate)
    except StoreError as exc:
        raise CliError(f"database: {exc}") from None


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable by the owner only (exports hold patient data)."""
    tmp = path.with_name(path.name + ".part")
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, stat.S_IRUSR | stat.S_IWUSR)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
