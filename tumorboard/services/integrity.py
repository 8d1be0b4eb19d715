"""Is the record what was written? ``verify_record`` walks the audit chain and the signed meetings
(``tumorboard db verify``); ``full_check`` adds SQLite's ``integrity_check`` of every page and
index and every row's checksum (``tumorboard db check``, and the app's background check once a
day: ``daily_check``); ``quick_check`` is what every open of the app can afford: the chain's last
row against its recorded head, and the guards present."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date

from tumorboard.store import Database, StoreError
from tumorboard.store.audit_chain import read_head, row_hash
from tumorboard.store.verify import Finding, Verification, content, missing_guards, verify

__all__ = ["CheckReport", "Finding", "Verification", "daily_check", "full_check", "quick_check",
           "verify_record"]


def verify_record(db: Database) -> Verification:
    with db.reading() as uow:
        return verify(uow.session)


def quick_check(db: Database) -> list[Finding]:
    """The last audit row is where the head says and hashes to what it says; no guard is missing.
    Milliseconds at any size (one indexed row, the trigger list)."""
    from sqlalchemy import select

    from tumorboard.store.models import AuditRow

    with db.reading() as uow:
        findings = missing_guards(uow.session)
        seq, digest = read_head(uow.session)
        last = uow.session.scalars(select(AuditRow).order_by(AuditRow.seq.desc()).limit(1)).first()
        if last is None:
            if seq:
                findings.append(Finding("head", f"seq {seq}", "the audit trail is empty but its head says "
                                        f"{seq} rows were written"))
        elif last.seq != seq or last.row_hash != digest or row_hash(content(last)) != last.row_hash:
            findings.append(Finding("head", f"seq {seq}", "the audit trail's last row is not the recorded "
                                    "head: run `tumorboard db verify`"))
    return findings


@dataclass(frozen=True, slots=True)
class CheckReport:
    problems: tuple[str, ...]  # what was found, one line each (empty: nothing)
    checked: tuple[str, ...]  # what was checked, for the report

    @property
    def ok(self) -> bool:
        return not self.problems


def full_check(db: Database) -> CheckReport:
    """Every page and index (SQLite ``integrity_check``), the audit chain and signed meetings
    (``verify_record``) and every clinical row's checksum. Reads only; seconds at 100,000 cases.
    A file whose pages are damaged is not read further (its rows cannot be trusted to read)."""
    checked: list[str] = []
    problem = db.file_problem(full=True)
    if problem is not None:
        return CheckReport((f"SQLite's integrity check failed: {problem}",), ("every page and index",))
    if db.url.startswith("sqlite"):
        checked.append("every page and index")
    problems: list[str] = []
    try:
        result = verify_record(db)
        checked.append(f"the audit trail ({result.rows} rows) and {result.signed_meetings} signed meeting(s)")
        problems.extend(str(f) for f in result.findings)
        damaged = db.damaged_rows()
        checked.append("the checksum of every clinical row")
        problems.extend(f"checksum: {where} does not match its checksum (damaged or changed outside "
                        "tumorboard)" for where in damaged)
    except StoreError as exc:
        problems.append(str(exc))
    return CheckReport(tuple(problems), tuple(checked))


def daily_check(db: Database, *, today: date | None = None) -> CheckReport | None:
    """``full_check`` unless it already passed today on this database (None then); a pass is
    remembered in the database, so every workstation runs it once a day between them."""
    day = today or date.today()
    if db.last_full_check() == day:
        return None
    report = full_check(db)
    if report.ok:
        with contextlib.suppress(StoreError):  # a read-only or busy moment: the next start checks again
            db.record_full_check(day)
    return report
