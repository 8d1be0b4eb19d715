"""What ``meetings list`` and ``meetings show`` print, as text or JSON (``--format json``)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from tumorboard.commands.output import JSON, print_json, print_records
from tumorboard.domain.meeting import AgendaTriage, Discipline
from tumorboard.domain.meeting_state import MeetingState
from tumorboard.services.quorum import quorum_status
from tumorboard.store.meeting_records import MeetingListRecord, MeetingRecord

LISTING_COLUMNS = ("id", "date", "start_time", "board", "chair", "cases", "state")


def add_minutes_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=["pdf", "fhir"], default="pdf",
                        help="pdf: the minutes (default, needs -o); fhir: the meeting's decisions as a "
                             "FHIR R4 Bundle (JSON; one CarePlan per decision, with each case's "
                             "resources), to -o FILE or standard output")


def print_listing(args: argparse.Namespace, rows: Sequence[MeetingListRecord]) -> None:
    records = [{"id": r.id, "date": r.day, "start_time": r.start_time, "board": r.board, "chair": r.chair,
                "cases": r.cases, "state": r.state} for r in rows]
    # state: planned, in_progress, closed or signed: words a script can match
    print_records(args, records, LISTING_COLUMNS, lambda r: (
        f"{r['id']}\t{r['date'].isoformat()}\t{r['start_time'] or '-'}\t{r['board']}\t"
        f"{r['cases']} case(s)\t{r['state']}"))


def _agenda_state(item: Any) -> str:
    if item.decision:
        return "decided"
    if item.triage == AgendaTriage.LISTED_NOT_DISCUSSED.value:
        return "listed_not_discussed"
    return "to_discuss"


def meeting_document(meeting: MeetingRecord) -> dict[str, Any]:
    quorum = quorum_status(meeting)
    return {
        "id": meeting.id, "board": meeting.board.name, "date": meeting.day,
        "start_time": meeting.start_time, "place": meeting.place, "video_link": meeting.video_link,
        "chair": meeting.chair, "state": meeting.state, "version": meeting.version,
        "quorum": {"met": quorum.met, "required": list(quorum.required), "missing": list(quorum.missing),
                   "overridden_by": quorum.overridden_by},
        "attendance": [{"name": a.name, "discipline": a.discipline, "role": a.role, "present": a.present}
                       for a in meeting.attendance],
        "agenda": [{"position": i.position, "mrn": i.mrn, "name": i.name, "question": i.question,
                    "presenter": i.presenter, "triage": i.triage,
                    "responsible_clinician": i.responsible_clinician, "state": _agenda_state(i),
                    "decision_id": i.decision.id if i.decision else None}
                   for i in meeting.agenda],
        "signed_by": meeting.signed_by, "signed_at": meeting.signed_at,
        "minutes_sha256": meeting.minutes_sha256,
    }


def print_meeting(args: argparse.Namespace, meeting: MeetingRecord) -> None:
    if getattr(args, "format", None) == JSON:
        print_json(meeting_document(meeting))
        return
    when = f"{meeting.day.isoformat()} {meeting.start_time or ''}".rstrip()
    print(f"Meeting {meeting.id}: {meeting.board.name}, {when} ({MeetingState(meeting.state).label})")
    print(f"Chair: {meeting.chair or '-'}; place: {meeting.place or '-'}; video: {meeting.video_link or '-'}")
    print(quorum_status(meeting).text)
    for a in meeting.attendance:
        print(f"  [{'x' if a.present else ' '}] {a.name} ({Discipline(a.discipline).label}, {a.role})")
    words = {"decided": "decided", "listed_not_discussed": "listed, not discussed",
             "to_discuss": "to discuss"}
    for item in meeting.agenda:
        print(f"{item.position}. {item.mrn} {item.name or ''} - {words[_agenda_state(item)]}")
    if meeting.signed_at:
        print(f"Signed by {meeting.signed_by} at {meeting.signed_at:%Y-%m-%d %H:%M} UTC; "
              f"SHA-256 {meeting.minutes_sha256}")
