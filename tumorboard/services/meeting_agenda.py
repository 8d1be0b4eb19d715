"""The agenda of a meeting: cases added, suggested, triaged, reordered and removed; the next weekly
meeting planned. Each action one unit of work."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tumorboard.domain.changes import Changes
from tumorboard.domain.meeting import AgendaTriage, MeetingError, check_triage
from tumorboard.domain.meeting_state import MeetingAction
from tumorboard.domain.users import Permission
from tumorboard.domain.workflow import WorkflowStatus
from tumorboard.services.meeting_input import clean, no_nul, text_of
from tumorboard.services.meeting_parts import MeetingParts, _audit_fields
from tumorboard.store import RecordExists, RecordNotFound


class AgendaCommands(MeetingParts):
    def schedule_next(self, meeting_id: int) -> int:
        """The same board, time and place one week later (weekly recurrence); an existing meeting
        on that day is reused."""
        with self._action(Permission.PLAN_MEETINGS) as uow:
            target = self._next_meeting(uow, uow.meetings.get(meeting_id))
        return target

    def add_cases(self, meeting_id: int, mrns: Sequence[str], *, question: str | None = None,
                  presenter: str | None = None) -> list[int]:
        """Put cases on the agenda (all or none); returns their positions."""
        if not mrns:
            raise MeetingError("cases: name at least one record number to add")
        no_nul(question, presenter)
        with self._action(Permission.PLAN_MEETINGS) as uow:
            meeting = self._meeting(uow, meeting_id, MeetingAction.PLAN)
            positions = []
            for mrn in mrns:
                try:
                    positions.append(uow.meetings.add_agenda(
                        meeting_id, mrn, triage=AgendaTriage.FOR_DISCUSSION.value, question=clean(question),
                        presenter=clean(presenter)))
                except (RecordNotFound, RecordExists) as exc:
                    raise MeetingError(f"cases: {exc}; no case was added") from None
                self._set_next_meeting(uow, mrn, meeting.day)
                uow.audit("add-case", "meeting", meeting_id, [("agenda", None, mrn)])
            uow.meetings.touch(meeting_id, self.actor)
        return positions

    def suggest_cases(self, meeting_id: int, limit: int = 50) -> list[str]:
        """Record numbers of cases ready for the MDT or whose reassessment is due, not yet listed."""
        from tumorboard.services.cases import CaseService, WorklistQuery

        meeting = self.get(meeting_id)
        listed = {a.mrn for a in meeting.agenda}
        service = CaseService(self.db, self.actor, lambda: meeting.day)
        rows = service.worklist(WorklistQuery(statuses=(WorkflowStatus.READY_FOR_MDT,), limit=limit))
        rows += service.worklist(WorklistQuery(window_statuses=("open", "overdue"), limit=limit))
        out: list[str] = []
        for row in rows:
            if row.mrn not in listed and row.mrn not in out and row.status is not WorkflowStatus.CLOSED:
                out.append(row.mrn)
        return out[:limit]

    def update_agenda_item(self, meeting_id: int, mrn: str, *, question: str | None = None,
                           presenter: str | None = None, triage: AgendaTriage | None = None,
                           responsible_clinician: str | None = None,
                           imaging_review: bool | None = None, pathology_review: bool | None = None,
                           expected_version: int | None = None) -> Changes:
        """The question, presenter, review requests (None: as they are) and (while the meeting is
        in progress) the triage of a case."""
        with self._action(Permission.PLAN_MEETINGS) as uow:
            meeting = uow.meetings.get(meeting_id)
            current = next((a for a in meeting.agenda if a.mrn == mrn), None)
            if current is None:
                raise MeetingError(f"case {mrn} is not on the agenda of meeting {meeting_id}")
            new_triage = triage or AgendaTriage(current.triage)
            action = MeetingAction.TRIAGE if new_triage.value != current.triage else MeetingAction.PLAN
            self._meeting(uow, meeting_id, action)
            fields: dict[str, Any] = {
                "question": clean(question), "presenter": clean(presenter), "triage": new_triage.value,
                "responsible_clinician": clean(responsible_clinician),
                "imaging_review_requested": current.imaging_review_requested if imaging_review is None
                else imaging_review,
                "pathology_review_requested": current.pathology_review_requested if pathology_review is None
                else pathology_review}
            check_triage(new_triage, fields["responsible_clinician"], decided=current.decision is not None)
            before = {"question": current.question, "presenter": current.presenter, "triage": current.triage,
                      "responsible_clinician": current.responsible_clinician,
                      "imaging_review_requested": current.imaging_review_requested,
                      "pathology_review_requested": current.pathology_review_requested}
            fields = {k: v for k, v in fields.items() if text_of(v) != text_of(before[k])}
            if fields:  # a save that changes nothing writes nothing
                old = uow.meetings.update_agenda(meeting_id, mrn, self.actor, expected_version, **fields)
                _audit_fields(uow, "agenda", "meeting", meeting_id, old, fields, prefix=f"{mrn}/")
                uow.meetings.touch(meeting_id, self.actor)
        return self.last_changes

    def reorder(self, meeting_id: int, mrns: Sequence[str], expected_version: int | None = None) -> Changes:
        with self._action(Permission.PLAN_MEETINGS) as uow:
            meeting = self._meeting(uow, meeting_id, MeetingAction.PLAN)
            before = [a.mrn for a in meeting.agenda]
            try:
                uow.meetings.reorder(meeting_id, list(mrns))
            except RecordNotFound as exc:
                raise MeetingError(f"order: {exc}") from None
            uow.audit("reorder", "meeting", meeting_id, [("agenda", before, list(mrns))])
            uow.meetings.touch(meeting_id, self.actor, expected_version)
        return self.last_changes

    def remove_case(self, meeting_id: int, mrn: str) -> Changes:
        with self._action(Permission.PLAN_MEETINGS) as uow:
            self._meeting(uow, meeting_id, MeetingAction.PLAN)
            try:
                uow.meetings.remove_agenda(meeting_id, mrn)
            except (RecordNotFound, RecordExists) as exc:
                raise MeetingError(f"case: {exc}") from None
            uow.audit("remove-case", "meeting", meeting_id, [("agenda", mrn, None)])
            uow.touched(cases=[mrn])
            uow.meetings.touch(meeting_id, self.actor)
        return self.last_changes
