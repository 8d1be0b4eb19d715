"""Field-level differences between two versions of a case: for the audit trail (values kept as
JSON types) and for what an import would remove."""

from __future__ import annotations

import json
from difflib import SequenceMatcher
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
    something to nothing, every list entry that is no longer there, and every record of a list
    (a lesion, a therapy) that is gone. Records are matched by content, not by position: taking
    out the first of two lesions names that lesion, not the second."""
    lost: list[tuple[str, str]] = []
    _lost(old, new, "", lost)
    return sorted(lost)


def _lost(a: Any, b: Any, path: str, out: list[tuple[str, str]]) -> None:
    if a is None or a == [] or path == "/format":
        return
    if isinstance(a, dict):
        after = b if isinstance(b, dict) else {}
        for key, value in a.items():
            _lost(value, after.get(key), f"{path}/{key}", out)
    elif isinstance(a, list) and all(isinstance(v, dict) for v in a):  # records, as ``flatten``
        later = b if isinstance(b, list) else []
        matcher = SequenceMatcher(None, [_dumps(v) for v in a], [_dumps(v) for v in later], autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag in ("delete", "replace"):
                paired = min(i2 - i1, j2 - j1)  # records changed in place: compared field by field
                for k in range(paired):
                    _lost(a[i1 + k], later[j1 + k], f"{path}/{i1 + k}", out)
                out.extend((f"{path}/{k}", _dumps(a[k])) for k in range(i1 + paired, i2))
    elif b is None:
        out.append((path, _dumps(a)))
    elif isinstance(a, list) and isinstance(b, list):
        gone = [v for v in a if v not in b]
        if gone:
            out.append((path, ", ".join(_dumps(v) for v in gone)))


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
