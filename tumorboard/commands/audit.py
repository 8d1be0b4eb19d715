"""``tumorboard audit --from D --to D [--board NAME] [--format json|csv] [--pdf FILE]``: the MDT
quality audit of the signed meetings in a period, as JSON figures, a CSV of the decisions behind
them, and the annual report PDF."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from tumorboard.cli import EXIT_OK, CliError
from tumorboard.commands.common import add_database_option, open_for_reading
from tumorboard.domain.dates import parse_iso_date
from tumorboard.domain.meeting import MeetingError
from tumorboard.private_files import write_private
from tumorboard.services.quality_audit import QualityAudit, QualityAuditService, report_pdf
from tumorboard.store import StoreError


def register(sub: Any) -> None:
    a = sub.add_parser(
        "audit", help="MDT quality audit of a period: figures (JSON), decisions (CSV), report (PDF)",
        description="Figures over the meetings dated in the period (both ends inclusive) that are "
                    "signed off: decisions, concordance with the guideline and the reasons for "
                    "deviating, quorum overrides, implementation, waiting times, attendance. "
                    "JSON gives the figures (null where there is nothing to divide by); CSV one "
                    "row per decision with the fields they come from.")
    a.add_argument("--from", dest="start", metavar="YYYY-MM-DD", required=True,
                   help="first day of the period")
    a.add_argument("--to", dest="end", metavar="YYYY-MM-DD", required=True,
                   help="last day of the period (included)")
    a.add_argument("--board", metavar="NAME", help="one board (default: every board)")
    a.add_argument("--format", choices=("json", "csv"), default="json",
                   help="what to print: the figures (json, default) or the decisions (csv)")
    a.add_argument("--pdf", metavar="FILE", help="also write the annual audit report to FILE")
    a.set_defaults(handler=run_audit, writes=False)
    add_database_option(a)


def _day(text: str, name: str) -> date:
    try:
        return parse_iso_date(text)
    except ValueError:
        raise CliError(f"{name}: {text!r} is not a date as YYYY-MM-DD") from None


def run_audit(args: argparse.Namespace) -> int:
    start, end = _day(args.start, "--from"), _day(args.end, "--to")
    db, user = open_for_reading(args)
    try:
        result = QualityAuditService(db, user=user).audit(start, end, args.board)
    except MeetingError as exc:
        message = str(exc)
        raise CliError("--" + message if message.startswith(("board:", "to:")) else message) from None
    except StoreError as exc:
        raise CliError(f"database: {exc}") from None
    finally:
        db.close()
    if args.pdf:
        _write_pdf(result, Path(args.pdf))
    sys.stdout.write(result.csv_text() if args.format == "csv" else result.json_text())
    return EXIT_OK


def _write_pdf(result: QualityAudit, path: Path) -> None:
    pdf = report_pdf(result)
    try:
        write_private(path, pdf)
    except OSError as exc:
        raise CliError(f"--pdf {path}: cannot write the file ({exc.strerror or exc})", code=1) from None
    print(f"audit report written to {path} ({len(pdf):,} bytes)", file=sys.stderr)
