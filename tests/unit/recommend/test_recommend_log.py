"""``tumorboard recommend`` with its log on: the line is written, and neither platformdirs nor
logging's network and queue handlers nor shutil (for the terminal's width) are imported for it
(issue 15: one case in 0.1 s)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from rec_casekit import make_case


def test_recommend_logs_its_line_without_platformdirs_or_the_network_handlers(tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps(make_case()), encoding="utf-8")
    code = ("import sys\nfrom tumorboard.cli import main\n"
            "assert main(['recommend', sys.argv[1], '--as-of', '2025-06-10']) == 0\n"
            "print(' '.join(m for m in ('platformdirs', 'logging.handlers', 'socket', 'shutil') if m in sys.modules),"
            " file=sys.__stderr__)\n")
    env = {**os.environ, "TUMORBOARD_LOG_LEVEL": "INFO", "HOME": str(tmp_path),
           "XDG_CACHE_HOME": str(tmp_path / "cache"), "XDG_STATE_HOME": str(tmp_path / "state")}
    env.pop("TUMORBOARD_CACHE_DIR", None)
    done = subprocess.run([sys.executable, "-c", code, str(case)], capture_output=True, text=True,
                          timeout=120, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stderr.strip() == ""
    log = tmp_path / "state" / "tumorboard" / "log" / "tumorboard.log"
    assert "recommend: 1 document(s) evaluated as of 2025-06-10" in log.read_text(encoding="utf-8")
    assert any((tmp_path / "cache" / "tumorboard").glob("ruleset_*.json"))


def test_the_collector_waits_while_the_command_starts_and_evaluates(tmp_path: Path) -> None:
    """Its passes over the imports and the batch freed nothing (30 of them, a twentieth of the
    command); it is on again afterwards, also after a refusal."""
    case = tmp_path / "case.json"
    case.write_text(json.dumps(make_case()), encoding="utf-8")
    code = ("import gc, io, sys, contextlib\npasses = []\n"
            "gc.callbacks.append(lambda phase, info: passes.append(phase) if phase == 'start' else None)\n"
            "from tumorboard.cli import main\n"
            "before = len(passes)\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    assert main(['recommend', sys.argv[1], '--as-of', '2025-06-10']) == 0\n"
            "    assert main(['recommend', sys.argv[1] + '.missing']) == 2\n"
            "print(len(passes) - before, gc.isenabled())\n")
    done = subprocess.run([sys.executable, "-c", code, str(case)], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "TUMORBOARD_LOG_LEVEL": "OFF"})
    assert done.returncode == 0, done.stderr[-2000:]
    passes, enabled = done.stdout.split()
    assert int(passes) <= 4 and enabled == "True"  # one as each pause ends
