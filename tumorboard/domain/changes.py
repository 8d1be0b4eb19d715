"""What a user action changed: the services return it, one application-wide notice carries it, and
each view that shows one of these things refreshes itself (Anki's ``OpChanges``)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Changes:
    cases: frozenset[str] = field(default_factory=frozenset)  # record numbers
    meetings: frozenset[int] = field(default_factory=frozenset)
    boards: frozenset[int] = field(default_factory=frozenset)
    settings: bool = False
    accounts: bool = False

    def __or__(self, other: Changes) -> Changes:
        return Changes(self.cases | other.cases, self.meetings | other.meetings, self.boards | other.boards,
                       self.settings or other.settings, self.accounts or other.accounts)

    def __bool__(self) -> bool:
        return bool(self.cases or self.meetings or self.boards or self.settings or self.accounts)

    def concerns_case(self, mrn: str) -> bool:
        return mrn in self.cases

    def concerns_meeting(self, meeting_id: int) -> bool:
        return meeting_id in self.meetings


NOTHING = Changes()
