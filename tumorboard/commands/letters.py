"""``tumorboard letters MEETING_ID -o DIR``: an outcome letter per discussed case of a signed meeting."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from tumorboard.cli import EXIT_OK
from tumorboard.commands.circulating import ACTOR, output_folder, signed_in, write_file
from tumorboard.commands.common import add_database_option, meeting_id


def register(sub: Any) -> None:
    p = sub.add_parser("letters", help="write the outcome letters of a signed meeting (one PDF per case)",
                       description="One letter per discussed case to the referrer or GP named on the "
                                   "case: the question, the decision, actions with owners and due "
                                   "dates, the patient's preferences, signed by the chair. Only from "
                                   "a signed meeting; a letter for an amended decision says so. Prints "
                                   "one line per letter: file, record number, recipient.")
    p.add_argument("meeting_id", metavar="MEETING_ID")
    p.add_argument("-o", "--output", metavar="DIR", required=True, help="folder for the letters")
    add_database_option(p)
    p.set_defaults(handler=run_letters)


def run_letters(args: argparse.Namespace) -> int:
    from tumorboard.services.letters import LetterService

    mid = meeting_id(args.meeting_id)
    folder = output_folder(args.output, "-o")
    with signed_in(args) as (db, user):
        written = LetterService(db, actor=ACTOR, user=user).write_letters(mid)
    for w in written:
        write_file(folder / w.file_name, w.pdf)
        note = "\tamended decision" if w.amended else ""
        print(f"{w.file_name}\t{w.mrn}\t{w.recipient or '-'}{note}")
        if w.recipient is None:
            print(f"warning: {w.mrn}: no referrer or GP recorded on the case; the letter names no recipient",
                  file=sys.stderr)
    print(f"{len(written)} letter(s) written to {args.output}", file=sys.stderr)
    return EXIT_OK
