"""The minutes of a meeting as data (domain.minutes), from the stored meeting and its cases.

Pseudonymised minutes name each case "Case N" and carry no name, record number or birth date.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any

from tumorboard.domain.case import Case
from tumorboard.domain.dates import completed_years
from tumorboard.domain.due import WINDOW_WORDS
from tumorboard.domain.meeting import (
    AMENDABLE_FIELDS,
    AgendaTriage,
    DecisionAction,
    DecisionCategory,
    DeviationReason,
    Discipline,
)
from tumorboard.domain.minutes import (
    Amendment,
    AttendeeLine,
    CaseIdentity,
    ClinicalSummary,
    Minutes,
    MinutesCase,
    RecordedDecision,
    SignOff,
)
from tumorboard.recommend import evaluate, recommendation_to_document
from tumorboard.services.derived import subtype_label
from tumorboard.services.quorum import QuorumStatus
from tumorboard.store.meeting_records import AgendaRecord, DecisionRecord, MeetingRecord


def document_id(meeting: MeetingRecord) -> str:
    board = "".join(ch for ch in meeting.board.name.upper() if ch.isalnum())[:12] or "MDT"
    return f"MDT-{board}-{meeting.day:%Y%m%d}-{meeting.id}"


def assemble_minutes(meeting: MeetingRecord, cases: dict[str, Case], *, pseudonymise: bool, app_version: str,
                     quorum: QuorumStatus, generated_at: datetime, copy_of: str | None,
                     sign_off: SignOff | None = None) -> Minutes:
    if sign_off is None and meeting.signed_at is not None and meeting.signed_by:
        sign_off = SignOff(meeting.signed_by, meeting.signed_at, meeting.minutes_sha256)
    labels = {a.mrn: _identity(a, cases[a.mrn], pseudonymise) for a in meeting.agenda}
    amendments = amendment_lines(meeting, {mrn: identity.label for mrn, identity in labels.items()})
    return Minutes(
        document_id=document_id(meeting), board=meeting.board.name, day=meeting.day,
        start=_time(meeting.start_time), place=meeting.place, video_link=meeting.video_link,
        chair=meeting.chair,
        attendees=tuple(AttendeeLine(a.name, Discipline(a.discipline), a.role, a.present)
                        for a in meeting.attendance),
        quorum_required=quorum.required, quorum_missing=quorum.missing,
        cases=tuple(_case(a, cases[a.mrn], labels[a.mrn], meeting.day) for a in meeting.agenda),
        carried_over_to=meeting.carried_over_to_day, amendments=amendments, sign_off=sign_off,
        copy_of_sha256=copy_of, pseudonymised=pseudonymise, app_version=app_version,
        generated_at=generated_at)


def amendment_lines(meeting: MeetingRecord, labels: dict[str, str]) -> tuple[Amendment, ...]:
    """The meeting's amendments, each naming its case by ``labels`` (record number -> label)."""
    return tuple(Amendment(a.at, a.by, a.reason, labels.get(a.mrn) if a.mrn else None,
                           _change_words(a.field, a.old_value, a.new_value)) for a in meeting.amendments)


def meeting_recommendation(decision: DecisionRecord | None, case: Case, day: date) -> dict[str, Any]:
    """What the board saw or sees for a case: the engine output stored with its decision (the
    ruleset of that day), else the engine's output for the meeting day."""
    if decision is not None:
        stored: dict[str, Any] = json.loads(decision.recommendation_json)
        return stored
    return recommendation_to_document(evaluate(case, day))


def _identity(item: AgendaRecord, case: Case, pseudonymise: bool) -> CaseIdentity:
    if pseudonymise:
        return CaseIdentity(f"Case {item.position}", True)
    p = case.patient
    name = p.name or "(no name recorded)"
    return CaseIdentity(f"{name} (MRN {p.mrn}, born {p.birth_date.isoformat()})", False, p.mrn, p.name,
                        p.birth_date)


def _case(item: AgendaRecord, case: Case, identity: CaseIdentity, day: date) -> MinutesCase:
    decision = item.decision
    # What the board saw: the engine output stored with the decision; otherwise the meeting day's.
    rec = meeting_recommendation(decision, case, day)
    return MinutesCase(
        position=item.position, identity=identity, triage=AgendaTriage(item.triage), question=item.question,
        presenter=item.presenter, responsible_clinician=item.responsible_clinician, discussed=item.discussed,
        carried_over_from=item.carried_over_from_day, summary=_summary(case, rec, day),
        recommendation=rec, decision=_decision(decision) if decision else None, case=case, as_of=day)


def _summary(case: Case, rec: dict[str, Any], day: date) -> ClinicalSummary:
    organs = tuple(dict.fromkeys(lesion.organ.value.replace("_", " ") for lesion in case.metastatic.lesions))
    current = [t for t in case.therapies if t.kind.value == "systemic" and t.start <= day
               and (t.end is None or t.end >= day)]
    therapy = " / ".join(t.regimen or "systemic therapy" for t in current) or None
    window = rec["response_window"]
    status = WINDOW_WORDS.get(window["status"], window["status"])
    if window.get("opens") and window.get("closes"):
        status = f"{status} ({window['opens']} to {window['closes']})"
    recist = rec.get("recist")
    return ClinicalSummary(
        age=completed_years(case.patient.birth_date, day),
        subtype=subtype_label(rec["biology"]["hormone_receptor"], rec["biology"]["her2"]).replace("/", " / "),
        stage=rec["stage"]["ajcc8_anatomic"], metastatic_sites=organs,
        distant_lesions=rec["disease"]["distant_lesion_count"], current_therapy=therapy,
        latest_response=recist.get("latest") if recist else None, window=status)


def _decision(d: DecisionRecord) -> RecordedDecision:
    actions = tuple(DecisionAction(a["description"], a["owner"],
                                   date.fromisoformat(a["due"]) if a["due"] else None)
                    for a in json.loads(d.actions_json))
    return RecordedDecision(
        category=DecisionCategory(d.category), text=d.text, concordant=d.concordant,
        deviation_reason=DeviationReason(d.deviation_reason) if d.deviation_reason else None,
        deviation_text=d.deviation_text, actions=actions, patient_preferences=d.patient_preferences,
        counselling_delivered=tuple(json.loads(d.counselling_json)), quorum_override=d.quorum_override,
        recorded_by=d.recorded_by, recorded_at=d.recorded_at, follow_up_due=d.follow_up_due)




def _change_words(field: str, old: str | None, new: str | None) -> str:
    label = AMENDABLE_FIELDS.get(field, field)
    if old is None:
        return f"{label}: {new}"
    return f"{label}: \u201c{old}\u201d corrected to \u201c{new}\u201d"


def _time(text: str | None) -> time | None:
    if not text:
        return None
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))
