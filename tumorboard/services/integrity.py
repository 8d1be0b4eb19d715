"""Is the record what was written? ``verify`` walks everything (``tumorboard db verify``, the
app's daily background check); ``quick_check`` is what every open of the app can afford: the
chain's last row against its recorded head, and the guards present."""

from __future__ import annotations

from tumorboard.store import Database
from tumorboard.store.verify import Finding, Verification, quick_findings, verify

__all__ = ["Finding", "Verification", "quick_check", "verify_record"]


def verify_record(db: Database) -> Verification:
    with db.reading() as uow:
        return verify(uow.session)


def quick_check(db: Database) -> list[Finding]:
    """The last audit row is where the head says and hashes to what it says; no guard is missing.
    Milliseconds at any size (one indexed row, the trigger list)."""
    with db.reading() as uow:
        return quick_findings(uow.session)
