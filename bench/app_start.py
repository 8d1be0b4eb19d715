"""One desktop-app start, offscreen, for whole-process timing (run by hand; bench/RESULTS.md):

    python bench/app_start.py DATABASE     # open as the app does, main window, worklist filled
    python bench/app_start.py --demo       # as `tumorboard --demo`: reuses today's demo database
    python bench/app_start.py --floor      # the floor: an empty Qt window shown
    python bench/app_start.py DATABASE --first-of-day   # as the day's first start (see below)

Exits as soon as the window is shown with its worklist filled: the day's backup and full check,
which the app runs in the background from then on, are not waited for (they are not on the way).
``--first-of-day`` forgets that today's chores and full check were done (the ``.NAME.checked``
file beside the database and the day the full check last passed), so this start starts them as
the day's first does: the backup process and the full check's thread begin once the window is up.
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
STARTED = time.perf_counter()


def forget_today(database: str) -> None:
    """The database as before its first open of the day: the chores' record beside it
    (store/daily_chores.state_path) and the day the full check last passed (FULL_CHECK_KEY).
    Plain sqlite3, so that this costs the start nothing it would not pay anyway."""
    import sqlite3
    from pathlib import Path

    path = Path(database)
    path.with_name(f".{path.name}.checked").unlink(missing_ok=True)
    con = sqlite3.connect(path)
    try:
        con.execute("DELETE FROM tumorboard_meta WHERE key = 'full_check_passed'")
        con.commit()
    finally:
        con.close()


def main() -> None:
    known = ("--demo", "--floor", "--first-of-day")
    if len(sys.argv) < 2 or any(a.startswith("-") and a not in known for a in sys.argv[1:]):
        # An option it does not know (--help included) is not a database to create.
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    first_of_day = "--first-of-day" in sys.argv
    if first_of_day:
        forget_today(sys.argv[1])
    import gc

    from PySide6.QtWidgets import QApplication, QWidget

    if sys.argv[1] != "--floor":
        gc.disable()  # as tumorboard.gui.app.run_app holds the collector back until the window is up

    app = QApplication(sys.argv[:1])
    if sys.argv[1] == "--floor":
        window = QWidget()
        window.resize(1366, 768)
        window.show()
        app.processEvents()
        print("shown")
        os._exit(0)
    from tumorboard.gui.app import check_database
    from tumorboard.gui.main_window import MainWindow
    from tumorboard.gui.notice import ChangeNotice
    from tumorboard.services.cases import CaseService
    from tumorboard.store import Database

    database = sys.argv[1]
    if database == "--demo":
        from tumorboard.services.demo import ensure_demo_database

        database = ensure_demo_database(reuse=True)
    db = Database.open(database, check_integrity=False)  # as tumorboard.gui.app opens it
    notice = ChangeNotice()
    main_window = MainWindow(CaseService(db, notify=notice.publish), "bench", notice=notice)
    main_window.resize(1366, 768)
    main_window.show()
    check_database(main_window, db)  # the background work starts here, as in the app
    app.processEvents()
    shown = time.perf_counter() - STARTED
    print(f"shown with {main_window.model.rowCount()} worklist rows after {shown:.2f} s, "
          f"{time.process_time():.2f} s CPU"
          + (" (first start of the day: backup and full check started)" if first_of_day else ""))
    os._exit(0)  # the background check and backup are not waited for


if __name__ == "__main__":
    main()
