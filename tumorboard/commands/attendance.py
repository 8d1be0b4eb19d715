"""``tumorboard attendance --member NAME --from D --to D -o FILE``: a member's MDT attendance (CPD)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tumorboard.cli import EXIT_OK
from tumorboard.commands.circulating import ACTOR, day, signed_in, write_file
from tumorboard.commands.common import add_database_option


def register(sub: Any) -> None:
    p = sub.add_parser("attendance", help="a member's meetings attended in a period, as a one-page PDF (CPD)",
                       description="The meetings a member was marked present at between two dates "
                                   "(closed or signed meetings), with dates and durations.")
    p.add_argument("--member", required=True, metavar="NAME", help="as the boards' lists spell it")
    p.add_argument("--from", dest="first", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="last", required=True, metavar="YYYY-MM-DD")
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    add_database_option(p)
    p.set_defaults(handler=run_attendance)


def run_attendance(args: argparse.Namespace) -> int:
    from tumorboard.services.attendance import AttendanceService

    first, last = day(args.first, "--from"), day(args.last, "--to")
    with signed_in(args) as (db, user):
        service = AttendanceService(db, actor=ACTOR, user=user)
        report = service.report(args.member, first, last)
        from tumorboard.reports.attendance_pdf import render_attendance

        pdf = render_attendance(report)
    write_file(Path(args.output), pdf)
    print(f"attendance of {report.member}: {len(report.meetings)} meeting(s), written to {args.output}",
          file=sys.stderr)
    return EXIT_OK
