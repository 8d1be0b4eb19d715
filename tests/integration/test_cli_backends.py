"""The command line against each configured database (SQLite file, PostgreSQL server URL)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tumorboard.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_export_and_schema_commands(capsys: pytest.CaptureFixture[str], db_url: str, backend: str,
                                           tmp_path: Path, example_files: list[Path]) -> None:
    code, out, err = run(capsys, "import", *map(str, example_files), "--database", db_url)
    assert code == 0, err
    assert out.count("created:") == len(example_files)
    code, out, err = run(capsys, "import", str(example_files[0]), "--database", db_url)
    assert code == 2 and "already exists" in err
    code, out, err = run(capsys, "export", "SYN-V05", "--database", db_url)
    assert code == 0, err
    exported = json.loads(out)
    assert exported["format"] == "tumorboard.case-export/1" and exported["case"]["patient"]["mrn"] == "SYN-V05"
    code, out, _ = run(capsys, "db", "current", "--database", db_url)
    assert code == 0 and "up to date" in out
    if backend == "postgresql":
        assert "***" in out or "@" not in out  # the password is never printed
        code, _, err = run(capsys, "db", "backup", str(tmp_path / "b.sqlite3"), "--database", db_url)
        assert code == 1 and "pg_dump" in err
        code, _, err = run(capsys, "db", "restore", str(tmp_path / "b.sqlite3"), "--database", db_url)
        assert code == 2 and "pg_restore" in err
