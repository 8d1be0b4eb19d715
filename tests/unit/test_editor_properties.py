"""Every case-editor field and list cell driven with arbitrary text: the editor either produces a
valid case document or names the problem; it never raises, and what was typed is never changed."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tumorboard.casedoc import case_from_document, validate_case_document
from tumorboard.gui.case.editor_fields import FIELDS, LISTS, EditState

BASE: dict[str, Any] = {
    "format": "tumorboard.case/1",
    "patient": {"mrn": "P-1", "birth_date": "1970-01-01", "sex": "female"},
    "tumour": {"primary_site": "breast", "diagnosis_date": "2025-01-10", "t": "T2", "n": "N1", "m": "M1",
               "primary_intact": True},
    "metastatic": {"diagnosis_date": "2025-01-10", "lesions": [{"organ": "bone", "bone_site": "rib"}]},
    "therapies": [{"kind": "systemic", "start": "2025-02-01", "regimen": "letrozole"}],
    "recist": None,
}

TEXT = st.one_of(st.text(max_size=30), st.sampled_from(["", "2025-02-30", "1e999", "NaN", "-1", "12,5", "yes",
                                                         "0001-01-01", "9999-12-31", "  42 ", "☃"]))
FIELD_EDITS = st.dictionaries(st.sampled_from([f.pointer for f in FIELDS if f.kind != "flag"]), TEXT, max_size=6)
LIST_EDITS = st.lists(st.tuples(st.sampled_from(range(len(LISTS))), st.integers(0, 8), TEXT), max_size=6)


@settings(max_examples=300, deadline=None)
@given(FIELD_EDITS, LIST_EDITS)
def test_any_typing_gives_a_valid_document_or_named_problems(fields: dict[str, str],
                                                             cells: list[tuple[int, int, str]]) -> None:
    state = EditState.start(copy.deepcopy(BASE))
    for pointer, text in fields.items():
        state.texts[pointer] = text
    for list_index, column, text in cells:
        spec = LISTS[list_index]
        rows = state.lists[spec.pointer]
        if not rows:
            rows.append({key: "" for key in spec.keys} | spec.blank)
        rows[0][spec.keys[column % len(spec.keys)]] = text
    typed = copy.deepcopy((state.texts, state.lists))
    doc, problems = state.candidate()
    assert (state.texts, state.lists) == typed  # nothing typed is altered or dropped
    if not problems:
        assert validate_case_document(doc) == []
        case_from_document(doc)  # and the domain accepts it
    else:
        assert all(isinstance(message, str) and message for message in problems.values())
