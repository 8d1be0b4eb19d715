"""The desktop app's daily full check (``integrity.daily_check``: every page and index, the audit
chain and signed meetings, every clinical row's checksum), run in a process of its own.

Run in a thread of the app, as before, the check held Python's interpreter lock for most of a
minute at 100,000 cases, and every screen was two to three times slower while it ran (a keystroke
in the worklist filter up to a second and more; bench/RESULTS.md). In its own process it checks
the same, the same way, and records its pass in the database as before; the app's thread only
waits for its answer. The database's location and a passphrase the user typed at start go to it
on its standard input, never on its command line. A frozen app (no ``python -m``), or a process
that cannot start or does not answer, runs the check in the thread as before: checked no less.

    python -m tumorboard.services.full_check_process  < {"url": ..., "key": ... or null}
    prints {"problem": null or "what the check found"}
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys

from tumorboard.services.integrity import daily_check
from tumorboard.store import Database, StoreError, encryption
from tumorboard.store.location import sqlite_path

log = logging.getLogger(__name__)

IN_PROCESS_FROM_BYTES = 64 * 2**20
"""SQLite files from this size on are checked in a process of their own (about 15,000 cases; a
smaller one is checked in the app's thread within seconds, less than a process takes to start).
A server database is always checked in a process of its own."""


def check_here(db: Database) -> str | None:
    """The day's full check in this process: None if it passed (or already passed today),
    else what it found (its first three findings)."""
    try:
        report = daily_check(db)
    except StoreError as exc:
        return str(exc)
    return None if report is None or report.ok else "; ".join(report.problems[:3])


def daily_full_check(db: Database) -> str | None:
    """The day's full check where it disturbs the screens least: a large database in a process of
    its own, a small one here (this call waits either way: run it off the UI thread)."""
    path = sqlite_path(db.url)
    try:
        small = path is not None and path.stat().st_size < IN_PROCESS_FROM_BYTES
    except OSError:
        small = True  # gone or unreadable: the check here says what is wrong
    return check_here(db) if small else check_in_process(db)


def check_in_process(db: Database) -> str | None:
    """``check_here`` in a process of its own (this call waits for it)."""
    if getattr(sys, "frozen", False):
        return check_here(db)
    path = sqlite_path(db.url)
    request = json.dumps({"url": db.url, "key": encryption.key_for(path) if path is not None else None})
    try:
        done = subprocess.run([sys.executable, "-m", __name__], input=request, capture_output=True,
                              text=True, check=False)
        answer = json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else None
    except (OSError, ValueError, IndexError) as exc:
        log.warning("the full check could not run in a process of its own (%s): checking here", exc)
        return check_here(db)
    if not isinstance(answer, dict) or "problem" not in answer:
        log.warning("the full check's process ended with code %s and no answer (%s): checking here",
                    done.returncode, answer.get("unopened") if isinstance(answer, dict) else "")
        return check_here(db)
    problem = answer["problem"]
    return None if problem is None else str(problem)


def main() -> int:
    request = json.loads(sys.stdin.read())
    url, key = str(request["url"]), request.get("key")
    path = sqlite_path(url)
    if key and path is not None:
        encryption.provide_key(path, str(key))
    try:
        db = Database.open(url, migrate=False, check_integrity=False)
    except StoreError as exc:  # not opened here (busy, say): the app checks in its thread instead
        print(json.dumps({"unopened": str(exc)}))
        return 0
    try:
        problem = check_here(db)
    finally:
        db.close()
    print(json.dumps({"problem": problem}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
