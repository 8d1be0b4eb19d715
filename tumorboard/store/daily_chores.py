"""The daily chores of an SQLite database, off every command's way: SQLite's ``quick_check`` of
every page, then the daily backup (itself checked page by page and index by index before it
takes its name).

They run once a day per database, on the first open that may write (the command line's), in a
separate process that outlives the command (a reading command, which writes nothing, reads every
page itself until a writing open has checked the file that day): the command does not wait for
a file read whole.
What the check found is kept beside the database (``.<name>.checked``, with the file's identity);
every later open by the command line refuses a file found damaged, with the same words as before,
until the file is replaced (``db restore``) or ``tumorboard db check`` finds it healthy. Before a
migration the check still runs at once (``schema.precheck_sqlite_file``), and ``db check`` reads
everything on demand. The desktop app starts the same chores once its window is up, and runs
its own daily full check in a background thread (``gui/app.py``).

TUMORBOARD_DAILY_CHORES=now runs them inside the open instead (the tests, and anyone who wants
the old order); ``background`` is the default.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from tumorboard.store.backup import daily_backup

log = logging.getLogger(__name__)

MODE_ENV = "TUMORBOARD_DAILY_CHORES"


def state_path(db_path: Path) -> Path:
    # Beside the database, not in backups/: the check runs with the backups turned off too.
    return db_path.with_name(f".{db_path.name}.checked")


def _identity(db_path: Path) -> list[int]:
    st = db_path.stat()
    return [st.st_dev, st.st_ino]


def _read(db_path: Path) -> dict[str, object]:
    try:
        value = json.loads(state_path(db_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _write(db_path: Path, day: date, problem: str | None) -> None:
    path = state_path(db_path)
    try:
        tmp = path.with_name(f"{path.name}.{os.getpid()}")
        text = json.dumps({"day": day.isoformat(), "file": _identity(db_path), "problem": problem})
        fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)  # beside patient data: private
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError as exc:  # a read-only folder: the check runs again at the next open
        log.warning("cannot keep the result of today's check of %s: %s", db_path, exc)


def recorded_problem(db_path: Path) -> str | None:
    """What the last daily check found wrong with this very file (None: nothing, or the file
    was replaced since)."""
    state = _read(db_path)
    problem = state.get("problem")
    try:
        same = state.get("file") == _identity(db_path)
    except OSError:
        return None
    return str(problem) if problem and same else None


def forget_problem(db_path: Path) -> None:
    """``tumorboard db check`` found the file healthy: a finding kept from before no longer holds."""
    if recorded_problem(db_path) is not None:
        _write(db_path, date.today(), None)


def due(db_path: Path, today: date | None = None) -> bool:
    return _read(db_path).get("day") != (today or date.today()).isoformat()


def run(db_path: Path, today: date | None = None) -> str | None:
    """The chores, here and now: the check, then (if it found nothing) the backup. Returns what
    the check found."""
    from tumorboard.store.schema import sqlite_integrity_problem

    day = today or date.today()
    problem = sqlite_integrity_problem(db_path)
    _write(db_path, day, problem)
    if problem is None:
        daily_backup(db_path, today=day)  # never raises: a failure is logged, tried next day
    else:
        log.error("the daily check of %s found damage: %s", db_path, problem)
    return problem


def start(db_path: Path) -> subprocess.Popen[bytes] | str | None:
    """Today's chores, if not done yet: in a separate process (returned, for who wants to wait),
    or with TUMORBOARD_DAILY_CHORES=now here (returns what the check found)."""
    if not due(db_path):
        return None
    mode = os.environ.get(MODE_ENV, "background").strip().lower()
    if mode == "now" or getattr(sys, "frozen", False):  # a frozen app has no `python -m`
        return run(db_path)
    _write(db_path, date.today(), None)  # taken: the next command today does not start another
    try:
        return subprocess.Popen([sys.executable, "-m", "tumorboard.store.daily_chores", str(db_path)],
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError as exc:
        log.warning("cannot start the daily check of %s (%s); checking now", db_path, exc)
        return run(db_path)


def main(argv: list[str]) -> int:
    from tumorboard.logs import configure_once

    configure_once()
    problem = run(Path(argv[0]))
    return 0 if problem is None else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
