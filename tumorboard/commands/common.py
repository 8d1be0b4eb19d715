"""Shared pieces of the headless commands: opening the database with user-facing refusals."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from tumorboard.cli import CliError
from tumorboard.domain.users import User
from tumorboard.services.accounts import AccountService, LoginRefused
from tumorboard.store import Database, StoreError


def add_database_option(parser: argparse.ArgumentParser) -> None:
    """--database and --user accepted after the subcommand too (they are also top-level options)."""
    parser.add_argument("--database", metavar="URL", default=argparse.SUPPRESS,
                        help="database URL or SQLite file (default: TUMORBOARD_DATABASE_URL, else "
                             "the embedded SQLite file in the user data folder)")
    parser.add_argument("--user", metavar="USERNAME", default=argparse.SUPPRESS,
                        help="sign in as this user for commands that write, once the database has "
                             "accounts (password from TUMORBOARD_PASSWORD or a prompt)")


def signed_in_user(args: argparse.Namespace, db: Database) -> User | None:
    """The user a writing command acts as: nobody on a database without accounts; otherwise
    --user (or TUMORBOARD_USER) with the password from TUMORBOARD_PASSWORD or a prompt."""
    accounts = AccountService(db)
    if not accounts.has_accounts():
        return None
    username = getattr(args, "user", None) or os.environ.get("TUMORBOARD_USER")
    if not username:
        raise CliError("--user: this database has user accounts; sign in with --user USERNAME")
    password = os.environ.get("TUMORBOARD_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            raise CliError("password: set TUMORBOARD_PASSWORD, or run the command in a terminal to be asked")
        password = getpass.getpass(f"Password for {username}: ")
    try:
        return accounts.authenticate(username, password)
    except LoginRefused as exc:
        raise CliError(f"--user {username}: {exc}") from None


def open_database(args: argparse.Namespace, *, migrate: bool = True) -> Database:
    """Open the database named by --database / TUMORBOARD_DATABASE_URL / the default."""
    try:
        return Database.open(getattr(args, "database", None), migrate=migrate)
    except StoreError as exc:
        raise CliError(f"database: {exc}") from None
