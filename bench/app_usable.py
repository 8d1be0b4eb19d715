"""Is the window usable while the day's chores run? (run by hand; bench/RESULTS.md)

    python bench/app_usable.py DATABASE [--samples 15] [--limit-s 120] [--check-in-thread]

Starts as the day's first start does (``app_start.forget_today``): the window is shown, then the
daily backup runs in its own process and the full check (every page, the audit chain, every
clinical row's checksum) in a thread of the app. While they run, and again once both are done,
it times what a user does and feels, every 0.3 s: a text-filter keystroke's worklist refresh
(the query and the model, as the debounce timer runs it) and the wait of an event posted to the
event loop (how long a click would wait). Prints the medians during and after, and how long the
chores took.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from app_start import forget_today

FILTERS = ("Ma", "arin", "MRN0001", "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database")
    parser.add_argument("--samples", type=int, default=15, help="samples after the chores (default 15)")
    parser.add_argument("--limit-s", type=float, default=120.0, help="stop sampling during after this")
    parser.add_argument("--check-in-thread", action="store_true",
                        help="the full check in the app's thread at any size (as before; to compare)")
    args = parser.parse_args()
    forget_today(args.database)
    if args.check_in_thread:
        from tumorboard.services import full_check_process

        full_check_process.IN_PROCESS_FROM_BYTES = 2**62

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from tumorboard.gui.app import check_database
    from tumorboard.gui.main_window import MainWindow
    from tumorboard.gui.notice import ChangeNotice
    from tumorboard.services.cases import CaseService
    from tumorboard.store import Database

    app = QApplication(sys.argv[:1])
    db = Database.open(args.database, check_integrity=False)
    notice = ChangeNotice()
    window = MainWindow(CaseService(db, notify=notice.publish), "bench", notice=notice)
    window.resize(1366, 768)
    window.show()
    started = time.perf_counter()
    check_database(window, db)  # the chores' process and the full check's thread start here
    chores = db.daily_chores
    samples: dict[str, dict[str, list[float]]] = {"during": {"filter": [], "event": []},
                                                 "after": {"filter": [], "event": []}}
    finished: dict[str, float] = {}
    state = {"i": 0}

    def busy() -> bool:
        process_running = chores is not None and hasattr(chores, "poll") and chores.poll() is None
        if not process_running and "backup process" not in finished:
            finished["backup process"] = time.perf_counter() - started
        if window.integrity_checked and "full check" not in finished:
            finished["full check"] = time.perf_counter() - started
        return process_running or not window.integrity_checked

    def sample() -> None:
        phase = "during" if busy() else "after"
        if phase == "during" and time.perf_counter() - started > args.limit_s:
            phase = "after-limit"
        if (phase == "after" and len(samples["after"]["filter"]) >= args.samples) or phase == "after-limit":
            report()
            app.quit()
            return
        posted = time.perf_counter()

        def handled() -> None:
            samples[phase]["event"].append((time.perf_counter() - posted) * 1000)
            text = FILTERS[state["i"] % len(FILTERS)]
            state["i"] += 1
            window.filter_text.blockSignals(True)
            window.filter_text.setText(text)
            window.filter_text.blockSignals(False)
            t0 = time.perf_counter()
            window.refresh_worklist()  # what the keystroke's debounce timer runs
            samples[phase]["filter"].append((time.perf_counter() - t0) * 1000)
            if os.environ.get("BENCH_TRACE"):
                print(f"{t0 - started:6.1f} s {phase} {text!r}: {samples[phase]['filter'][-1]:.0f} ms")
            QTimer.singleShot(300, sample)

        QTimer.singleShot(0, handled)

    def report() -> None:
        for phase, figures in samples.items():
            if figures["filter"]:
                print(f"{phase} the chores: {len(figures['filter'])} samples; filter refresh median "
                      f"{statistics.median(figures['filter']):.0f} ms (max {max(figures['filter']):.0f}); "
                      f"event wait median {statistics.median(figures['event']):.1f} ms "
                      f"(max {max(figures['event']):.0f})")
        for what, seconds in finished.items():
            print(f"{what} done {seconds:.1f} s after the window showed")
        print(f"integrity problem: {window.integrity_problem}")

    QTimer.singleShot(0, sample)
    app.exec()
    window.home_reader.wait()
    os._exit(0)


if __name__ == "__main__":
    main()
