"""The audit trail as a hash chain: every row carries the SHA-256 of its own content (canonical
JSON) and of the row before it, so a row changed, removed or inserted breaks the chain where it
happened, even after the append-only triggers were dropped. The head (last position and hash)
is also kept in ``tumorboard_meta`` and printed on every signed minutes document, outside the
database. Rows are appended only under the write lock of a unit of work, so positions never race.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tumorboard.store.models import MetaRow

GENESIS = "0" * 64
HEAD_KEY = "audit_head"  # "<seq>:<sha256>" of the last row
FIELDS = ("seq", "at", "actor", "action", "entity", "entity_id", "field", "old_value", "new_value",
          "encoding", "prev_hash")


def utc_text(at: datetime) -> str:
    """The one spelling of a timestamp in the chain: UTC, microseconds (SQLite keeps no offset)."""
    if at.tzinfo is None and at.year >= 1000:  # SQLite's naive UTC: the same text, ten times faster
        return at.isoformat(timespec="microseconds") + "Z"
    aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def row_hash(row: dict[str, Any]) -> str:
    content = {k: (utc_text(row[k]) if k == "at" else row[k]) for k in FIELDS}
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_head(session: Session) -> tuple[int, str]:
    value = session.scalar(select(MetaRow.value).where(MetaRow.key == HEAD_KEY))
    if not value:
        return 0, GENESIS
    seq, digest = value.split(":", 1)
    return int(seq), digest


def link(session: Session, rows: list[dict[str, Any]]) -> None:
    """Give new audit rows their place in the chain (in order) and move the head past them."""
    if not rows:
        return
    seq, previous = read_head(session)
    for row in rows:
        seq += 1
        row["seq"], row["prev_hash"] = seq, previous
        row.setdefault("encoding", "json")
        row["row_hash"] = previous = row_hash(row)
    head = session.get(MetaRow, HEAD_KEY)
    if head is None:
        session.add(MetaRow(key=HEAD_KEY, value=f"{seq}:{previous}"))
    else:
        head.value = f"{seq}:{previous}"
    session.flush()
