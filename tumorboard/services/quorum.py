"""Whether a meeting has its quorum: the disciplines its board requires, present or missing."""

from __future__ import annotations

from dataclasses import dataclass

from tumorboard.domain.meeting import Discipline, Quorum
from tumorboard.store.meeting_records import MeetingRecord


@dataclass(frozen=True, slots=True)
class QuorumStatus:
    met: bool
    required: tuple[Discipline, ...]
    missing: tuple[Discipline, ...]
    overridden_by: str | None

    @property
    def text(self) -> str:
        if self.met:
            return "Quorum met"
        names = ", ".join(d.label for d in self.missing)
        suffix = f" (chair's override recorded by {self.overridden_by})" if self.overridden_by else ""
        return f"Quorum NOT met: missing {names}{suffix}"



def quorum_status(meeting: MeetingRecord) -> QuorumStatus:
    required = tuple(d for d in Discipline if d.value in meeting.board.quorum)
    present = {Discipline(a.discipline) for a in meeting.attendance if a.present}
    missing = tuple(Quorum(frozenset(required)).missing(present))
    return QuorumStatus(not missing, required, missing, meeting.quorum_override_by)
