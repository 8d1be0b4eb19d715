"""Is the record what was written? ``verify`` walks everything (``tumorboard db verify``, the
app's daily background check); ``quick_check`` is what every open of the app can afford: the
chain's last row against its recorded head, and the guards present."""

from __future__ import annotations

from tumorboard.store import Database
from tumorboard.store.audit_chain import read_head, row_hash
from tumorboard.store.verify import Finding, Verification, content, missing_guards, verify

__all__ = ["Finding", "Verification", "quick_check", "verify_record"]


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
