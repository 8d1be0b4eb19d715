"""``tumorboard boards create / list / show / rename``: boards are made on purpose, not from a typo."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tumorboard.cli import EXIT_OK, CliError
from tumorboard.commands.common import add_database_option, open_signed_in
from tumorboard.commands.output import JSON, add_format_option, print_json, print_records
from tumorboard.domain.meeting import DEFAULT_QUORUM, Discipline, MeetingError
from tumorboard.services.boards import BoardService
from tumorboard.store import StoreError
from tumorboard.store.meeting_records import BoardRecord


def register(sub: Any) -> None:
    b = sub.add_parser("boards", help="the MDT boards: create, list, show, rename",
                       description="Boards meet, have members and a quorum. A meeting is planned for an "
                                   "existing board; an unknown name is refused with the closest ones.")
    bsub = b.add_subparsers(dest="boards_command", metavar="ACTION", required=True)
    c = bsub.add_parser("create", help="a new board with its tumour site's default quorum")
    c.add_argument("name", metavar="NAME")
    c.add_argument("--site", default="breast", choices=sorted(DEFAULT_QUORUM))
    c.set_defaults(handler=run_create)
    ls = bsub.add_parser("list", help="every board, its quorum and how many members")
    ls.set_defaults(handler=run_list, writes=False)
    add_format_option(ls)
    sh = bsub.add_parser("show", help="one board: quorum and members")
    sh.add_argument("name", metavar="NAME")
    sh.set_defaults(handler=run_show, writes=False)
    add_format_option(sh)
    rn = bsub.add_parser("rename", help="a new name for a board (signed minutes keep the old one)")
    rn.add_argument("name", metavar="NAME")
    rn.add_argument("new_name", metavar="NEW_NAME")
    rn.set_defaults(handler=run_rename)
    for p in (c, ls, sh, rn):
        add_database_option(p)


@contextmanager
def _service(args: argparse.Namespace) -> Iterator[BoardService]:
    db, user = open_signed_in(args)
    try:
        yield BoardService(db, actor="cli", user=user)
    except MeetingError as exc:
        raise CliError(str(exc)) from None
    except StoreError as exc:
        raise CliError(f"database: {exc}") from None
    finally:
        db.close()


def _print(board: BoardRecord) -> None:
    quorum = ", ".join(Discipline(q).label for q in board.quorum) or "-"
    print(f"{board.name} ({board.site}); quorum: {quorum}")
    for name, discipline, role in board.members:
        print(f"  {name} ({Discipline(discipline).label}, {role})")


def run_create(args: argparse.Namespace) -> int:
    with _service(args) as boards:
        board, _ = boards.create(args.name, args.site)
    _print(board)
    return EXIT_OK


def run_list(args: argparse.Namespace) -> int:
    with _service(args) as boards:
        rows = boards.list()
    print_records(args, [_document(b) for b in rows], ("id", "name", "site", "quorum", "members"),
                  lambda r: f"{r['id']}\t{r['name']}\t{r['site']}\t{len(r['members'])} member(s)")
    return EXIT_OK


def _document(board: BoardRecord) -> dict[str, Any]:
    return {"id": board.id, "name": board.name, "site": board.site, "quorum": list(board.quorum),
            "members": [{"name": n, "discipline": d, "role": r} for n, d, r in board.members]}


def run_show(args: argparse.Namespace) -> int:
    with _service(args) as boards:
        board = boards.get(args.name)
    if args.format == JSON:
        print_json(_document(board))
        return EXIT_OK
    _print(board)
    return EXIT_OK


def run_rename(args: argparse.Namespace) -> int:
    with _service(args) as boards:
        board, _ = boards.rename(args.name, args.new_name)
    _print(board)
    return EXIT_OK
