"""Benchmark of the quality audit (run by hand; results go to bench/RESULTS.md, "Quality audit").

    python bench/bench_quality_audit.py [--cases 100000] [--decisions 50000] [--runs 30]
                                        [--database URL]

Fills a new database (a SQLite file unless --database names an empty PostgreSQL one) with
--cases cases (one or two therapies each) and --boards boards meeting weekly for five years,
whose signed meetings hold --decisions decisions, attendance, cases listed but not discussed,
implementation checks for most decisions and a few amendments. The rows are written in bulk
(not through the services: that would take hours), in the order the database's own triggers
allow: meetings planned, started, given their attendance, agenda and decisions, closed, signed.

Then times ``QualityAuditService.audit`` for one year of one board (the figures computed too),
median of --runs, beside a floor measured in the same run: a plain ``SELECT count(*)`` of the
agenda items of the same meetings.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, update

from tumorboard.domain.meeting import DecisionCategory, DeviationReason
from tumorboard.services.quality_audit import QualityAuditService
from tumorboard.store import Database
from tumorboard.store.models import (
    AgendaItemRow,
    AmendmentRow,
    AttendanceRow,
    BoardRow,
    CaseRow,
    DecisionRow,
    ImplementationCheckRow,
    MeetingRow,
    PatientRow,
    TherapyRow,
)

FIRST_DAY = date(2021, 1, 4)
YEARS = 5
AUDIT_YEAR = 2024
NOW = datetime(2026, 1, 15, 12, tzinfo=UTC)
QUORUM = ["breast_surgery", "medical_oncology", "radiation_oncology", "radiology", "pathology"]
MEMBERS = [
    ("Chair", "breast_surgery"),
    ("Oncologist", "medical_oncology"),
    ("Radiation", "radiation_oncology"),
    ("Radiologist", "radiology"),
    ("Pathologist", "pathology"),
    ("Nurse", "specialist_nursing"),
    ("Coordinator", "coordination"),
]


def _chunks(rows: list[dict[str, Any]], size: int = 5000) -> Any:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _insert(conn: Any, model: Any, rows: list[dict[str, Any]]) -> None:
    for part in _chunks(rows):
        conn.execute(insert(model), part)


def fill(db: Database, n_cases: int, n_decisions: int, n_boards: int, seed: int = 18) -> None:
    rng = random.Random(seed)
    with db.engine.begin() as conn:
        _insert(
            conn,
            PatientRow,
            [
                {
                    "id": i,
                    "mrn": f"BENCH-{i:06d}",
                    "birth_date": date(1950 + i % 40, 1 + i % 12, 1),
                    "sex": "female",
                }
                for i in range(1, n_cases + 1)
            ],
        )
        created = [
            datetime(2020, 6, 1, tzinfo=UTC) + timedelta(days=rng.randrange(5 * 365)) for _ in range(n_cases)
        ]
        _insert(
            conn,
            CaseRow,
            [
                {
                    "id": i,
                    "patient_id": i,
                    "version": 1,
                    "status": "discussed",
                    "created_at": created[i - 1],
                    "updated_at": created[i - 1],
                    "updated_by": "bench",
                    "tumour_diagnosis_date": created[i - 1].date(),
                    "t": "T2",
                    "n": "N1",
                    "m": "M1",
                    "primary_intact": True,
                }
                for i in range(1, n_cases + 1)
            ],
        )
        therapies = []
        for i in range(1, n_cases + 1):
            for position in range(1 + i % 2):
                therapies.append(
                    {
                        "case_id": i,
                        "position": position,
                        "kind": "systemic",
                        "classes": "",
                        "start": created[i - 1].date() + timedelta(days=rng.randrange(20, 900)),
                    }
                )
        _insert(conn, TherapyRow, therapies)
        _insert(
            conn,
            BoardRow,
            [
                {
                    "id": b,
                    "name": f"Board {b}",
                    "site": "breast",
                    "quorum": ",".join(QUORUM),
                    "created_at": NOW,
                }
                for b in range(1, n_boards + 1)
            ],
        )
        weeks = YEARS * 52
        meetings = [
            {
                "id": b * 10_000 + w,
                "board_id": b,
                "day": FIRST_DAY + timedelta(weeks=w, days=b % 5),
                "start_time": "08:30",
                "chair": "Chair",
                "state": "planned",
                "version": 1,
                "created_at": NOW,
                "updated_at": NOW,
                "updated_by": "bench",
            }
            for b in range(1, n_boards + 1)
            for w in range(weeks)
        ]
        _insert(conn, MeetingRow, meetings)
        conn.execute(update(MeetingRow).values(state="in_progress", started_at=NOW, started_by="bench"))
        attendance = [
            {
                "meeting_id": m["id"],
                "name": name,
                "discipline": discipline,
                "role": "member",
                "present": discipline in QUORUM or rng.random() < 0.6,
            }
            for m in meetings
            for name, discipline in MEMBERS
        ]
        _insert(conn, AttendanceRow, attendance)
        per_meeting = -(-n_decisions // len(meetings))
        items, decisions, order = [], [], rng.sample(range(1, n_cases + 1), n_cases)
        item_id = 0
        for m in meetings:
            for position in range(per_meeting + 2):  # two more: one listed, one carried over
                item_id += 1
                case_id = order[(item_id - 1) % n_cases]  # distinct within a meeting; rediscussed later
                decided = position < per_meeting and len(decisions) < n_decisions
                triage = "listed_not_discussed" if position == per_meeting else "for_discussion"
                items.append(
                    {
                        "id": item_id,
                        "meeting_id": m["id"],
                        "case_id": case_id,
                        "position": position,
                        "triage": triage,
                        "discussed": decided,
                        "responsible_clinician": "Oncologist" if triage != "for_discussion" else None,
                    }
                )
                if decided:
                    concordant = rng.random() < 0.8
                    decisions.append(
                        {
                            "id": len(decisions) + 1,
                            "agenda_item_id": item_id,
                            "meeting_id": m["id"],
                            "case_id": case_id,
                            "version": 1,
                            "category": rng.choice(list(DecisionCategory)).value,
                            "text": "as discussed",
                            "concordant": concordant,
                            "deviation_reason": None
                            if concordant
                            else rng.choice(list(DeviationReason)).value,
                            "deviation_text": "reasoning" if not concordant else None,
                            "recommendation": "{}",
                            "ruleset_id": "ombc",
                            "ruleset_version": "1.1.0",
                            "recorded_by": "bench",
                            "recorded_at": NOW,
                            "updated_at": NOW,
                        }
                    )
        _insert(conn, AgendaItemRow, items)
        _insert(conn, DecisionRow, decisions)
        conn.execute(update(MeetingRow).values(state="closed", closed_at=NOW))
        conn.execute(update(MeetingRow).values(state="signed", signed_by="Chair", signed_at=NOW))
        outcomes = ["fully", "fully", "fully", "partly", "not_done"]
        checks = [
            {
                "decision_id": d["id"],
                "outcome": (o := rng.choice(outcomes)),
                "reason": None if o == "fully" else "clinical_change",
                "checked_by": "bench",
                "checked_at": NOW,
            }
            for d in decisions
            if rng.random() < 0.7
        ]
        _insert(conn, ImplementationCheckRow, checks)
        amendments = [
            {
                "meeting_id": d["meeting_id"],
                "decision_id": d["id"],
                "at": NOW,
                "by": "Chair",
                "reason": "correction",
                "field": "concordant",
                "old_value": str(d["concordant"]),
                "new_value": str(not d["concordant"]),
            }
            for d in rng.sample(decisions, len(decisions) // 100)
        ]
        _insert(conn, AmendmentRow, amendments)
    print(
        f"filled: {n_cases} cases, {len(therapies)} therapies, {len(meetings)} signed meetings, "
        f"{len(items)} agenda items, {len(decisions)} decisions, {len(checks)} implementation checks, "
        f"{len(amendments)} amendments"
    )


def _timed(action: Any, runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        action()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--decisions", type=int, default=50_000)
    ap.add_argument("--boards", type=int, default=10)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--database", help="an empty PostgreSQL database URL (default: a new SQLite file)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmpdir:
        url = args.database or str(Path(tmpdir) / "audit.sqlite3")
        db = Database.open(url, check_integrity=False)
        t0 = time.perf_counter()
        fill(db, args.cases, args.decisions, args.boards)
        print(f"fill took {time.perf_counter() - t0:.1f} s")
        start, end = date(AUDIT_YEAR, 1, 1), date(AUDIT_YEAR, 12, 31)
        service = QualityAuditService(db)
        result = service.audit(start, end, "Board 1")
        figures = result.figures
        print(
            f"a year of Board 1: {figures['meetings']} meetings, {figures['agenda_items']} agenda items, "
            f"{figures['decisions']} decisions"
        )

        def audit() -> None:
            assert service.audit(start, end, "Board 1").figures["decisions"] == figures["decisions"]

        def floor() -> None:
            with db.engine.connect() as conn:
                conn.execute(
                    select(func.count())
                    .select_from(AgendaItemRow)
                    .join(MeetingRow, MeetingRow.id == AgendaItemRow.meeting_id)
                    .where(
                        MeetingRow.board_id == 1,
                        MeetingRow.state == "signed",
                        MeetingRow.day >= start,
                        MeetingRow.day <= end,
                    )
                ).scalar_one()

        _timed(audit, 3)  # warm the caches and the statement cache
        median_audit, _ = _timed(audit, args.runs)
        median_floor, _ = _timed(floor, args.runs)
        print(
            f"audit of a year of one board (figures included): median {median_audit:.1f} ms "
            f"over {args.runs} runs"
        )
        print(f"floor, SELECT count(*) of the same agenda items: median {median_floor:.1f} ms")
        print(f"target <= 200 ms: {'met' if median_audit <= 200 else 'NOT met'}")
        db.close()
    return None


if __name__ == "__main__":
    sys.exit(main())
