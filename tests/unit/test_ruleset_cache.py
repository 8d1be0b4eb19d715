"""The ruleset is read from its YAML once per content and kept as JSON; the kept copy answers the
same, an edited file is read anew, and a folder that cannot be written only costs time."""

from __future__ import annotations

from pathlib import Path

import pytest

from tumorboard import cache_folder
from tumorboard.recommend import ruleset
from tumorboard.resources import resource_path

SHIPPED = resource_path(*ruleset.DEFAULT_RULESET)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache_folder.CACHE_ENV, str(folder))
    return folder


def test_the_kept_copy_gives_the_same_ruleset_without_reading_the_yaml(
        cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = ruleset.load_ruleset(SHIPPED)
    kept = list(cache.glob("ruleset_ombc_*.json"))
    assert len(kept) == 1
    stamp = kept[0].stat().st_mtime_ns

    def no_yaml(_raw: bytes) -> object:
        raise AssertionError("the YAML was read again")

    monkeypatch.setattr(ruleset, "_from_yaml", no_yaml)
    second = ruleset.load_ruleset(SHIPPED)
    assert second == first
    assert kept[0].stat().st_mtime_ns == stamp  # read back, not written again


def test_the_kept_copy_equals_the_yaml_read_directly(cache: Path) -> None:
    ruleset.load_ruleset(SHIPPED)  # keeps it
    direct = ruleset.parse_ruleset(ruleset._from_yaml(SHIPPED.read_bytes()))
    assert ruleset.load_ruleset(SHIPPED) == direct


def test_an_edited_ruleset_is_read_anew(cache: Path, tmp_path: Path) -> None:
    ruleset.load_ruleset(SHIPPED)
    edited = tmp_path / "ombc.yaml"
    text = SHIPPED.read_text(encoding="utf-8")
    was = "  oligometastatic_max_lesions:\n    value: 5\n"
    assert was in text
    edited.write_text(text.replace(was, was.replace("5", "3")), encoding="utf-8")
    assert ruleset.load_ruleset(edited).threshold("oligometastatic_max_lesions") == 3
    assert ruleset.load_ruleset(SHIPPED).threshold("oligometastatic_max_lesions") == 5
    assert len(list(cache.glob("ruleset_ombc_*.json"))) == 2


def test_data_json_would_change_is_not_kept(cache: Path) -> None:
    raw = b"published: 2025-01-31\nlevels: {1: one}\n"  # a date and a number as a key
    assert ruleset.ruleset_data(raw, "dated") == ruleset._from_yaml(raw)
    assert not list(cache.glob("ruleset_dated_*.json"))


def test_an_unwritable_cache_reads_the_yaml_each_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv(cache_folder.CACHE_ENV, str(blocked / "cache"))
    assert ruleset.load_ruleset(SHIPPED) == ruleset.parse_ruleset(ruleset._from_yaml(SHIPPED.read_bytes()))


def test_a_damaged_kept_copy_is_replaced(cache: Path) -> None:
    ruleset.load_ruleset(SHIPPED)
    (kept,) = cache.glob("ruleset_ombc_*.json")
    kept.write_text("{not json", encoding="utf-8")
    assert ruleset.load_ruleset(SHIPPED) == ruleset.parse_ruleset(ruleset._from_yaml(SHIPPED.read_bytes()))
    assert kept.read_text(encoding="utf-8").startswith("{\"")
