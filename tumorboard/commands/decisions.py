"""``tumorboard decisions list [--from DATE] [--to DATE]``: the MDT decisions of a period, with
their implementation check, as text, JSON or CSV (for registries and audits)."""

from __future__ import annotations

import argparse
from typing import Any

from tumorboard.cli import EXIT_OK, CliError
from tumorboard.commands.common import add_database_option, open_for_reading
from tumorboard.commands.output import add_format_option, print_records
from tumorboard.domain.dates import parse_iso_date
from tumorboard.services.interop import InteropService
from tumorboard.store import StoreError

COLUMNS = ("decision_id", "meeting_id", "meeting_date", "mrn", "name", "category", "decision",
           "follow_up_due", "implementation", "implementation_reason")


def register(sub: Any) -> None:
    d = sub.add_parser("decisions", help="the MDT decisions recorded (text, json or csv)")
    dsub = d.add_subparsers(dest="decisions_command", metavar="ACTION", required=True)
    ls = dsub.add_parser("list", help="decisions of meetings in a period, oldest first",
                         description="Every decision of the meetings held from --from to --to "
                                     "(inclusive), with its follow-up date and implementation check. "
                                     "Patient data: signed in, and recorded in the audit trail.")
    ls.add_argument("--from", dest="since", metavar="YYYY-MM-DD", help="first meeting date (default: any)")
    ls.add_argument("--to", dest="until", metavar="YYYY-MM-DD", help="last meeting date (default: any)")
    add_format_option(ls, csv_too=True)
    add_database_option(ls)
    ls.set_defaults(handler=run_list)


def _day(text: str | None, name: str) -> Any:
    if text is None:
        return None
    try:
        return parse_iso_date(text)
    except ValueError:
        raise CliError(f"{name}: {text!r} is not a date as YYYY-MM-DD") from None


def run_list(args: argparse.Namespace) -> int:
    since, until = _day(args.since, "--from"), _day(args.until, "--to")
    if since and until and since > until:
        raise CliError(f"--to: {until.isoformat()} is before --from {since.isoformat()}")
    db, user = open_for_reading(args)
    try:
        rows = InteropService(db, actor="cli", user=user).decisions(since, until)
    except StoreError as exc:
        raise CliError(f"database: {exc}") from None
    finally:
        db.close()
    records = [{c: getattr(r, c) for c in COLUMNS} for r in rows]
    print_records(args, records, COLUMNS, lambda r: (
        f"{r['decision_id']}\t{r['meeting_date'].isoformat()}\t{r['mrn']}\t{r['category']}\t"
        f"{r['implementation'] or '-'}\t{r['decision']}"))
    return EXIT_OK
