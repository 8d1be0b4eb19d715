"""The user's cache folder: what tumorboard generates once from its shipped files and keeps
(the case schema's fast validator, the ruleset read from its YAML), each under a name that
carries a hash of what it was made from, so a changed source is never answered from an old copy.

TUMORBOARD_CACHE_DIR, else the platform's user cache folder. Everything in it can be deleted at
any time: it is made again, at the cost of a slower first start.
"""

from __future__ import annotations

import os
from pathlib import Path

CACHE_ENV = "TUMORBOARD_CACHE_DIR"


def cache_folder() -> Path:
    value = os.environ.get(CACHE_ENV, "").strip()
    if value:
        return Path(value)
    from tumorboard.user_folders import user_cache_dir

    return Path(user_cache_dir())


def keep(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all (another process may read it now);
    OSError if the folder cannot be written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
