"""The MDT quality audit: how a board performed over a period, as figures.

Pure arithmetic over plain rows (one per signed meeting, one per agenda item of those meetings);
the store reads the rows (``store/quality_audit.py``), the service joins the two, and the CLI, the
Audit tab and the annual report all show the figures computed here, so every figure has one
definition.

Definitions (the report's footnotes say the same):

- median: the middle value of the sorted values, the mean of the two middle ones for an even count;
- p90: the nearest-rank 90th percentile, the smallest value with at least 90 % of the values at or
  below it (sorted[ceil(0.9 * n) - 1]); always a value that occurred, as auditors recount it;
- a rate is ``None`` (JSON ``null``) when there is nothing to divide by, never 0.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from tumorboard.domain.meeting import (
    AgendaTriage,
    DecisionCategory,
    DeviationReason,
    Discipline,
    ImplementationOutcome,
    NonImplementationReason,
    Quorum,
)

# Decisions "whose category is a treatment" for the decision-to-treatment wait: the categories
# that commit the patient to an anti-cancer treatment the team then starts (drugs, surgery,
# radiotherapy, metastasis-directed treatment). Not counted: further investigation (no treatment
# decided yet), clinical trial referral (the trial, not the board, sets the start), best
# supportive care (no anti-cancer therapy to start) and "other" (unknown content).
TREATMENT_CATEGORIES: frozenset[str] = frozenset({
    DecisionCategory.SYSTEMIC_THERAPY.value,
    DecisionCategory.METASTASIS_DIRECTED_THERAPY.value,
    DecisionCategory.PRIMARY_TUMOUR_SURGERY.value,
    DecisionCategory.RADIOTHERAPY.value,
})

# The 31-day line the audit asks for (issue 18): the decision-to-treat to first-treatment standard
# of the English cancer waiting times. An audit convention for the board's process, not clinical
# content of the recommendation module; the clinical sources do not cover waiting times.
TREATMENT_TARGET_DAYS = 31

# Decision fields an amendment after sign-off can change that the figures depend on.
AMENDED_FIELDS = ("category", "concordant", "deviation_reason")


@dataclass(frozen=True, slots=True)
class AuditMeeting:
    """A signed meeting of the period: who was there and whether only the chair's override made
    the quorum."""

    id: int
    board: str
    day: date
    required: frozenset[str]  # the board's quorum (discipline values)
    present: frozenset[str]  # disciplines with at least one member present
    override_by_chair: bool  # the chair recorded an override (the one that counts)

    @property
    def quorum_overridden(self) -> bool:
        """Quorum met only by the chair's override: disciplines missing, the chair's override on record."""
        known = {d.value for d in Discipline}
        quorum = Quorum(frozenset(Discipline(d) for d in self.required if d in known))
        missing = quorum.missing(frozenset(Discipline(d) for d in self.present if d in known))
        return bool(missing) and self.override_by_chair


@dataclass(frozen=True, slots=True)
class AuditItem:
    """One agenda item of a signed meeting with its decision (as amended) and what followed."""

    meeting_id: int
    meeting_day: date
    mrn: str
    triage: str
    discussed: bool
    referred_on: date  # the case's referral date, else the day it was created
    decision_id: int | None = None
    category: str | None = None
    concordant: bool | None = None
    deviation_reason: str | None = None
    ruleset: str | None = None  # "ombc 1.1": the ruleset the decision was made under
    implementation: str | None = None  # the latest check's outcome, None = not yet checked
    implementation_reason: str | None = None
    first_therapy_start: date | None = None  # first therapy started on or after the meeting day
    amended: tuple[str, ...] = field(default=())  # the fields changed by amendment after sign-off

    @property
    def carried_over(self) -> bool:
        return self.triage == AgendaTriage.FOR_DISCUSSION.value and not self.discussed

    @property
    def is_treatment(self) -> bool:
        return self.decision_id is not None and self.category in TREATMENT_CATEGORIES

    @property
    def days_to_treatment(self) -> int | None:
        if not self.is_treatment or self.first_therapy_start is None:
            return None
        return (self.first_therapy_start - self.meeting_day).days


def amended(item: AuditItem, amendments: Iterable[tuple[str, str | None]]) -> AuditItem:
    """The decision as it stands after its amendments (``(field, new value)`` in the order they
    were made: the last one of a field wins). The signed row itself is never changed."""
    values: dict[str, Any] = {}
    for name, value in amendments:
        if name == "concordant":
            values[name] = value == "True"
        elif name in AMENDED_FIELDS:
            values[name] = value
    if not values:
        return item
    return replace(item, amended=tuple(sorted(values)), **values)


# -- arithmetic ----------------------------------------------------------------------------------
def median(values: Sequence[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return float(ordered[mid]) if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def p90(values: Sequence[float]) -> float | None:
    """Nearest-rank 90th percentile (see the module docstring)."""
    if not values:
        return None
    ordered = sorted(values)
    return float(ordered[math.ceil(0.9 * len(ordered)) - 1])


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# -- the figures -----------------------------------------------------------------------------------
def first_discussions(items: Sequence[AuditItem]) -> dict[str, AuditItem]:
    """Each discussed case's first discussion among the period's meetings (by day, then meeting)."""
    first: dict[str, AuditItem] = {}
    for item in sorted((i for i in items if i.discussed), key=lambda i: (i.meeting_day, i.meeting_id)):
        first.setdefault(item.mrn, item)
    return first


def referral_days(items: Sequence[AuditItem]) -> dict[str, int]:
    """Days from referral to the first discussion in the period, per case (record number)."""
    return {mrn: (i.meeting_day - i.referred_on).days for mrn, i in first_discussions(items).items()}


def figures(meetings: Sequence[AuditMeeting], items: Sequence[AuditItem]) -> dict[str, Any]:
    """Every figure of the audit, JSON-ready; each key always present (``None`` where nothing
    to divide by). ``items`` are the agenda items of ``meetings``."""
    decisions = [i for i in items if i.decision_id is not None]
    concordant = sum(1 for d in decisions if d.concordant)
    deviating = [d for d in decisions if not d.concordant]
    checked = [d for d in decisions if d.implementation is not None]
    outcome = {o: sum(1 for d in checked if d.implementation == o.value) for o in ImplementationOutcome}
    referral = list(referral_days(items).values())
    treatment = [d.days_to_treatment for d in decisions if d.days_to_treatment is not None]
    return {
        "meetings": len(meetings),
        "agenda_items": len(items),
        "discussed": sum(1 for i in items if i.discussed),
        "listed_not_discussed": sum(1 for i in items if i.triage == AgendaTriage.LISTED_NOT_DISCUSSED.value),
        "carried_over": sum(1 for i in items if i.carried_over),
        "decisions": len(decisions),
        "concordant": concordant,
        "deviating": len(deviating),
        "concordance_rate": rate(concordant, len(decisions)),
        "deviation_reasons": {r.value: sum(1 for d in deviating if d.deviation_reason == r.value)
                              for r in DeviationReason},
        "quorum_overrides": sum(1 for m in meetings if m.quorum_overridden),
        "implementation": {
            "checked": len(checked),
            "full": outcome[ImplementationOutcome.FULLY],
            "partial": outcome[ImplementationOutcome.PARTLY],
            "not_done": outcome[ImplementationOutcome.NOT_DONE],
            "pending": len(decisions) - len(checked),
            "rate": rate(outcome[ImplementationOutcome.FULLY] + outcome[ImplementationOutcome.PARTLY],
                         len(checked)),
            "reasons": {r.value: sum(1 for d in checked if d.implementation_reason == r.value)
                        for r in NonImplementationReason},
        },
        "days_referral_to_first_mdt": {"n": len(referral), "median": median(referral), "p90": p90(referral)},
        "days_decision_to_treatment": {
            "n": len(treatment), "median": median(treatment), "p90": p90(treatment),
            "within_31_days_rate": rate(sum(1 for d in treatment if d <= TREATMENT_TARGET_DAYS),
                                        len(treatment)),
        },
        "attendance": {d.value: rate(sum(1 for m in meetings if d.value in m.present), len(meetings))
                       for d in Discipline},
        "ruleset_versions": ruleset_versions(decisions),
    }


def ruleset_versions(decisions: Iterable[AuditItem]) -> dict[str, int]:
    """How many decisions were made under each ruleset version, in name order."""
    counts: dict[str, int] = {}
    for d in decisions:
        if d.ruleset:
            counts[d.ruleset] = counts.get(d.ruleset, 0) + 1
    return dict(sorted(counts.items()))
