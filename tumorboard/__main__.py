"""``python -m tumorboard`` runs the same command as the console script."""

import sys

from tumorboard.cli import main

sys.exit(main())
