"""Entry point of the frozen (PyInstaller) build: the same ``tumorboard`` command as the wheel's."""

from __future__ import annotations

import sys

from tumorboard.cli import main

if __name__ == "__main__":
    sys.exit(main())
