"""The keyring lookup of store.encryption finds the same backend as keyring alone, without
keyring's macOS backend searching for the Security framework on other platforms (issue 15)."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytest.importorskip("keyring")

CHOSEN = "import keyring\nprint(type(keyring.get_keyring()).__module__, type(keyring.get_keyring()).__name__)\n"


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.skipif(sys.platform == "darwin", reason="on macOS the Security framework is the backend")
def test_the_same_backend_is_chosen_without_the_macos_search() -> None:
    alone = _run(CHOSEN)
    ours = _run("import sys\nfrom pathlib import Path\nfrom tumorboard.store import encryption\n"
                "encryption._from_keyring(Path('board.sqlite3'))\n"
                "assert 'ctypes.util' not in sys.modules or 'keyring.backends.macOS.api' not in sys.modules\n"
                "assert sys.modules['keyring.backends.macOS.api'] is None\n" + CHOSEN)
    assert ours == alone
