"""Shared pieces of the headless commands: opening the database with user-facing refusals,
signing in, and the demo database behind ``tumorboard --demo COMMAND``.

Two kinds of opening: writing commands create or upgrade the database as the app does; reading
commands (``read_only=True``) never create, migrate or back it up, so that a mistyped
``--database`` is an error naming the path rather than a new empty database.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from tumorboard.cli import CliError
from tumorboard.commands.exit_codes import EXIT_NOT_ALLOWED
from tumorboard.domain.users import User
from tumorboard.services.accounts import DEMO_PASSWORD, DEMO_USERNAME, AccountService, LoginRefused
from tumorboard.store import Database, DatabaseMissing, DatabaseOutdated, StoreError


def add_database_option(parser: argparse.ArgumentParser) -> None:
    """--database and --user accepted after the subcommand too (they are also top-level options)."""
    parser.add_argument("--database", metavar="URL", default=argparse.SUPPRESS,
                        help="database URL or SQLite file (default: TUMORBOARD_DATABASE_URL, else "
                             "the embedded SQLite file in the user data folder)")
    parser.add_argument("--user", metavar="USERNAME", default=argparse.SUPPRESS,
                        help="sign in as this user, once the database has accounts (password from "
                             "TUMORBOARD_PASSWORD or a prompt)")


def use_demo_database(args: argparse.Namespace) -> None:
    """``tumorboard --demo COMMAND``: the command runs on the demo database the app's ``--demo``
    uses (made the first time it is needed), signed in as its demo chair unless --user says
    otherwise. Never together with --database: the two would contradict each other."""
    if getattr(args, "database", None):
        raise CliError("--demo: the demo has its own database; drop --database (or drop --demo to "
                       "use that database)")
    from tumorboard.store.location import demo_database_path

    args.database = str(demo_database_path())


def _ensure_demo(args: argparse.Namespace) -> None:
    """The app's demo of the day: reused when it was built today by this version's schema, else
    built again (synthetic data; an upgraded tumorboard never meets an older demo it would refuse)."""
    if not getattr(args, "demo", False):
        return
    from datetime import date
    from pathlib import Path

    from tumorboard.services.demo import ensure_demo_database
    from tumorboard.store.demo_file import built_for

    path = Path(args.database)
    if built_for(path) == date.today():
        return
    try:
        ensure_demo_database(path, reuse=True)
    except StoreError as exc:
        raise CliError(f"--demo: the demo database could not be made: {exc}") from None
    print(f"demo database created: {args.database} (synthetic cases; `tumorboard demo` refreshes it)",
          file=sys.stderr)


def signed_in_user(args: argparse.Namespace, db: Database) -> User | None:
    """The user a command acts as: nobody on a database without accounts; otherwise --user (or
    TUMORBOARD_USER) with the password from TUMORBOARD_PASSWORD or a prompt. On the demo
    database (``--demo``) without --user: its demo chair, as in the app."""
    accounts = AccountService(db)
    if not accounts.has_accounts():
        return None
    username = getattr(args, "user", None)
    if getattr(args, "demo", False) and not username:
        try:
            user = accounts.authenticate(DEMO_USERNAME, DEMO_PASSWORD)
        except LoginRefused:
            user = None
        if user is None or not user.demo:
            raise CliError(f"--demo: {db.location} has no demo chair to sign in; refresh it with "
                           "`tumorboard demo`, or sign in with --user USERNAME", code=EXIT_NOT_ALLOWED)
        args.signed_in_password = DEMO_PASSWORD
        return user
    username = username or os.environ.get("TUMORBOARD_USER")
    if not username:
        raise CliError("--user: this database has user accounts; sign in with --user USERNAME",
                       code=EXIT_NOT_ALLOWED)
    password = os.environ.get("TUMORBOARD_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            raise CliError("password: set TUMORBOARD_PASSWORD, or run the command in a terminal to be asked",
                           code=EXIT_NOT_ALLOWED)
        password = getpass.getpass(f"Password for {username}: ")
    try:
        user = accounts.authenticate(username, password)
        # Kept for the one command that needs it again: `meetings sign` opens the chair's signing
        # key with it (asked once, not twice).
        args.signed_in_password = password
        return user
    except LoginRefused as exc:
        raise CliError(f"--user {username}: {exc}") from None


def open_database(args: argparse.Namespace, *, read_only: bool = False,
                  allow_older: bool = False) -> Database:
    """Open the database named by --database / TUMORBOARD_DATABASE_URL / the default (or the demo).

    ``read_only=True`` for commands that only read: a missing file, an empty database or (unless
    ``allow_older``) an older schema is refused, nothing created or changed."""
    _ensure_demo(args)
    _ask_for_key(args)
    try:
        return Database.open(getattr(args, "database", None), read_only=read_only,
                             allow_older=allow_older)
    except DatabaseMissing as exc:
        raise CliError(f"--database: {exc}; check the path or URL (--database, else "
                       "TUMORBOARD_DATABASE_URL), or create one with `tumorboard db upgrade`") from None
    except DatabaseOutdated as exc:
        raise CliError(f"database: {exc}; run `tumorboard db upgrade` first (it backs the database "
                       "up), then try again") from None
    except StoreError as exc:
        raise CliError(f"database: {exc}") from None


def _ask_for_key(args: argparse.Namespace) -> None:
    """An encrypted SQLite database without its passphrase (TUMORBOARD_DB_KEY, the keyring): asked
    for in a terminal, kept for this process only."""
    from tumorboard.store import encryption
    from tumorboard.store.location import resolve_database_url, sqlite_path

    try:
        path = sqlite_path(resolve_database_url(getattr(args, "database", None)))
    except StoreError:
        return
    if path is None or not encryption.looks_encrypted(path) or encryption.key_for(path) is not None:
        return
    if not sys.stdin.isatty():
        raise CliError(f"--database: {path} is encrypted; give its passphrase in {encryption.KEY_ENV} "
                       "(or keep it in the system keyring: tumorboard db encrypt --keyring)")
    encryption.provide_key(path, getpass.getpass(f"Passphrase for {path}: "))


def open_for_reading(args: argparse.Namespace) -> tuple[Database, User | None]:
    """A reading command that shows patient data or accounts: the database opened read-only
    and, once it has accounts, the signed-in user (refused otherwise, the database closed)."""
    db = open_database(args, read_only=True)
    try:
        return db, signed_in_user(args, db)
    except StoreError as exc:
        db.close()
        raise CliError(f"database: {exc}") from None
    except BaseException:
        db.close()
        raise


def open_signed_in(args: argparse.Namespace) -> tuple[Database, User | None]:
    """The database and the signed-in user for a command: opened for writing (created or migrated
    as needed) unless the subcommand set ``writes=False``, then only read (nothing created)."""
    if not getattr(args, "writes", True):
        return open_for_reading(args)
    db = open_database(args)
    try:
        return db, signed_in_user(args, db)
    except BaseException:
        db.close()
        raise


def meeting_id(text: str) -> int:
    """A MEETING_ID argument, refused by name when it is not one."""
    if not text.isdigit():
        raise CliError(f"MEETING_ID: {text!r} is not a meeting id (a number; see "
                       "`tumorboard meetings list`)")
    return int(text)
