"""The log file's rotation: the rule of logging.handlers.RotatingFileHandler, every file owner-only."""

from __future__ import annotations

import logging
import logging.handlers
import os
import stat
from pathlib import Path

import pytest

from tumorboard.log_file import PrivateRotatingFileHandler


def _write(handler: logging.Handler, count: int) -> None:
    logger = logging.Logger("tumorboard.test.rotation")
    logger.addHandler(handler)
    for i in range(count):
        logger.warning("record %03d %s", i, "x" * 20)
    handler.close()


def _files(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())}


def test_rotates_as_the_standard_handler_does(tmp_path: Path) -> None:
    ours, standard = tmp_path / "ours", tmp_path / "standard"
    ours.mkdir()
    standard.mkdir()
    _write(PrivateRotatingFileHandler(ours / "t.log", max_bytes=200, backup_count=3), 40)
    _write(logging.handlers.RotatingFileHandler(standard / "t.log", maxBytes=200, backupCount=3,
                                                encoding="utf-8"), 40)
    assert _files(ours) == _files(standard)
    assert set(_files(ours)) == {"t.log", "t.log.1", "t.log.2", "t.log.3"}
    assert all(len(text) < 200 for text in _files(ours).values())


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_every_file_is_owner_only_after_rotation(tmp_path: Path) -> None:
    _write(PrivateRotatingFileHandler(tmp_path / "t.log", max_bytes=150, backup_count=2), 20)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["t.log", "t.log.1", "t.log.2"]
    for path in tmp_path.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_no_size_limit_never_rotates(tmp_path: Path) -> None:
    _write(PrivateRotatingFileHandler(tmp_path / "t.log", max_bytes=0, backup_count=2), 50)
    assert [p.name for p in tmp_path.iterdir()] == ["t.log"]
    assert (tmp_path / "t.log").read_text(encoding="utf-8").count("record") == 50
