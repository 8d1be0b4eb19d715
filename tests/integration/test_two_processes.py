"""Two app processes on one SQLite file edit the same case: one save wins, the other is refused
with a message, and the refused side can see exactly what the other person changed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tumorboard.services.cases import CaseService
from tumorboard.store import Database

EDITOR = Path(__file__).with_name("concurrent_editor.py")


@pytest.mark.slow  # some 10-30 s: ten real app processes, started two at a time
def test_second_save_from_another_process_is_refused_and_nothing_is_overwritten(
        sqlite_url: str, tmp_path: Path, example_files: list[Path]) -> None:
    db = Database.open(sqlite_url)
    service = CaseService(db, actor="setup")
    service.import_documents([(example_files[0].name, example_files[0].read_bytes())])
    mrn = "SYN-V01"
    opened = service.get(mrn)
    for attempt in range(5):  # repeated: the race must come out the same way every time
        go = tmp_path / f"go-{attempt}"
        editors = [subprocess.Popen([sys.executable, str(EDITOR), sqlite_url, mrn, f"editor{n}", str(10 + n + 10 * attempt),
                                     str(go)], stdout=subprocess.PIPE, text=True) for n in (1, 2)]
        for p in editors:
            assert p.stdout is not None and p.stdout.readline().strip() == "opened"
        go.touch()
        results = [p.communicate(timeout=60)[0].strip() for p in editors]
        assert sorted(r.split(":")[0] for r in results) == ["refused", "saved"], results
        refusal = next(r for r in results if r.startswith("refused"))
        assert "was changed by editor" in refusal and "reload it" in refusal
        winner = 1 if results[0] == "saved" else 2
        record = service.get(mrn)
        assert record.case.tumour.er_percent == 10 + winner + 10 * attempt
        assert record.updated_by == f"editor{winner}"
    assert service.get(mrn).version == opened.version + 5
    changes = service.changes_since(opened.case)
    assert [c[0] for c in changes] == ["/tumour/er_percent"]
    db.close()
