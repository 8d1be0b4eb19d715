"""Field-level differences between two versions of a case: for the audit trail (values kept as
JSON types) and for what an import would remove."""

from __future__ import annotations

import json
from typing import Any


def flatten(doc: Any, prefix: str = "") -> dict[str, Any]:
    """``{"/tumour/er_percent": 95, ...}`` for every leaf of a case document."""
    out: dict[str, Any] = {}
    if isinstance(doc, dict):
        for key, value in doc.items():
            out.update(flatten(value, f"{prefix}/{key}"))
    elif isinstance(doc, list) and doc and all(isinstance(v, dict) for v in doc):
        for i, value in enumerate(doc):
            out.update(flatten(value, f"{prefix}/{i}"))
    else:
        out[prefix] = doc
    return out


Change = tuple[str, Any, Any]


def field_changes(old: dict[str, Any] | None, new: dict[str, Any]) -> list[Change]:
    """(field, old, new) for every leaf that differs; every leaf when ``old`` is None (creation)."""
    before = flatten(old) if old is not None else {}
    after = flatten(new)
    changes = []
    for key in sorted(set(before) | set(after)):
        if key == "/format":
            continue
        a, b = before.get(key), after.get(key)
        if a != b:
            changes.append((key, a, b))
    return changes


def removals(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str]]:
    """What an update would take away: (field, what is lost) for every value that goes from
    something to nothing, every list entry that is no longer there, and list items cut off."""
    before, after = flatten(old), flatten(new)
    lost = []
    for key in sorted(before):
        a, b = before[key], after.get(key)
        if a is None or a == [] or key == "/format":
            continue
        if b is None:
            lost.append((key, json.dumps(a, ensure_ascii=False)))
        elif isinstance(a, list) and isinstance(b, list):
            gone = [v for v in a if v not in b]
            if gone:
                lost.append((key, ", ".join(json.dumps(v, ensure_ascii=False) for v in gone)))
    return lost
