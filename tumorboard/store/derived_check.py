"""Derived data the worklist reads instead of the cases, compared with the cases: the status
counts (revision 0011) and the trigram index over the cases in the worklist's order (revision
0015, with their status and subtype since 0016). Both are kept by triggers; a dropped trigger or
a change made with triggers off leaves them stale, and the worklist would then show wrong counts
or miss a case under a text filter. Part of the full check (services/integrity.full_check); reads only."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from tumorboard.store.case_text import TRIGGERS, has_case_text, mismatched_case_text


def stale_derived(session: Session) -> list[str]:
    """What disagrees with the cases, one line each (empty: nothing)."""
    problems: list[str] = []
    counted: dict[str, int] = {str(s): int(n) for s, n in session.execute(
        text("SELECT status, cases FROM case_status_counts WHERE cases <> 0"))}
    actual: dict[str, int] = {str(s): int(n) for s, n in session.execute(
        text("SELECT status, count(*) FROM cases GROUP BY status"))}
    if counted != actual:
        wrong = sorted(s for s in set(counted) | set(actual) if counted.get(s, 0) != actual.get(s, 0))
        problems.append(f"the worklist's status counts disagree with the cases for {', '.join(wrong)} "
                        "(a trigger of revision 0011 missing or bypassed)")
    if session.get_bind().dialect.name == "sqlite" and has_case_text(session):
        names = set(session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
        gone = [name for name in TRIGGERS if name not in names]
        if gone:
            problems.append("the triggers that keep the worklist's text index are missing: "
                            + ", ".join(gone))
        stale = mismatched_case_text(session.connection())
        if stale:
            problems.append(f"the worklist's text index is stale for {stale} case(s): a text filter "
                            "may miss them (a trigger of revisions 0015-0016 missing or bypassed)")
    return problems
