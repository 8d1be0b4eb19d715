"""``tumorboard meetings ...`` (plan, attend, decide, close, sign, amend) and ``tumorboard minutes``.

For coordinators' scripts: every refusal is one line naming the field, exit status 2 (3 when not
signed in or not allowed, 4 on another person's change; commands/exit_codes).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from tumorboard.cli import EXIT_OK, CliError
from tumorboard.commands.common import add_database_option, open_database, signed_in_user
from tumorboard.commands.common import meeting_id as _meeting_id
from tumorboard.commands.exit_codes import EXIT_CHECK_FAILED
from tumorboard.commands.meeting_output import add_minutes_format, print_listing, print_meeting
from tumorboard.commands.output import add_format_option
from tumorboard.domain.dates import parse_iso_date
from tumorboard.domain.meeting import (
    AgendaTriage,
    BoardRole,
    DecisionAction,
    DecisionCategory,
    DeviationReason,
    Discipline,
    MeetingError,
)
from tumorboard.domain.workflow import WorkflowError
from tumorboard.private_files import write_private
from tumorboard.services.meetings import DecisionInput, MeetingService, UnreadablePdf
from tumorboard.store import RecordExists, RecordNotFound, StoreError

ACTOR = "cli"


def register(sub: Any) -> None:
    m = sub.add_parser("meetings", help="plan and run MDT meetings",
                       description="Plan MDT meetings, keep attendance, record decisions, close and sign.")
    msub = m.add_subparsers(dest="meetings_command", metavar="ACTION", required=True)

    c = msub.add_parser("create", help="create a meeting; prints its id alone on standard output")
    c.add_argument("--board", required=True, metavar="NAME",
                   help="an existing board (see `tumorboard boards list`; `boards create` makes one)")
    c.add_argument("--date", required=True, metavar="YYYY-MM-DD")
    c.add_argument("--time", metavar="HH:MM")
    c.add_argument("--place", metavar="TEXT")
    c.add_argument("--video-link", metavar="URL")
    c.add_argument("--chair", metavar="NAME")
    c.set_defaults(handler=run_create)

    a = msub.add_parser("add-case", help="put cases on a meeting's agenda (all or none)")
    a.add_argument("meeting_id", metavar="MEETING_ID")
    a.add_argument("mrns", nargs="+", metavar="MRN")
    a.add_argument("--question", metavar="TEXT", help="the question put to the board")
    a.add_argument("--presenter", metavar="NAME")
    a.set_defaults(handler=run_add_case)

    ls = msub.add_parser("list", help="meetings, newest first")
    ls.add_argument("--board", metavar="NAME")
    ls.set_defaults(handler=run_list, writes=False)
    add_format_option(ls)

    sh = msub.add_parser("show", help="a meeting: attendance, quorum and agenda")
    sh.add_argument("meeting_id", metavar="MEETING_ID")
    sh.set_defaults(handler=run_show, writes=False)
    add_format_option(sh)

    mem = msub.add_parser("add-member", help="add a member to a board")
    mem.add_argument("--board", required=True, metavar="NAME")
    mem.add_argument("--name", required=True)
    mem.add_argument("--discipline", required=True, choices=[d.value for d in Discipline])
    mem.add_argument("--role", default="member", choices=[r.value for r in BoardRole])
    mem.set_defaults(handler=run_add_member)

    rem = msub.add_parser("remove-member", help="take a member off a board's list (kept in past minutes)")
    rem.add_argument("--board", required=True, metavar="NAME")
    rem.add_argument("--name", required=True)
    rem.set_defaults(handler=run_remove_member)

    st = msub.add_parser("start", help="start the meeting (on or after its date): attendance, triage and "
                                       "decisions open")
    st.add_argument("meeting_id", metavar="MEETING_ID")
    st.set_defaults(handler=run_start)

    at = msub.add_parser("attend", help="mark people present (or --absent) while the meeting is in progress")
    at.add_argument("meeting_id", metavar="MEETING_ID")
    at.add_argument("names", nargs="+", metavar="NAME")
    at.add_argument("--absent", action="store_true")
    at.add_argument("--discipline", choices=[d.value for d in Discipline],
                    help="for someone not on the list (a guest)")
    at.set_defaults(handler=run_attend)

    tr = msub.add_parser("triage", help="list a case as not for discussion (standard of care)")
    tr.add_argument("meeting_id", metavar="MEETING_ID")
    tr.add_argument("mrn", metavar="MRN")
    tr.add_argument("--responsible", required=True, metavar="NAME",
                    help="the clinician responsible for standard-of-care treatment")
    tr.set_defaults(handler=run_triage)

    d = msub.add_parser("decide", help="record the board's decision for a case")
    d.add_argument("meeting_id", metavar="MEETING_ID")
    d.add_argument("mrn", metavar="MRN")
    d.add_argument("--category", required=True, choices=[c.value for c in DecisionCategory])
    d.add_argument("--text", required=True)
    concordance = d.add_mutually_exclusive_group(required=True)
    concordance.add_argument("--concordant", action="store_true",
                             help="the decision follows the guideline recommendation")
    concordance.add_argument("--deviation", choices=[r.value for r in DeviationReason],
                             help="the decision departs from the recommendation, for this reason")
    d.add_argument("--deviation-text", metavar="TEXT")
    d.add_argument("--action", action="append", default=[], metavar="DESCRIPTION|OWNER[|YYYY-MM-DD]")
    d.add_argument("--preferences", metavar="TEXT", help="the patient's preferences")
    d.add_argument("--counselling", action="append", default=[], metavar="TEXT")
    d.add_argument("--replace", action="store_true",
                   help="replace the decision already recorded for this case (kept in the record)")
    d.add_argument("--reason", metavar="TEXT", help="why the recorded decision is replaced (with --replace)")
    d.set_defaults(handler=run_decide)

    ov = msub.add_parser("override-quorum", help="the chair proceeds without quorum, with a reason")
    ov.add_argument("meeting_id", metavar="MEETING_ID")
    ov.add_argument("--chair", required=True)
    ov.add_argument("--reason", required=True)
    ov.set_defaults(handler=run_override)

    cl = msub.add_parser("close", help="close the meeting; undiscussed cases carry over")
    cl.add_argument("meeting_id", metavar="MEETING_ID")
    cl.set_defaults(handler=run_close)

    sg = msub.add_parser("sign", help="the chair signs the minutes off (read-only afterwards)")
    sg.add_argument("meeting_id", metavar="MEETING_ID")
    sg.add_argument("--chair", required=True)
    sg.set_defaults(handler=run_sign)

    am = msub.add_parser("amend", help="correct a signed meeting (the original is kept)")
    am.add_argument("meeting_id", metavar="MEETING_ID")
    am.add_argument("--mrn", metavar="MRN")
    am.add_argument("--field", required=True, help="text, category, concordant, deviation_reason, "
                                                   "deviation_text, patient_preferences or note")
    am.add_argument("--value", required=True)
    am.add_argument("--reason", required=True)
    am.set_defaults(handler=run_amend)

    for p in (c, a, ls, sh, mem, rem, st, at, tr, d, ov, cl, sg, am):
        add_database_option(p)

    mi = sub.add_parser("minutes", help="write a meeting's minutes as PDF, or check one (--verify)",
                        description="Write the minutes of a meeting as PDF. A signed meeting gives a "
                                    "copy, rendered from the data signed, that names the signed "
                                    "document's SHA-256; --signed-original writes the signed document "
                                    "itself. --verify FILE checks a PDF against the record: exit 0 when "
                                    "it verifies, 5 when it does not, 2 for a file that cannot be read.")
    mi.add_argument("meeting_id", metavar="MEETING_ID", nargs="?")
    mi.add_argument("-o", "--output", metavar="FILE")
    mi.add_argument("--verify", metavar="FILE",
                    help="check a PDF against the record: the signed original (its PAdES signature, its "
                         "SHA-256 against the meeting and the audit trail) or a copy of it")
    mi.add_argument("--pseudonymise", "--pseudonymize", action="store_true",
                    help="no patient name, record number or birth date in the document")
    mi.add_argument("--signed-original", action="store_true",
                    help="write the document stored at sign-off, byte for byte")
    add_database_option(mi)
    # An export: signed in, checked and recorded; it reads the database (never creates it).
    mi.set_defaults(handler=run_minutes, writes=False)
    add_minutes_format(mi)


@contextmanager
def _service(args: argparse.Namespace) -> Iterator[MeetingService]:
    """The meeting service, signed in once the database has accounts: every meeting command
    shows or changes the MDT record. A reading command (``writes=False``) opens the database
    without creating or upgrading it."""
    db = open_database(args, read_only=not getattr(args, "writes", True))
    try:
        user = signed_in_user(args, db)
        yield MeetingService(db, actor=ACTOR, user=user)
    except (MeetingError, WorkflowError) as exc:
        raise CliError(str(exc)) from None
    except (RecordNotFound, RecordExists) as exc:
        raise CliError(str(exc)) from None
    except StoreError as exc:
        raise CliError(f"database: {exc}") from None
    finally:
        db.close()


def _day(text: str, name: str) -> date:
    try:
        return parse_iso_date(text)
    except ValueError:
        raise CliError(f"{name}: {text!r} is not a date as YYYY-MM-DD") from None


def run_create(args: argparse.Namespace) -> int:
    day = _day(args.date, "--date")
    with _service(args) as meetings:
        meeting_id = meetings.create_meeting(args.board, day, args.time, place=args.place,
                                             video_link=args.video_link, chair=args.chair)
    print(meeting_id)
    return EXIT_OK


def run_add_case(args: argparse.Namespace) -> int:
    meeting_id = _meeting_id(args.meeting_id)
    with _service(args) as meetings:
        positions = meetings.add_cases(meeting_id, args.mrns, question=args.question,
                                       presenter=args.presenter)
    for mrn, position in zip(args.mrns, positions, strict=True):
        print(f"{position}\t{mrn}")
    return EXIT_OK


def run_list(args: argparse.Namespace) -> int:
    with _service(args) as meetings:
        rows = meetings.listing(args.board)
    print_listing(args, rows)
    return EXIT_OK


def run_show(args: argparse.Namespace) -> int:
    with _service(args) as meetings:
        meeting = meetings.get(_meeting_id(args.meeting_id))
    print_meeting(args, meeting)
    return EXIT_OK


def run_start(args: argparse.Namespace) -> int:
    with _service(args) as meetings:
        meetings.start(_meeting_id(args.meeting_id))
    return EXIT_OK


def run_add_member(args: argparse.Namespace) -> int:
    with _service(args) as meetings:
        meetings.add_member(args.board, args.name, Discipline(args.discipline), BoardRole(args.role))
    return EXIT_OK


def run_remove_member(args: argparse.Namespace) -> int:
    with _service(args) as meetings:
        meetings.remove_member(args.board, args.name)
    return EXIT_OK


def run_attend(args: argparse.Namespace) -> int:
    meeting_id = _meeting_id(args.meeting_id)
    with _service(args) as meetings:
        status = None
        for name in args.names:
            discipline = Discipline(args.discipline) if args.discipline else None
            status = meetings.set_attendance(meeting_id, name, not args.absent, discipline=discipline)
    if status is not None:
        print(status.text)
    return EXIT_OK


def run_triage(args: argparse.Namespace) -> int:
    with _service(args) as meetings:
        meetings.update_agenda_item(_meeting_id(args.meeting_id), args.mrn,
                                    triage=AgendaTriage.LISTED_NOT_DISCUSSED,
                                    responsible_clinician=args.responsible)
    return EXIT_OK


def _action(text: str) -> DecisionAction:
    parts = [p.strip() for p in text.split("|")]
    if len(parts) not in (2, 3) or not parts[0] or not parts[1]:
        raise CliError(f"--action: {text!r} should read DESCRIPTION|OWNER or "
                       "DESCRIPTION|OWNER|YYYY-MM-DD")
    due = _day(parts[2], "--action due date") if len(parts) == 3 and parts[2] else None
    return DecisionAction(parts[0], parts[1], due)


def run_decide(args: argparse.Namespace) -> int:
    decision = DecisionInput(
        category=DecisionCategory(args.category), text=args.text, concordant=bool(args.concordant),
        deviation_reason=DeviationReason(args.deviation) if args.deviation else None,
        deviation_text=args.deviation_text, actions=tuple(_action(a) for a in args.action),
        patient_preferences=args.preferences, counselling_delivered=tuple(args.counselling))
    if args.reason and not args.replace:
        raise CliError("--reason: give it with --replace (the reason a recorded decision is replaced)")
    with _service(args) as meetings:
        decision_id = meetings.record_decision(_meeting_id(args.meeting_id), args.mrn, decision,
                                               replace=args.replace, reason=args.reason)
    print(decision_id)
    return EXIT_OK


def run_override(args: argparse.Namespace) -> int:
    with _service(args) as meetings:
        meetings.record_quorum_override(_meeting_id(args.meeting_id), args.chair, args.reason)
    return EXIT_OK


def run_close(args: argparse.Namespace) -> int:
    with _service(args) as meetings:
        target = meetings.close(_meeting_id(args.meeting_id))
    if target is not None:
        print(f"undiscussed cases carried over to meeting {target}")
    return EXIT_OK


def run_sign(args: argparse.Namespace) -> int:
    with _service(args) as meetings:
        # The password the chair signed in with opens their signing key (PAdES).
        signed = meetings.sign_off(_meeting_id(args.meeting_id), args.chair,
                                   password=getattr(args, "signed_in_password", None))
    print(signed.sha256)
    return EXIT_OK


def run_amend(args: argparse.Namespace) -> int:
    with _service(args) as meetings:
        meetings.amend(_meeting_id(args.meeting_id), args.mrn, args.field, args.value, args.reason)
    return EXIT_OK


EXIT_NOT_VERIFIED = EXIT_CHECK_FAILED


def run_verify_minutes(args: argparse.Namespace) -> int:
    if args.meeting_id is not None or args.output or args.signed_original or args.pseudonymise:
        raise CliError("--verify: give the file to check alone (no MEETING_ID, -o, --signed-original or "
                       "--pseudonymise)")
    path = Path(args.verify)
    try:
        pdf = path.read_bytes()
    except OSError as exc:
        raise CliError(f"--verify {args.verify}: cannot read the file ({exc.strerror or exc})") from None
    with _service(args) as meetings:
        try:
            result = meetings.verify_minutes(pdf)
        except UnreadablePdf as exc:
            raise CliError(f"--verify {args.verify}: {exc}") from None
    print(f"{args.verify}: {result.kind}, SHA-256 {result.sha256}")
    if result.meeting_id is not None:
        print(f"meeting: {result.meeting_id} ({result.meeting})")
    if result.signer:
        when = f"{result.signed_at:%Y-%m-%d %H:%M:%S} UTC" if result.signed_at else "-"
        print(f"signed off by: {result.signer} at {when}")
    for line in result.passed:
        print(f"ok: {line}")
    for line in result.failed:
        print(f"FAILED: {line}")
    if result.ok:
        print("verified: the document is what the record holds")
        return EXIT_OK
    print(f"NOT VERIFIED: {len(result.failed)} check(s) failed")
    return EXIT_NOT_VERIFIED


def run_minutes(args: argparse.Namespace) -> int:
    if args.verify is not None:
        return run_verify_minutes(args)
    if args.meeting_id is None:
        raise CliError("MEETING_ID: name the meeting whose minutes to write (or --verify FILE to check "
                       "a PDF)")
    if args.format == "fhir":
        if args.pseudonymise or args.signed_original:
            raise CliError("--format fhir: the FHIR bundle names the patients and is not the signed PDF; "
                           "drop --pseudonymise and --signed-original")
        from tumorboard.commands.fhir_export import run_meeting_fhir

        return run_meeting_fhir(args, _meeting_id(args.meeting_id))
    if not args.output:
        raise CliError("-o: name the file to write the minutes to (-o FILE)")
    meeting_id = _meeting_id(args.meeting_id)
    if args.signed_original and args.pseudonymise:
        raise CliError("--signed-original: the signed document names the patients; it cannot be "
                       "pseudonymised (drop one of the two options)")
    with _service(args) as meetings:
        pdf = meetings.export_minutes(meeting_id, pseudonymise=args.pseudonymise,
                                      signed_original=args.signed_original)
    try:
        write_private(Path(args.output), pdf)
    except OSError as exc:
        raise CliError(f"-o {args.output}: cannot write the file ({exc.strerror or exc})", code=1) from None
    print(f"minutes written to {args.output} ({len(pdf):,} bytes)", file=sys.stderr)
    return EXIT_OK
