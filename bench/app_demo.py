"""``tumorboard --demo`` as a user starts it, for whole-process timing (run by hand;
bench/RESULTS.md): the command line's own path (the log, the parser, the app's start, the demo
database built today reused, the demo chair's sign-in, the main window with its worklist and the
start of the background checks), exiting once the window has been shown and its first events
handled. ``bench/app_start.py --demo`` is the shorter path that skips the command line and the
sign-in; its ``--floor`` (an empty Qt window) is the floor for both.

    python bench/app_demo.py
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
STARTED = time.perf_counter()


def main() -> None:
    import tumorboard.gui.app as app_module
    from tumorboard.cli import main as cli_main

    opened = app_module.open_app

    def open_and_leave(**kwargs: object) -> object:
        started = opened(**kwargs)  # type: ignore[arg-type]
        from PySide6.QtWidgets import QApplication

        QApplication.processEvents()
        if isinstance(started, tuple):
            window, _db = started
            print(f"shown with {window.model.rowCount()} worklist rows after "
                  f"{time.perf_counter() - STARTED:.2f} s, {time.process_time():.2f} s CPU")
        os._exit(0 if isinstance(started, tuple) else 1)  # the background work is not waited for

    app_module.open_app = open_and_leave  # type: ignore[assignment]
    sys.exit(cli_main(["--demo"]))


if __name__ == "__main__":
    main()
