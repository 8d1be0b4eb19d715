"""The board's decisions: recorded (or replaced, the old one kept) while the meeting is in progress,
the recommendation the board saw, and the implementation checks after the meeting."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from tumorboard.casedoc import case_to_document
from tumorboard.domain.case import Case
from tumorboard.domain.changes import Changes
from tumorboard.domain.meeting import (
    AgendaTriage,
    Discipline,
    ImplementationOutcome,
    MeetingError,
    NonImplementationReason,
    Quorum,
    QuorumOverride,
    check_decision_quorum,
)
from tumorboard.domain.meeting_state import MeetingAction, check_replacement
from tumorboard.domain.users import Permission
from tumorboard.domain.workflow import ALLOWED_TRANSITIONS, WorkflowStatus
from tumorboard.recommend import evaluate, recommendation_to_document
from tumorboard.services.audit import field_changes
from tumorboard.services.derived import derive
from tumorboard.services.meeting_input import DecisionInput, clean, no_nul
from tumorboard.services.meeting_parts import MeetingParts, _audit_fields
from tumorboard.services.quorum import quorum_status
from tumorboard.services.settings import settings_from
from tumorboard.store.meeting_records import FollowUpRecord
from tumorboard.store.unit_of_work import UnitOfWork


class DecisionCommands(MeetingParts):
    def record_decision(self, meeting_id: int, mrn: str, decision: DecisionInput,
                        expected_version: int | None = None, *, replace: bool = False,
                        reason: str | None = None) -> int:
        """Record the board's decision for a case on the agenda while the meeting is in progress.

        A second decision for the same case is refused unless ``replace`` is asked with a
        ``reason``: the replaced decision is kept whole. The engine's full output for the meeting
        day is stored with it; the case is marked as discussed. Refused without quorum unless the
        chair's override is recorded."""
        problems = decision.problems()
        if replace:
            no_nul(reason)
        if problems:
            raise MeetingError("; ".join(problems))
        with self._action(Permission.RECORD_DECISIONS) as uow:
            meeting = self._meeting(uow, meeting_id, MeetingAction.DECIDE)
            item = next((a for a in meeting.agenda if a.mrn == mrn), None)
            if item is None:
                raise MeetingError(f"case {mrn} is not on the agenda of this meeting; add it first")
            if item.triage == AgendaTriage.LISTED_NOT_DISCUSSED.value:
                raise MeetingError(f"case {mrn} is listed as not for discussion; change its triage to "
                                   "record a decision")
            check_replacement(existing=item.decision is not None, replace=replace, reason=reason)
            status = quorum_status(meeting)
            override = (QuorumOverride(meeting.quorum_override_by, meeting.quorum_override_reason or "",
                                       uow.now) if meeting.quorum_override_by else None)
            present = {Discipline(a.discipline) for a in meeting.attendance if a.present}
            check_decision_quorum(Quorum(frozenset(status.required)), present, override)
            stored = uow.cases.get(mrn)
            rec = recommendation_to_document(evaluate(stored.case, meeting.day))
            fields = decision.fields(rec, None if status.met else
                                     f"{meeting.quorum_override_by}: {meeting.quorum_override_reason}",
                                     meeting.day + timedelta(weeks=self._follow_up_weeks(uow)))
            audited = {k: v for k, v in fields.items() if k != "recommendation"}
            if item.decision is None:
                decision_id = uow.meetings.add_decision(meeting_id, mrn, fields, self.actor)
                _audit_fields(uow, "decide", "decision", decision_id, {}, audited)
            else:
                assert reason is not None
                decision_id, old = uow.meetings.replace_decision(meeting_id, mrn, fields, self.actor,
                                                                 expected_version, reason.strip())
                uow.audit("replace-decision", "decision", decision_id, [("reason", None, reason.strip())])
                _audit_fields(uow, "replace-decision", "decision", decision_id, old, audited)
            uow.touched(meetings=[meeting_id])
            self._mark_discussed(uow, stored.case, meeting.day)
            uow.meetings.touch(meeting_id, self.actor)
        return decision_id

    def _mark_discussed(self, uow: UnitOfWork, case: Case, day: date) -> None:
        """The case now carries this MDT discussion and moves to "discussed" where the pathway allows."""
        mrn = case.patient.mrn
        if day not in case.mdt_discussions:
            updated = replace(case, mdt_discussions=tuple(sorted({*case.mdt_discussions, day})))
            before = uow.cases.get(mrn)
            uow.cases.update(updated, derive(updated, self.today(), before.staging_date, before.next_meeting,
                                             settings_from(uow.settings.all()).readiness), self.actor, None)
            uow.audit("update", "case", mrn, field_changes(case_to_document(case), case_to_document(updated)))
        current = WorkflowStatus(uow.cases.get(mrn).status)
        path = _path_to_discussed(current)
        for step in path:
            uow.cases.set_fields(mrn, self.actor, None, status=step.value)
        if path:
            uow.audit("status", "case", mrn, [("status", current.value, path[-1].value)])

    def recommendation(self, meeting_id: int, mrn: str) -> dict[str, Any]:
        """What the board sees for a case: the recommendation stored with its decision, else the
        engine's output for the meeting day (the one rule the meeting room and the minutes share)."""
        from tumorboard.services.minutes import meeting_recommendation

        with self.db.reading() as uow:
            meeting = uow.meetings.get(meeting_id)
            item = next((a for a in meeting.agenda if a.mrn == mrn), None)
            if item is None:
                raise MeetingError(f"case {mrn} is not on the agenda of meeting {meeting_id}")
            case = uow.cases.get(mrn).case
        return meeting_recommendation(item.decision, case, meeting.day)

    def follow_ups_due(self, on: date | None = None) -> list[FollowUpRecord]:
        with self.db.reading() as uow:
            return uow.meetings.follow_ups(on or self.today())

    def record_implementation(self, decision_id: int, outcome: ImplementationOutcome,
                              reason: NonImplementationReason | None = None,
                              note: str | None = None) -> Changes:
        if outcome is not ImplementationOutcome.FULLY and reason is None:
            raise MeetingError("reason: a decision carried out partly or not at all needs the reason "
                               "(patient wish, death, clinical change, physician decision, other)")
        if reason is NonImplementationReason.OTHER and not (note or "").strip():
            raise MeetingError("note: the reason \"other\" needs a note saying what happened")
        with self._action(Permission.FOLLOW_UP) as uow:
            uow.meetings.add_implementation(decision_id, outcome.value, reason.value if reason else None,
                                            clean(note), self.actor)
            uow.audit("implementation", "decision", decision_id, [
                ("outcome", None, outcome.value), ("reason", None, reason.value if reason else None),
                ("note", None, clean(note))])
        return self.last_changes


def _path_to_discussed(current: WorkflowStatus) -> list[WorkflowStatus]:
    if current is WorkflowStatus.DISCUSSED:
        return []
    if WorkflowStatus.DISCUSSED in ALLOWED_TRANSITIONS[current]:
        return [WorkflowStatus.DISCUSSED]
    if WorkflowStatus.READY_FOR_MDT in ALLOWED_TRANSITIONS[current]:
        return [WorkflowStatus.READY_FOR_MDT, WorkflowStatus.DISCUSSED]
    return []  # closed cases stay closed; the decision is still recorded
