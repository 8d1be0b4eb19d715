"""``tumorboard send minutes|agenda MEETING_ID [--eml-dir DIR]``, ``send address NAME EMAIL`` and
``send sent MEETING_ID``: e-mail the signed minutes to the members present, the agenda to every
member listed; without an SMTP server, .eml files in a folder."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from tumorboard.cli import EXIT_OK
from tumorboard.commands.circulating import ACTOR, signed_in
from tumorboard.commands.common import add_database_option, meeting_id
from tumorboard.commands.output import add_format_option, print_records


def register(sub: Any) -> None:
    p = sub.add_parser("send", help="e-mail the minutes or the agenda to the board (or write .eml files)",
                       description="Send the signed minutes to every member present, or the agenda to "
                                   "every member listed, through the department's SMTP server (tumorboard "
                                   "settings: smtp_host, smtp_port, smtp_starttls, smtp_sender; the password "
                                   "from TUMORBOARD_SMTP_PASSWORD or the system keyring). --eml-dir writes "
                                   "one .eml file per recipient instead. Attachments are pseudonymised "
                                   "unless smtp_pseudonymise_attachments is false. Every message is "
                                   "recorded.")
    ssub = p.add_subparsers(dest="send_command", metavar="WHAT", required=True)
    parsers = []
    for what, words in (("minutes", "the signed minutes to every member present"),
                        ("agenda", "the agenda to every member listed for the meeting")):
        s = ssub.add_parser(what, help=f"send {words}")
        s.add_argument("meeting_id", metavar="MEETING_ID")
        s.add_argument("--eml-dir", metavar="DIR", help="write .eml files into DIR instead of sending")
        s.set_defaults(handler=run_send, document=what)
        parsers.append(s)
    a = ssub.add_parser("address", help="record a member's e-mail address (NAME as on the board's list)")
    a.add_argument("name", metavar="NAME")
    a.add_argument("email", metavar="EMAIL")
    a.set_defaults(handler=run_address)
    ls = ssub.add_parser("sent", help="what was sent for a meeting, to whom and when")
    ls.add_argument("meeting_id", metavar="MEETING_ID")
    add_format_option(ls, csv_too=True)
    ls.set_defaults(handler=run_sent)
    for q in (*parsers, a, ls):
        add_database_option(q)


def run_send(args: argparse.Namespace) -> int:
    from tumorboard.services.mailing import MailingService

    mid = meeting_id(args.meeting_id)
    with signed_in(args) as (db, user):
        report = MailingService(db, actor=ACTOR, user=user).send(
            mid, args.document, eml_dir=Path(args.eml_dir) if args.eml_dir else None)
    for r, path in zip(report.sent, report.files or [None] * len(report.sent), strict=True):
        print(f"{r.name}\t{r.address}\t{path if path else 'sent'}")
    kind = "pseudonymised" if report.pseudonymised else "naming the patients"
    how = "written as .eml files" if report.via == "eml" else "sent"
    print(f"{args.document}: {len(report.sent)} message(s) {how}; attachment {report.attachment} ({kind})",
          file=sys.stderr)
    return EXIT_OK


def run_address(args: argparse.Namespace) -> int:
    from tumorboard.services.mailing import MailingService

    with signed_in(args, writes=True) as (db, user):
        MailingService(db, actor=ACTOR, user=user).set_address(args.name, args.email)
    return EXIT_OK


SENT_COLUMNS = ("meeting_id", "document", "recipient", "address", "via", "attachment",
                "attachment_sha256", "pseudonymised", "sent_at", "sent_by")


def run_sent(args: argparse.Namespace) -> int:
    from tumorboard.services.mailing import MailingService

    mid = meeting_id(args.meeting_id)
    with signed_in(args) as (db, user):
        rows = MailingService(db, actor=ACTOR, user=user).sent(mid)
    records = [asdict(r) for r in rows]
    print_records(args, records, SENT_COLUMNS, lambda r: (
        f"{r['sent_at']:%Y-%m-%d %H:%M:%S}\t{r['document']}\t{r['recipient']}\t{r['address']}\t"
        f"{r['via']}\t{r['attachment']}\t{r['sent_by']}"))
    return EXIT_OK
