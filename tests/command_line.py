"""`tumorboard ARGS` run inside the test's process, answered as a finished process would be.

Starting ``python -m tumorboard`` costs each test most of a second of imports; where a test is
about what a command answers (its exit code, its standard output and standard error), calling
``tumorboard.cli.main`` in the process says the same: ``__main__`` does nothing but
``sys.exit(command_line())``, which is ``main`` and, after ``recommend``, the quick way out of the
process (tests/unit/test_quick_exit.py checks that a real process answers the same). Each test module that does this keeps a few real processes for the entry
point itself (``python -m tumorboard``, the console script, a fresh interpreter's imports).
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys


def run_in_process(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """``subprocess.run([python, -m, tumorboard, *args], input=stdin, capture_output=True,
    text=True)``, in this process: standard input from ``stdin`` (empty without it), standard
    output and error kept, ``SystemExit`` (argparse's refusals) turned into the exit code."""
    from tumorboard.cli import main

    out, err = io.StringIO(), io.StringIO()
    fed = io.TextIOWrapper(io.BytesIO((stdin or "").encode("utf-8")), encoding="utf-8")
    saved_stdin, sys.stdin = sys.stdin, fed
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # as the interpreter ends a process on SystemExit
                if exc.code is None or isinstance(exc.code, int):
                    code = exc.code or 0
                else:
                    print(exc.code, file=sys.stderr)
                    code = 1
    finally:
        sys.stdin = saved_stdin
    return subprocess.CompletedProcess(["tumorboard", *args], code, out.getvalue(), err.getvalue())
