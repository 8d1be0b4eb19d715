"""Leaving the process at once after a command that holds nothing open (``tumorboard recommend``).

At its normal exit the interpreter runs the exit handlers (the log's ``logging.shutdown``
among them), flushes standard output and error, and then takes down every module and object it
made: a tenth of `tumorboard recommend` (about 10 ms of 0.1 s CPU), for memory the system
takes back anyway. A command that opens no database and writes no file of its own (only its
output and the log) asks for the quick way out: the exit handlers run and the streams are
flushed as at a normal exit, then the process ends with the same exit status. If a stream
cannot be flushed (a closed pipe, say), the interpreter's own exit runs instead, with its own
message and status. Only the console script and ``python -m tumorboard`` leave this way
(``tumorboard.cli.command_line``); ``tumorboard.cli.main`` itself always returns.
"""

from __future__ import annotations

import atexit
import os
import sys
from typing import NoReturn

_asked = False


def after_this_command() -> None:
    """The running command holds nothing that its process's end would have to close."""
    global _asked
    _asked = True


def asked() -> bool:
    return _asked


def leave(code: int) -> NoReturn:
    """End the process with ``code`` after the exit handlers and with the streams flushed. With
    another thread still running, the interpreter's own exit, which waits for it."""
    threading = sys.modules.get("threading")
    if threading is not None and any(not t.daemon for t in threading.enumerate()
                                     if t is not threading.main_thread()):
        sys.exit(code)
    try:
        _flush()
        atexit._run_exitfuncs()  # what the interpreter runs first at exit, in the same order
        _flush()  # what the handlers wrote
    except BaseException:  # any failure: the interpreter's own exit decides, as without this
        sys.exit(code)
    os._exit(code)


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()
