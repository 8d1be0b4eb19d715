"""Writing patient data to a file: readable by its owner only, never half-written.

Exports (case documents, minutes) land in folders users share and name after patients: the file
is written under a temporary name, flushed to disk and renamed into place, so a reader never sees
a half-written export, and it is owner-only even when it replaces a wider-permission file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

OWNER_ONLY = stat.S_IRUSR | stat.S_IWUSR


def write_private(path: Path, data: bytes | str) -> None:
    """Write ``data`` (text as UTF-8) to ``path``, owner-only, atomically."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    tmp = path.with_name(path.name + ".part")
    # No following a link planted at the temporary name (a shared folder), and owner-only even
    # when a leftover temporary file with wider permissions is already there.
    flags = os.O_CREAT | os.O_WRONLY | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(tmp, flags, OWNER_ONLY)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, OWNER_ONLY)
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
