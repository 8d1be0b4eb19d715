"""``tumorboard --demo`` as a user starts it, for whole-process timing (run by hand;
bench/RESULTS.md): ``tumorboard.cli.main(["--demo"])`` itself (the log, the arguments, the app's
imports and start, the demo database built today reused, the demo chair's sign-in, the main
window with its worklist, the background checks started), exiting once the window has been shown
and its first events handled. ``bench/app_start.py --demo`` is the shorter path that skips the
command line and the sign-in; its ``--floor`` (an empty Qt window) is the floor for both.

    python bench/app_demo.py

The probe leaves the app's import order alone: it wraps ``tumorboard.gui.app.open_app`` as the
module is loaded by the command line, not by importing it first.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import sys
import time
from types import ModuleType
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
STARTED = time.perf_counter()
APP_MODULE = "tumorboard.gui.app"


def _leave_once_shown(module: ModuleType) -> None:
    opened = module.open_app

    def open_and_leave(**kwargs: Any) -> Any:
        started = opened(**kwargs)
        from PySide6.QtWidgets import QApplication

        QApplication.processEvents()
        if isinstance(started, tuple):
            window, _db = started
            print(f"shown with {window.model.rowCount()} worklist rows after "
                  f"{time.perf_counter() - STARTED:.2f} s, {time.process_time():.2f} s CPU")
        os._exit(0 if isinstance(started, tuple) else 1)  # the background work is not waited for

    module.open_app = open_and_leave


class _Probe(importlib.abc.MetaPathFinder):
    """Finds tumorboard.gui.app as Python would and wraps its open_app once it has run."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name != APP_MODULE:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        run = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            run(module)
            _leave_once_shown(module)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def main() -> None:
    sys.meta_path.insert(0, _Probe())
    from tumorboard.cli import main as cli_main

    sys.exit(cli_main(["--demo"]))


if __name__ == "__main__":
    main()
