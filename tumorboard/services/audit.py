"""Field-level differences between two versions of a case, for the audit trail."""

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


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


Change = tuple[str, str | None, str | None]


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
            changes.append((key, _text(a), _text(b)))
    return changes
