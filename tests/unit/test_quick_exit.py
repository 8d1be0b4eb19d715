"""`tumorboard recommend` leaves its process at once (tumorboard/quick_exit.py): the same output,
errors, exit status and log as the interpreter's own exit, and only after that command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from command_line import run_in_process

from tumorboard.casedoc.codec import case_to_document
from tumorboard.services.demo import build_demo_cases

ROOT = Path(__file__).resolve().parents[2]

# A script that runs the console script's entry point with an object whose finaliser says so:
# the interpreter's last step (taking every object down) runs its __del__; the quick exit does not.
SCRIPT = """
import atexit, os, sys
from tumorboard.cli import command_line
class Finalised:
    def __del__(self):
        os.write(2, b"[finalised]")
kept = Finalised()
atexit.register(lambda: os.write(2, b"[exit handler]"))
sys.argv = ["tumorboard", *sys.argv[1:]]
sys.exit(command_line())
"""


@pytest.fixture
def case(tmp_path: Path) -> Path:
    """A synthetic case document (the demo's first case), as a file."""
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case_to_document(build_demo_cases(date(2025, 6, 1))[8].case)), encoding="utf-8")
    return path


def _process(*args: str, env: dict[str, str] | None = None,
             stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", SCRIPT, *args], cwd=ROOT, capture_output=True, text=True,
                          input=stdin, env=env, timeout=60, check=False)


def test_recommend_answers_as_the_in_process_command_and_leaves_without_the_last_step(
        tmp_path: Path, case: Path) -> None:
    refused = tmp_path / "refused.json"
    refused.write_text('{"format": "tumorboard.case/1"}', encoding="utf-8")
    env = {**os.environ, "TUMORBOARD_LOG_LEVEL": "INFO", "XDG_STATE_HOME": str(tmp_path / "state"),
           "TUMORBOARD_CACHE_DIR": str(tmp_path / "cache")}
    doc = str(case)
    for args in ([doc, "--as-of", "2025-06-10"], [doc, doc, "--with-source", "--as-of", "2025-06-10"],
                 [str(refused), "--as-of", "2025-06-10"], [doc, "--as-of", "2025-02-30"]):
        real = _process("recommend", *args, env=env)
        here = run_in_process("recommend", *args)
        assert (real.returncode, real.stdout) == (here.returncode, here.stdout), args
        assert real.stderr == here.stderr + "[exit handler]", args  # the handlers ran; no finaliser
        assert real.returncode == 0 or real.stdout == ""
    stdin = _process("recommend", "-", "--as-of", "2025-06-10", env=env, stdin=case.read_text())
    assert stdin.returncode == 0 and stdin.stdout == run_in_process("recommend", doc, "--as-of",
                                                                    "2025-06-10").stdout
    logs = list((tmp_path / "state").rglob("tumorboard.log"))
    assert len(logs) == 1
    written = logs[0].read_text(encoding="utf-8")
    assert written.count("recommend: 1 document(s) evaluated as of 2025-06-10") == 2  # and stdin's
    assert written.count("recommend: 2 document(s) evaluated") == 1


def test_other_commands_end_as_the_interpreter_ends_them(tmp_path: Path) -> None:
    env = {**os.environ, "TUMORBOARD_LOG_LEVEL": "OFF"}
    done = _process("--version", env=env)  # argparse's own exit, inside main
    assert done.returncode == 0 and done.stderr.endswith("[exit handler][finalised]")
    listed = _process("completion", "bash", env=env)  # a command that returns from main
    assert listed.returncode == 0 and listed.stderr.endswith("[exit handler][finalised]")


def test_output_that_cannot_be_written_ends_as_without_the_quick_exit(case: Path) -> None:
    """Standard output to a pipe already closed: the interpreter's own exit (its message, its
    status), as `python -c 'sys.exit(main())'` ends."""
    plain = "import sys\nfrom tumorboard.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    args = ["recommend", str(case), "--as-of", "2025-06-10"]
    ends = []
    for command in ([sys.executable, "-c", SCRIPT, *args], [sys.executable, "-c", plain, *args]):
        read, write = os.pipe()
        os.close(read)
        try:
            ended = subprocess.run(command, cwd=ROOT, stdout=write, stderr=subprocess.PIPE, text=True,
                                   timeout=60, check=False)
        finally:
            os.close(write)
        ends.append((ended.returncode, "BrokenPipeError" in ended.stderr))
    assert ends[0] == ends[1]
    assert ends[0][0] != 0


def test_with_another_thread_running_the_interpreter_ends_as_it_does(case: Path) -> None:
    """A thread still at work: the interpreter's own exit waits for it, and so does this one."""
    waits = SCRIPT.replace("sys.argv = [", "import threading, time\n"
                           "threading.Thread(target=lambda: (time.sleep(0.5), os.write(2, b'[thread done]'))).start()\n"
                           "sys.argv = [")
    ended = subprocess.run([sys.executable, "-c", waits, "recommend", str(case), "--as-of", "2025-06-10"],
                           cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert ended.returncode == 0 and json.loads(ended.stdout)["format"] == "tumorboard.recommendation/1"
    assert ended.stderr.endswith("[thread done][exit handler][finalised]")
