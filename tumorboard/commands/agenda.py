"""``tumorboard agenda MEETING_ID -o FILE [--pseudonymise]``: the agenda to circulate, as PDF."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tumorboard.cli import EXIT_OK, CliError
from tumorboard.commands.circulating import ACTOR, signed_in, write_file
from tumorboard.commands.common import add_database_option, meeting_id


def register(sub: Any) -> None:
    p = sub.add_parser("agenda", help="write a meeting's agenda as PDF (to circulate before it)",
                       description="The agenda of a meeting: board, date, time, place or video link, "
                                   "chair; per case the question, presenter, readiness and the imaging "
                                   "and pathology reviews requested; the cases listed, not discussed.")
    p.add_argument("meeting_id", metavar="MEETING_ID")
    p.add_argument("-o", "--output", metavar="FILE", required=True)
    p.add_argument("--pseudonymise", "--pseudonymize", action="store_true",
                   help="no patient name, record number or birth date in the document")
    add_database_option(p)
    p.set_defaults(handler=run_agenda)


def run_agenda(args: argparse.Namespace) -> int:
    from tumorboard.services.agenda import AgendaService

    mid = meeting_id(args.meeting_id)
    out = Path(args.output)
    if out.is_dir():
        raise CliError(f"-o {args.output}: is a folder; name the file to write (-o FILE.pdf)")
    with signed_in(args) as (db, user):
        pdf = AgendaService(db, actor=ACTOR, user=user).export(mid, pseudonymise=args.pseudonymise)
    write_file(out, pdf)
    print(f"agenda written to {args.output} ({len(pdf):,} bytes)", file=sys.stderr)
    return EXIT_OK
