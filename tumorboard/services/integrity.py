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
from tumorboard.store.derived_check import stale_derived
from tumorboard.store.verify import Finding, Verification, quick_findings, verify

__all__ = ["CheckReport", "Finding", "Verification", "daily_check", "full_check", "quick_check",
           "start_daily_chores", "verify_record"]


def verify_record(db: Database) -> Verification:
    with db.reading() as uow:
        return verify(uow.session)


def quick_check(db: Database) -> list[Finding]:
    """The last audit row is where the head says and hashes to what it says; no guard is missing.
    Milliseconds at any size (one indexed row, the trigger list)."""
    with db.reading() as uow:
        return quick_findings(uow.session)


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
        with db.reading() as uow:
            problems.extend(f"derived: {p}" for p in stale_derived(uow.session))
        checked.append("the worklist's counts and text index against the cases")
    except StoreError as exc:
        problems.append(str(exc))
    return CheckReport(tuple(problems), tuple(checked))


def start_daily_chores(db: Database) -> None:
    """Today's backup (and ``quick_check``) of an SQLite file, once a day, in a process of its
    own (store/daily_chores.py); nothing for a server database. The desktop app calls it once
    its window is up."""
    db.start_daily_chores()


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
