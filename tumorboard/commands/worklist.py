"""``tumorboard cases list``: the worklist with the app's filters, as text, JSON or CSV."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from tumorboard.cli import EXIT_OK, CliError
from tumorboard.commands.common import add_database_option, open_for_reading
from tumorboard.commands.output import CSV, add_format_option, print_records
from tumorboard.domain.vocab import SUBTYPE_FILTERS
from tumorboard.domain.workflow import WorkflowStatus
from tumorboard.services.cases import CaseService, WorklistQuery
from tumorboard.services.interop import WORKLIST_COLUMNS, ListingExport, worklist_records
from tumorboard.store import StoreError

WINDOWS = ("no_systemic_therapy", "before_window", "open", "assessed", "overdue")


def register(sub: Any) -> None:
    c = sub.add_parser("cases", help="the worklist of cases",
                       description="Cases as the app's worklist shows them, with its filters.")
    csub = c.add_subparsers(dest="cases_command", metavar="ACTION", required=True)
    ls = csub.add_parser("list", help="the worklist, filtered as in the app (text, json or csv)")
    ls.add_argument("--text", default="", metavar="TEXT",
                    help="record number or name contains TEXT (one or two characters: starts with it)")
    ls.add_argument("--status", action="append", default=[], choices=[s.value for s in WorkflowStatus],
                    help="only cases in this workflow status (repeat for several)")
    ls.add_argument("--subtype", action="append", default=[], choices=SUBTYPE_FILTERS,
                    help="only this subtype (repeat for several)")
    ls.add_argument("--window", action="append", default=[], choices=WINDOWS,
                    help="only this response-window status (repeat for several)")
    ls.add_argument("--limit", type=int, default=200, metavar="N", help="at most N cases (default 200)")
    ls.add_argument("--offset", type=int, default=0, metavar="N", help="skip the first N cases")
    add_format_option(ls, csv_too=True)
    add_database_option(ls)
    ls.set_defaults(handler=run_list)


def run_list(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise CliError(f"--limit: {args.limit} is not a number of cases (1 or more)")
    if args.offset < 0:
        raise CliError(f"--offset: {args.offset} cannot be negative")
    query = WorklistQuery(text=args.text, statuses=tuple(WorkflowStatus(s) for s in args.status),
                          subtypes=tuple(args.subtype), window_statuses=tuple(args.window),
                          limit=args.limit, offset=args.offset)
    db, user = open_for_reading(args)
    try:
        rows = CaseService(db, actor="cli", user=user).worklist(query)
        if args.format == CSV:  # a file of patients for a registry or an audit: recorded
            ListingExport(db, actor="cli", user=user).record("worklist", len(rows), "standard output")
    except StoreError as exc:
        raise CliError(f"database: {exc}") from None
    finally:
        db.close()
    print_records(args, worklist_records(rows), WORKLIST_COLUMNS, lambda r: (
        f"{r['mrn']}\t{r['name'] or '-'}\t{r['subtype']}\t{r['status']}\t{r['next_action']}"))
    if args.format != CSV and not rows:
        print("no cases match", file=sys.stderr)
    return EXIT_OK
