"""``tumorboard users add|list|passwd|role``: local accounts (the first one is the administrator)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import Any

from tumorboard.cli import EXIT_OK, CliError
from tumorboard.commands.common import (
    add_database_option,
    open_database,
    open_for_reading,
    signed_in_user,
)
from tumorboard.commands.output import add_format_option, print_records
from tumorboard.domain.meeting import Discipline
from tumorboard.domain.users import Role
from tumorboard.services.accounts import AccountError, AccountService
from tumorboard.store import StoreError


def register(sub: Any) -> None:
    p = sub.add_parser("users", help="user accounts and roles",
                       description="Local accounts. On a database without accounts, `users add` creates "
                                   "the administrator; afterwards an administrator (--user) adds the others.")
    usub = p.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    add = usub.add_parser("add", help="add an account (password from TUMORBOARD_NEW_PASSWORD or a prompt)")
    add.add_argument("username")
    add.add_argument("--name", required=True, help="display name, as shown in minutes and history")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--discipline", choices=[d.value for d in Discipline])
    add.set_defaults(handler=run_add)
    ls = usub.add_parser("list", help="active accounts")
    ls.set_defaults(handler=run_list)
    add_format_option(ls)
    pw = usub.add_parser("passwd", help="set a password (your own, or anyone's as administrator)")
    pw.add_argument("username")
    pw.set_defaults(handler=run_passwd)
    for q in (add, ls, pw):
        add_database_option(q)


def _new_password() -> str:
    password = os.environ.get("TUMORBOARD_NEW_PASSWORD")
    if password is not None:
        return password
    if not sys.stdin.isatty():
        raise CliError("password: set TUMORBOARD_NEW_PASSWORD, or run the command in a terminal to be asked")
    first = getpass.getpass("New password: ")
    if first != getpass.getpass("Repeat the new password: "):
        raise CliError("password: the two entries differ; nothing was changed")
    return first


def run_add(args: argparse.Namespace) -> int:
    db = open_database(args)
    try:
        accounts = AccountService(db)
        if not accounts.has_accounts():
            if args.role != Role.ADMIN.value:
                raise CliError("--role: the first account of a database is its administrator (--role admin)")
            accounts.create_first_admin(args.username, args.name, _new_password())
        else:
            by = signed_in_user(args, db)
            accounts.create_user(by, args.username, args.name,
                                 Discipline(args.discipline) if args.discipline else None, Role(args.role),
                                 _new_password())
    except AccountError as exc:
        raise CliError(str(exc)) from None
    except StoreError as exc:
        raise CliError(str(exc)) from None
    finally:
        db.close()
    print(f"account {args.username} ({args.role}) created", file=sys.stderr)
    return EXIT_OK


def run_list(args: argparse.Namespace) -> int:
    # Staff names and usernames (half of each sign-in): for a signed-in user only, as in the app.
    db, _ = open_for_reading(args)
    try:
        users = AccountService(db).users()
    finally:
        db.close()
    records = [{"username": u.username, "display_name": u.display_name, "role": u.role.value,
                "discipline": u.discipline.value if u.discipline else None} for u in users]
    print_records(args, records, ("username", "display_name", "role", "discipline"), lambda r: (
        f"{r['username']}\t{r['display_name']}\t{r['role']}\t{r['discipline'] or '-'}"))
    return EXIT_OK


def run_passwd(args: argparse.Namespace) -> int:
    db = open_database(args)
    try:
        by = signed_in_user(args, db)
        if by is None:
            raise CliError("users passwd: this database has no accounts yet; `users add` creates the first")
        AccountService(db).set_password(by, args.username, _new_password())
    except AccountError as exc:
        raise CliError(str(exc)) from None
    except StoreError as exc:
        raise CliError(str(exc)) from None
    finally:
        db.close()
    return EXIT_OK
