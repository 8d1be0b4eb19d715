"""``tumorboard actions list / done``: the actions boards agreed, across meetings, by owner and
due date; marking one done is audited and kept (it is never undone or changed)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tumorboard.cli import EXIT_OK, CliError
from tumorboard.commands.common import add_database_option, open_signed_in
from tumorboard.services.actions import ActionItem, ActionService
from tumorboard.store import StoreError


def register(sub: Any) -> None:
    a = sub.add_parser("actions", help="actions of board decisions: list by owner and due date, mark done",
                       description="The actions MDT decisions assigned (closed and signed meetings), "
                                   "soonest due first. Decision support for follow-up, not a care plan.")
    asub = a.add_subparsers(dest="actions_command", metavar="ACTION", required=True)
    ls = asub.add_parser("list", help="open actions, soonest due first")
    ls.add_argument("--owner", metavar="NAME", help="only actions whose owner's name contains NAME")
    ls.add_argument("--overdue", action="store_true", help="only actions past their due date")
    ls.add_argument("--all", action="store_true", dest="include_done", help="include actions marked done")
    ls.add_argument("--format", choices=("text", "json"), default="text")
    ls.set_defaults(handler=run_list, writes=False)
    done = asub.add_parser("done", help="mark one action done (audited; it stays done)")
    done.add_argument("decision_id", metavar="DECISION_ID", type=int)
    done.add_argument("index", metavar="INDEX", type=int,
                      help="the action's number in its decision, from 1 (as `actions list` shows)")
    done.add_argument("--note", metavar="TEXT", help="what was done, e.g. the booking date")
    done.set_defaults(handler=run_done)
    for p in (ls, done):
        add_database_option(p)


@contextmanager
def _service(args: argparse.Namespace) -> Iterator[ActionService]:
    db, user = open_signed_in(args)
    try:
        yield ActionService(db, actor="cli", user=user)
    except StoreError as exc:
        raise CliError(f"database: {exc}") from None
    finally:
        db.close()


def _document(a: ActionItem) -> dict[str, Any]:
    return {"decision_id": a.decision_id, "index": a.number, "mrn": a.mrn, "name": a.name,
            "meeting_id": a.meeting_id, "meeting_date": a.meeting_day.isoformat(), "action": a.text,
            "owner": a.owner, "due": a.due.isoformat() if a.due else None, "status": a.due_text,
            "overdue": a.overdue, "done_at": a.done_at.isoformat() if a.done_at else None,
            "done_by": a.done_by, "note": a.note}


def run_list(args: argparse.Namespace) -> int:
    with _service(args) as service:
        items = service.actions(owner=args.owner, overdue=args.overdue, include_done=args.include_done)
    if args.format == "json":
        json.dump([_document(a) for a in items], sys.stdout, indent=2, ensure_ascii=False)
        print()
        return EXIT_OK
    if not items:
        owner = f" for {args.owner!r}" if args.owner else ""
        print("no actions" + (" overdue" if args.overdue else "") + owner)
        return EXIT_OK
    for a in items:
        print(f"{a.decision_id:>5} {a.number:>2}  {a.due_text:<24} {a.owner:<20} {a.mrn} "
              f"{a.name or ''}: {a.text} (MDT {a.meeting_day.isoformat()})")
    return EXIT_OK


def run_done(args: argparse.Namespace) -> int:
    if args.index < 1:
        raise CliError("INDEX: actions are numbered from 1, as `tumorboard actions list` shows")
    with _service(args) as service:
        service.mark_done(args.decision_id, args.index, args.note)
    print(f"action {args.index} of decision {args.decision_id} marked done")
    return EXIT_OK
