"""The command line's database open, timed inside one process (run by hand; bench/RESULTS.md):

    python bench/cli_open.py DATABASE [--repeats 15]

Median milliseconds of ``Database.open`` as every command opens it (writing open; read-only open)
and of its floor in the same process: plain sqlite3 connecting and reading the schema revision.
Today's daily check and backup were started by an earlier open (they run once a day, in
another process): these are the day's other opens.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from tumorboard.store import Database


def median_ms(fn: Callable[[], object], repeats: int) -> float:
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    url = str(args.database)

    def writing() -> None:
        db = Database.open(url)
        db.revision()
        db.close()

    def reading() -> None:
        db = Database.open(url, read_only=True)
        db.revision()
        db.close()

    def floor() -> None:
        con = sqlite3.connect(args.database)
        con.execute("SELECT version_num FROM alembic_version").fetchall()
        con.close()

    base = median_ms(floor, args.repeats)
    for name, fn in (("writing open", writing), ("read-only open", reading)):
        ms = median_ms(fn, args.repeats)
        print(f"{name}: median {ms:.1f} ms; floor (sqlite3 connect + revision) {base:.2f} ms; "
              f"{ms / base:.0f}x", flush=True)


if __name__ == "__main__":
    main()
