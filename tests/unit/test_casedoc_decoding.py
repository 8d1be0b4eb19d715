"""What JSON allows and a case document must not: a key given twice, a number no field can hold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tumorboard.casedoc.validate import MAX_NUMBER_DIGITS, InvalidCaseDocument, parse_case_text

EXAMPLE = Path(__file__).resolve().parents[2].parent / "shared" / "examples" / "v01.case.json"
needs_example = pytest.mark.skipif(not EXAMPLE.exists(), reason="the shared examples are not beside the project")


def _problems(text: str) -> list[str]:
    with pytest.raises(InvalidCaseDocument) as refused:
        parse_case_text(text)
    return [str(p) for p in refused.value.problems]


@needs_example
def test_a_key_given_twice_is_refused_at_its_path() -> None:
    text = json.dumps(json.loads(EXAMPLE.read_text()))
    assert '"m": "M1"' in text
    problems = _problems(text.replace('"m": "M1"', '"m": "M1", "m": "M0"', 1))
    assert problems == ["/tumour/m: the key appears more than once in this object; give it once (which "
                        "value is meant cannot be guessed)"]


@needs_example
@pytest.mark.parametrize("digits", [MAX_NUMBER_DIGITS + 1, 5000])
def test_a_number_too_long_for_any_field_is_refused_at_its_path(digits: int) -> None:
    text = json.dumps(json.loads(EXAMPLE.read_text()))
    problems = _problems(text.replace('"ecog": 0', '"ecog": ' + "1" * digits, 1))
    assert problems == [f"/patient/ecog: a number of {digits:,} digits; no value of a case document has "
                        f"more than {MAX_NUMBER_DIGITS}"]


@needs_example
def test_ordinary_numbers_read_as_before() -> None:
    doc = parse_case_text(EXAMPLE.read_text())
    assert doc == json.loads(EXAMPLE.read_text())
    assert isinstance(doc["patient"]["ecog"], int) and isinstance(doc["tumour"]["er_percent"], int | float)


@given(st.lists(st.text(min_size=1, max_size=5), min_size=1, max_size=4), st.integers(0, 3))
def test_a_repeated_key_is_named_wherever_it_is(path: list[str], depth: int) -> None:
    key = path[-1]
    inner = f'{{{json.dumps(key)}: 1, {json.dumps(key)}: 2}}'
    text = inner
    for name in reversed(path[:depth]):
        text = f'{{{json.dumps(name)}: {text}}}'
    problems = _problems(text)
    pointer = "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in [*path[:depth], key])
    assert any(p.startswith(f"{pointer}: the key appears more than once") for p in problems)


# The NUL check of a file's text runs only where its text holds the escape "\u0000" (the decoder
# refuses a raw control character): these read the check through the text, as an import does.
@needs_example
@pytest.mark.parametrize("ensure_ascii", [True, False])
@pytest.mark.parametrize("where", [("patient", "name"), ("tumour", "histology")])
def test_a_nul_escaped_in_the_text_is_refused_at_its_field(ensure_ascii: bool, where: tuple[str, str]) -> None:
    doc = json.loads(EXAMPLE.read_text())
    doc[where[0]][where[1]] = "Be\x00rger"
    text = json.dumps(doc, ensure_ascii=ensure_ascii)
    assert "\\u0000" in text
    assert (f"/{where[0]}/{where[1]}: contains a NUL character (\\0), which cannot be stored; remove it"
            in _problems(text))


@needs_example
def test_a_nul_in_a_key_of_the_text_is_refused() -> None:
    doc = json.loads(EXAMPLE.read_text())
    doc["patient"]["no\x00te"] = "x"
    problems = _problems(json.dumps(doc))
    assert any(p.startswith("/patient/no\\0te: the field name contains a NUL character") for p in problems)


@needs_example
def test_an_escaped_backslash_before_u0000_is_no_nul() -> None:
    doc = json.loads(EXAMPLE.read_text())
    doc["tumour"]["histology"] = "ductal \\u0000 (typed as text)"
    text = json.dumps(doc)
    assert "\\u0000" in text  # the walk runs and finds no NUL: the document is valid
    assert parse_case_text(text)["tumour"]["histology"] == "ductal \\u0000 (typed as text)"
