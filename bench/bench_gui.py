"""Desktop-app benchmark, offscreen (run by hand; results go to bench/RESULTS.md).

    python bench/bench_gui.py [--cases 100000] [--repeats 5]
    python bench/bench_gui.py --database DB1M.sqlite [--texts MRN0001,Ma,arin] [--repeats 5]

Each measurement runs in a fresh process (median of --repeats): time from interpreter start to
the main window shown with its worklist filled, on the demo database and on a database of
--cases generated cases; then, in the large database, a filter change to the updated view, opening
a case (editor, timeline and recommendation filled), the peak resident memory, and when the full
integrity check (which the app, like this probe, runs in the background once the window is shown)
answered.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

PROBE = r"""
import os, sys, time, json
t0 = time.perf_counter()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
from tumorboard.gui.main_window import MainWindow
from tumorboard.services.cases import CaseService
from pathlib import Path
from tumorboard.store import Database
from tumorboard.store.schema import sqlite_integrity_problem
db = Database.open(sys.argv[1], check_integrity=False)  # as the app opens it (tumorboard.gui.app)
window = MainWindow(CaseService(db), "bench")
window.show()
checking = os.environ.get("BENCH_GUI_NO_CHECK") != "1"  # --database: keystrokes only, no 4 GB read
if checking:
    window.check_database_in_background(lambda: sqlite_integrity_problem(Path(sys.argv[1])))
app.processEvents()
shown = time.perf_counter() - t0
result = {"start_s": shown, "rows": window.model.rowCount()}
if len(sys.argv) > 2:
    texts, case = json.loads(sys.argv[2]), sys.argv[3]
    for i, typed in enumerate(texts):  # a keystroke's filter, then the view painted (no debounce)
        t = time.perf_counter()
        window.filter_text.setText(typed); window.refresh_worklist(); window.table.viewport().repaint()
        app.processEvents()
        result[f"filter_ms_{i}"] = (time.perf_counter() - t) * 1000
    result["filter_ms"] = result["filter_ms_0"]
    window.filter_text.setText("")
    t = time.perf_counter()
    window.open_case(case); app.processEvents()
    result["open_ms"] = (time.perf_counter() - t) * 1000
while checking and not window.integrity_checked:  # the background check answers before the end
    app.processEvents()
result["check_done_s"] = time.perf_counter() - t0
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across fork and exec.
with open("/proc/self/status") as status:
    hwm = next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
result["maxrss_mb"] = hwm / 1024
print(json.dumps(result), flush=True)
window.close()  # as a user quits: the reads still under way are waited for, no thread is left running
"""


def probe(db: Path, *extra: str, check: bool = True) -> dict[str, float]:
    """One fresh process; with ``extra`` = (JSON list of filter texts, a record number to open)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(db.parent / "config"),
               BENCH_GUI_NO_CHECK="0" if check else "1")
    out = subprocess.run([sys.executable, "-c", PROBE, str(db), *extra], capture_output=True, text=True,
                         env=env, check=True, timeout=600).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--database", type=Path, help="an existing database of bench_scale.py (MRN00000000 ...): "
                    "measure it instead of building one; the filter texts are then --texts")
    ap.add_argument("--texts", default="MRN0001,Ma,arin,Lena Berger,ser-12",
                    help="with --database: the filter texts typed, comma-separated")
    args = ap.parse_args()
    if args.database is not None:
        texts = args.texts.split(",")
        # The whole-file check is left out here: at a million cases it reads 4 GB (timed by the
        # daily chores, not by a keystroke).
        runs = [probe(args.database, json.dumps(texts), "MRN00000421", check=False)
                for _ in range(args.repeats)]
        print(f"{args.database.name}: start to usable worklist (s): median "
              f"{statistics.median(r['start_s'] for r in runs):.2f}")
        for i, typed in enumerate(texts):
            print(f"{args.database.name}: filter '{typed}' to updated view (ms): median "
                  f"{statistics.median(r[f'filter_ms_{i}'] for r in runs):.1f}")
        for key in ("open_ms", "maxrss_mb"):
            print(f"{args.database.name}: {key}: median {statistics.median(r[key] for r in runs):.1f}")
        return
    sys.path.insert(0, str(HERE))
    from bench_store import fill

    from tumorboard.services.demo import populate_demo
    from tumorboard.store import Database

    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp) / "demo.sqlite3"
        db = Database.open(str(demo))
        populate_demo(db)
        db.close()
        runs = [probe(demo) for _ in range(args.repeats)]
        median = statistics.median(r["start_s"] for r in runs)
        print(f"demo database: start to window shown, median {median:.2f} s")
        big = Path(tmp) / "big.sqlite3"
        db = Database.open(str(big))
        fill(db, args.cases)
        db.close()
        runs = [probe(big, json.dumps(["BENCH-0004"]), "BENCH-000421") for _ in range(args.repeats)]
        labels = (("start_s", "start to usable worklist (s)"),
                  ("filter_ms", "filter change to updated view (ms)"),
                  ("open_ms", "open a case (ms)"), ("maxrss_mb", "peak memory (MB)"),
                  ("check_done_s", "start to background integrity check done (s)"))
        for key, label in labels:
            print(f"{args.cases} cases: {label}: median {statistics.median(r[key] for r in runs):.2f}")


if __name__ == "__main__":
    main()
