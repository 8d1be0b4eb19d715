"""The upgrade, killed at a chosen statement, for the migration atomicity test.

    python migration_child.py DATABASE_FILE N

Opens (and so creates or upgrades) the database with a hook on every SQL statement SQLAlchemy
sends; at statement N (counted from 1) the process ends at once with ``os._exit(KILLED)``, as a
kill -9 or a power cut would end it: no rollback, no close, no cleanup. N = 0 never kills and
prints the number of statements the whole open sent.

Not a test module (no ``test_`` prefix): the test starts it as a subprocess.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from sqlalchemy import Engine, event

KILLED = 17


def main(argv: list[str]) -> int:
    path, stop = argv[1], int(argv[2])
    count = 0

    def hook(*_args: Any) -> None:
        nonlocal count
        count += 1
        if count == stop:
            os._exit(KILLED)

    event.listen(Engine, "before_cursor_execute", hook)
    from tumorboard.store import Database

    os.environ["TUMORBOARD_BACKUP_KEEP"] = "0"  # the daily backup is not what is tested here
    Database.open(path).close()
    print(count)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
