"""Case document v1: schema and cross-field validation with JSON-path messages; the codec."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tumorboard.casedoc import (
    InvalidCaseDocument,
    case_from_document,
    case_to_document,
    load_case_document,
    parse_case_text,
    validate_case_document,
)

EXAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "examples"

MINIMAL: dict[str, Any] = {
    "format": "tumorboard.case/1",
    "patient": {"mrn": "T-1", "birth_date": "1970-05-01", "sex": "female"},
    "tumour": {"primary_site": "breast", "diagnosis_date": "2024-01-10", "t": "T2", "n": "N1",
               "m": "M1", "primary_intact": True},
    "metastatic": {"diagnosis_date": "2024-01-10", "lesions": [{"organ": "bone", "bone_site": "rib"}]},
    "therapies": [{"kind": "systemic", "classes": ["endocrine"], "setting": "metastatic", "line": 1,
                   "start": "2024-02-01", "end": None}],
    "recist": {"baseline_date": "2024-01-20",
               "targets": [{"name": "primary", "nodal": False, "baseline_mm": 30}],
               "assessments": [{"date": "2024-05-01", "target_mm": [20], "non_target": "none",
                                "new_lesions": False}]},
}


def doc(**paths: Any) -> dict[str, Any]:
    """MINIMAL with values replaced at slash paths, e.g. doc(**{"tumour/er_percent": 140})."""
    d = copy.deepcopy(MINIMAL)
    for path, value in paths.items():
        node = d
        *parents, last = path.split("/")
        for p in parents:
            node = node[int(p)] if isinstance(node, list) else node[p]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
    return d


def problems(d: Any) -> list[str]:
    return [str(p) for p in validate_case_document(d)]


def test_minimal_document_is_valid() -> None:
    assert problems(MINIMAL) == []


@pytest.mark.parametrize(("changes", "expected"), [
    ({"tumour/er_percent": 140}, "/tumour/er_percent: 140 is greater than the maximum of 100"),
    ({"tumour/diagnosis_date": "2025-02-30"}, "/tumour/diagnosis_date: 2025-02-30 is not a valid calendar date"),
    ({"patient/birth_date": "1970-5-1"}, "/patient/birth_date: '1970-5-1' is not a date in the form YYYY-MM-DD"),
    ({"therapies/0/end": "2024-01-01"}, "/therapies/0/end: 2024-01-01 is before the start date 2024-02-01"),
    ({"recist/assessments/0/target_mm": [20, 5]}, "/recist/assessments/0/target_mm: has 2 values but the baseline has 1 target"),
    ({"patient/sex": "f"}, "/patient/sex: 'f' is not one of"),
    ({"metastatic/lesions/0/organ": "spleen"}, "/metastatic/lesions/0/organ"),
    ({"patient/mrn": "bad mrn!"}, "/patient/mrn: 'bad mrn!' is not a valid record number"),
])
def test_refusals_name_the_json_path_and_the_problem(changes: dict[str, Any], expected: str) -> None:
    found = problems(doc(**changes))
    assert any(p.startswith(expected) for p in found), found


FREE_TEXT = ["patient/name", "tumour/histology", "metastatic/lesions/0/site", "therapies/0/regimen",
             "recist/targets/0/name"]


@settings(max_examples=60)
@given(st.sampled_from(FREE_TEXT), st.text(max_size=20), st.text(max_size=20))
def test_a_nul_character_in_free_text_is_refused_at_its_field(path: str, before: str, after: str) -> None:
    # PostgreSQL cannot store NUL in text: the document is refused on every database, by field.
    found = problems(doc(**{path: (before + "\x00" + after)[:200]}))
    assert f"/{path}: contains a NUL character (\\0), which cannot be stored; remove it" in found


def test_a_nul_character_in_a_field_name_is_shown_escaped() -> None:
    d = doc()
    d["patient"]["no\x00te"] = "x"
    found = problems(d)
    assert "/patient/no\\0te: the field name contains a NUL character (\\0), which cannot be stored; remove it" \
        in found
    assert not any("\x00" in p for p in found if "field name" in p)


def test_lesions_without_metastatic_diagnosis_date_are_refused() -> None:
    d = doc()
    del d["metastatic"]["diagnosis_date"]
    assert problems(d) == [
        "/metastatic/diagnosis_date: is required when metastatic lesions are listed "
        "(date of metastatic diagnosis)"]


def test_every_problem_is_reported_not_only_the_first() -> None:
    found = problems(doc(**{"tumour/er_percent": 140, "tumour/pr_percent": -1}))
    assert len(found) == 2


@pytest.mark.parametrize(("text", "expected"), [
    ("", "the file is empty"),
    ("   \n", "the file is empty"),
    ("{not json", "not valid JSON (line 1"),
    ('{"er": NaN}', "NaN is not a number JSON allows"),
    ("[]", "[] is not of type 'object'"),
])
def test_unreadable_text_is_refused_with_a_sentence(text: str, expected: str) -> None:
    with pytest.raises(InvalidCaseDocument) as exc:
        parse_case_text(text)
    assert expected in str(exc.value)


def test_bytes_that_are_not_utf8_are_refused() -> None:
    with pytest.raises(InvalidCaseDocument, match="not UTF-8"):
        load_case_document(b"\xff\xfe{")


def _strip_nulls(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _strip_nulls(v) for k, v in node.items() if v is not None}
    if isinstance(node, list):
        return [_strip_nulls(v) for v in node]
    return node


@pytest.mark.skipif(not EXAMPLES.is_dir(), reason="worked examples not beside the project")
@pytest.mark.parametrize("name", ["v01", "v05", "v06", "v13", "v22"])
def test_codec_round_trips_the_examples(name: str) -> None:
    original = json.loads((EXAMPLES / f"{name}.case.json").read_text())
    case = case_from_document(original)
    written = case_to_document(case)
    assert validate_case_document(written) == []
    assert case_from_document(written) == case
    assert _strip_nulls(written) == _strip_nulls(original)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children,
                                                                        max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_validation_of_arbitrary_json_never_raises(value: Any) -> None:
    assert isinstance(validate_case_document(value), list)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(MINIMAL)), json_values)
def test_corrupting_a_section_gives_problems_or_a_readable_case(top: str, value: Any) -> None:
    d = copy.deepcopy(MINIMAL)
    d[top] = value
    found = validate_case_document(d)
    if not found:
        case_from_document(d)  # a valid document always converts
    else:
        assert all(p.message for p in found)


def _validators_agree_on(document: Any) -> bool:
    """Assert that the fast and the reference validator give one answer; return it."""
    import fastjsonschema

    from tumorboard.casedoc.validate import _fast_check, _validator

    reference_ok = _validator().is_valid(document)
    try:
        _fast_check()(document)
        fast_ok = True
    except fastjsonschema.JsonSchemaException:
        fast_ok = False
    assert fast_ok == reference_ok
    return bool(reference_ok)


@settings(max_examples=500, deadline=None)
@given(st.sampled_from([("patient",), ("tumour",), ("metastatic",), ("metastatic", "lesions", 0),
                        ("therapies", 0), ("recist",), ("recist", "targets", 0),
                        ("recist", "assessments", 0)]),
       st.text(max_size=15), st.booleans(), json_values)
def test_the_fast_and_the_reference_validators_agree(path: tuple[Any, ...], key: str, known: bool,
                                                     value: Any) -> None:
    """The compiled fast path must accept exactly what the reference validator accepts."""
    d = copy.deepcopy(MINIMAL)
    target: Any = d
    for p in path:
        target = target[p]
    keys = sorted(target)
    target[keys[len(key) % len(keys)] if known else key] = value
    _validators_agree_on(d)


def test_absurdly_nested_json_is_refused_not_crashed() -> None:
    with pytest.raises(InvalidCaseDocument, match="nested far too deeply"):
        parse_case_text("[" * 100_000 + "]" * 100_000)


RULESET_1_1_FIELDS = {
    "tumour": {"pdl1_cps": 12.5, "esr1": "detected", "pik3ca_pathway": "not_detected"},
    "metastatic": {"cord_compression_symptoms": True},
}


def with_1_1_fields() -> dict[str, Any]:
    doc = copy.deepcopy(MINIMAL)
    doc["tumour"].update(RULESET_1_1_FIELDS["tumour"])
    doc["metastatic"].update(RULESET_1_1_FIELDS["metastatic"])
    doc["recist"]["targets"][0]["site"] = "distant"
    return doc


def test_the_ruleset_1_1_fields_round_trip_through_the_codec() -> None:
    doc = with_1_1_fields()
    assert validate_case_document(doc) == []
    case = case_from_document(doc)
    assert case.tumour.pdl1_cps == 12.5 and case.tumour.esr1 is not None and case.tumour.esr1.value == "detected"
    assert case.tumour.pik3ca_pathway is not None and case.tumour.pik3ca_pathway.value == "not_detected"
    assert case.metastatic.cord_compression_symptoms is True
    assert case.recist is not None and case.recist.targets[0].site is not None
    assert case.recist.targets[0].site.value == "distant"
    written = case_to_document(case)
    assert case_from_document(written) == case
    assert written["tumour"]["pdl1_cps"] == 12.5 and written["recist"]["targets"][0]["site"] == "distant"


def test_a_document_without_the_1_1_fields_is_written_back_without_them() -> None:
    written = case_to_document(case_from_document(copy.deepcopy(MINIMAL)))
    for key in RULESET_1_1_FIELDS["tumour"]:
        assert key not in written["tumour"]
    assert "cord_compression_symptoms" not in written["metastatic"]
    assert all("site" not in t for t in written["recist"]["targets"])


@pytest.mark.parametrize(("path", "value", "expected"), [
    (("tumour", "pdl1_cps"), 101, "101 is greater than the maximum of 100"),
    (("tumour", "esr1"), "positive", "'positive' is not one of"),
    (("tumour", "pik3ca_pathway"), True, "True is not one of"),
    (("metastatic", "cord_compression_symptoms"), "yes", "'yes' is not of type 'boolean'"),
])
def test_the_1_1_fields_are_checked(path: tuple[str, str], value: Any, expected: str) -> None:
    doc = with_1_1_fields()
    doc[path[0]][path[1]] = value
    problems = [str(p) for p in validate_case_document(doc)]
    assert any(p.startswith(f"/{path[0]}/{path[1]}: ") and expected in p for p in problems), problems


def test_a_target_site_outside_the_vocabulary_is_refused() -> None:
    doc = with_1_1_fields()
    doc["recist"]["targets"][0]["site"] = "liver"
    assert [p.pointer for p in validate_case_document(doc)] == ["/recist/targets/0/site"]


NULLABLE_DATE_VALUES = [None, "2024-03-01", "2024-3-1", "2024-13-45", "", "x2024-03-01", 20240301, 1.5, True,
                        [], {}, ["2024-03-01"]]


@pytest.mark.parametrize("value", NULLABLE_DATE_VALUES)
@pytest.mark.parametrize("path", [("therapies", 0, "end"), ("dental_evaluation_date",)])
def test_the_validators_agree_on_a_date_or_null(path: tuple[Any, ...], value: Any) -> None:
    """The fast validator spells "a date or null" as one type list (no exception per branch);
    it must accept exactly the values the schema as written accepts."""
    d = copy.deepcopy(MINIMAL)
    target: Any = d
    for p in path[:-1]:
        target = target[p]
    target[path[-1]] = value
    reference_ok = _validators_agree_on(d)
    assert reference_ok == (value is None or value == "2024-03-01" or value == "2024-13-45")
