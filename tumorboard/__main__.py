"""``python -m tumorboard`` runs the same command as the console script."""

import sys

from tumorboard.cli import command_line

sys.exit(command_line())
