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


def test_the_kept_validator_is_compiled_once_even_where_python_writes_no_bytecode(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.machinery
    import importlib.util
    import sys

    monkeypatch.setenv(fast_check.CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # PYTHONDONTWRITEBYTECODE=1
    fast_check.load_validator(SCHEMA, "sample")
    (source,) = tmp_path.glob("sample_*.py")
    compiled = Path(importlib.util.cache_from_source(str(source)))
    assert compiled.is_file()
    stamp = compiled.stat().st_mtime_ns

    def compiled_again(*args: object, **kwargs: object) -> None:
        raise AssertionError("the kept source was compiled again")

    monkeypatch.setattr(importlib.machinery.SourceFileLoader, "source_to_code", compiled_again)
    validate = fast_check.load_validator(SCHEMA, "sample")  # the loader reads the compiled file
    assert compiled.stat().st_mtime_ns == stamp
    validate({"age": 3})
    with pytest.raises(Exception, match="age"):
        validate({"age": -1})


def test_a_compiled_validator_older_than_its_source_is_not_used(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util
    import os

    monkeypatch.setenv(fast_check.CACHE_ENV, str(tmp_path))
    fast_check.load_validator(SCHEMA, "sample")
    (source,) = tmp_path.glob("sample_*.py")
    # The same file name with other content (as a hand edit would leave it): the import checks
    # the compiled file against the source's size and time and compiles the source instead.
    source.write_text(source.read_text(encoding="utf-8").replace("must be bigger than or equal to",
                                                                 "may not be below"), encoding="utf-8")
    os.utime(source, ns=(source.stat().st_atime_ns, source.stat().st_mtime_ns + 10**9))
    assert Path(importlib.util.cache_from_source(str(source))).is_file()
    validate = fast_check.load_validator(SCHEMA, "sample")
    with pytest.raises(Exception, match="may not be below"):
        validate({"age": -1})
