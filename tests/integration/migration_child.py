"""The upgrade, killed at a chosen statement, for the migration atomicity test.

    python migration_child.py DATABASE_FILE N
    python migration_child.py --sweep OLD_FILE|- WORK_FOLDER FIRST LAST

The first form opens (and so creates or upgrades) the database with a hook on every SQL
statement SQLAlchemy sends; at statement N (counted from 1) the process ends at once with
``os._exit(KILLED)``, as a kill -9 or a power cut would end it: no rollback, no close, no
cleanup. N = 0 never kills and prints the number of statements the whole open sent.

The second form does that for every N from FIRST to LAST, each time on a fresh copy of OLD_FILE
(``-``: no file, a new database), in a forked process (the imports are paid once), then reads the
file the killed process left, opens it normally (which must upgrade it) and reads it again. It
prints one JSON line per N: {"n", "exit", "before", "after", "recovered"}, each state being
[revision, integrity_check, sorted schema objects, patients] or null where there is no file.

Not a test module (no ``test_`` prefix): the test starts it as a subprocess.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

KILLED = 17


def _killer(stop: int) -> list[int]:
    count = [0]

    def hook(*_args: Any) -> None:
        count[0] += 1
        if count[0] == stop:
            os._exit(KILLED)

    event.listen(Engine, "before_cursor_execute", hook)
    return count


def state(path: Path) -> list[Any] | None:
    if not path.exists():
        return None
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        check = con.execute("PRAGMA integrity_check").fetchone()[0]
        objects = sorted(f"{t}:{n}" for t, n in con.execute("SELECT type, name FROM sqlite_master"))
        patients = int(con.execute("SELECT count(*) FROM patients").fetchone()[0])
    finally:
        con.close()
    return [row[0] if row else None, str(check), objects, patients]


def _open(path: Path) -> None:
    from tumorboard.store import Database

    Database.open(str(path)).close()


def _killed_at(path: Path, stop: int) -> int:
    if not hasattr(os, "fork"):
        return subprocess.run([sys.executable, __file__, str(path), str(stop)],
                              capture_output=True).returncode
    pid = os.fork()
    if pid == 0:  # the child: upgrade until statement ``stop`` ends it
        try:
            _killer(stop)
            _open(path)
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def sweep(old: str, work: Path, first: int, last: int) -> None:
    import tumorboard.store  # noqa: F401  (imported once, before the forks)

    for stop in range(first, last + 1):
        folder = work / f"kill-{stop}"
        folder.mkdir(parents=True)
        path = folder / "db.sqlite3"
        if old != "-":
            shutil.copyfile(old, path)
        before = state(path)
        code = _killed_at(path, stop)
        after = state(path)
        try:
            _open(path)
            recovered: Any = state(path)
        except Exception as exc:  # reported to the test, which fails with it
            recovered = f"{type(exc).__name__}: {exc}"
        print(json.dumps({"n": stop, "exit": code, "before": before, "after": after,
                          "recovered": recovered}), flush=True)
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str]) -> int:
    os.environ["TUMORBOARD_BACKUP_KEEP"] = "0"  # the daily backup is not what is tested here
    if argv[1] == "--sweep":
        sweep(argv[2], Path(argv[3]), int(argv[4]), int(argv[5]))
        return 0
    count = _killer(int(argv[2]))
    _open(Path(argv[1]))
    print(count[0])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
