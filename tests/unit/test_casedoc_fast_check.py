"""The fast validator is generated once and kept; a folder that cannot be written only costs time."""

from __future__ import annotations

from pathlib import Path

import pytest

from tumorboard.casedoc import fast_check

SCHEMA = {"type": "object", "properties": {"age": {"type": "integer", "minimum": 0}}, "required": ["age"]}


def test_the_generated_validator_is_kept_and_loaded_from_the_cache(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(fast_check.CACHE_ENV, str(tmp_path))
    first = fast_check.load_validator(SCHEMA, "sample")
    kept = list(tmp_path.glob("sample_*.py"))
    assert len(kept) == 1
    stamp = kept[0].stat().st_mtime_ns
    second = fast_check.load_validator(SCHEMA, "sample")
    assert kept[0].stat().st_mtime_ns == stamp  # read back, not written again
    for validate in (first, second):
        validate({"age": 3})
        with pytest.raises(Exception, match="age"):
            validate({"age": -1})
    other = dict(SCHEMA, required=[])
    fast_check.load_validator(other, "sample")
    assert len(list(tmp_path.glob("sample_*.py"))) == 2  # another schema: another file


def test_an_unwritable_cache_falls_back_to_generating_in_memory(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv(fast_check.CACHE_ENV, str(blocked / "cache"))
    validate = fast_check.load_validator(SCHEMA, "sample")
    validate({"age": 1})
    with pytest.raises(Exception, match="age"):
        validate({})


def test_only_a_date_or_null_is_spelled_as_one_type_list() -> None:
    date = {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
    nullable = {"oneOf": [{"$ref": "#/$defs/date"}, {"type": "null"}]}
    other = {"oneOf": [{"$ref": "#/$defs/date"}, {"type": "integer"}]}
    schema = {"properties": {"end": nullable, "when": other, "list": {"items": [nullable]}}, "$defs": {"date": date}}
    out = fast_check.nullable_dates_as_one_type(schema, date)
    one_type = {"type": ["string", "null"], "pattern": date["pattern"]}
    assert out["properties"]["end"] == one_type and out["properties"]["list"]["items"] == [one_type]
    assert out["properties"]["when"] == other and out["$defs"] == {"date": date}
    assert schema["properties"]["end"] == nullable  # the schema given is left as it was
    # A date definition with more to it than a pattern is not rewritten.
    assert fast_check.nullable_dates_as_one_type(nullable, {**date, "format": "date"}) == nullable
