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
