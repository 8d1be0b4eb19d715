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
