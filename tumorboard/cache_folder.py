"""The user's cache folder: what tumorboard generates once from its shipped files and keeps
(the case schema's fast validator, the ruleset read from its YAML), each under a name that
carries a hash of what it was made from, so a changed source is never answered from an old copy.

TUMORBOARD_CACHE_DIR, else the platform's user cache folder. Everything in it can be deleted at
any time: it is made again, at the cost of a slower first start.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

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


def content_key(data: bytes) -> str:
    """The SHA-256 of ``data`` in hex: the part of a kept file's name that says what it was made from."""
    return str(_sha256()(data).hexdigest())


@cache
def _sha256() -> Callable[[bytes], Any]:
    # CPython's own SHA-256 (``_sha2`` from 3.12, ``_sha256`` before) loads in 0.2 ms; hashlib
    # loads OpenSSL's (``_hashlib``, 2.5 ms, a fortieth of `tumorboard recommend`). The same
    # digest either way (a test compares them); hashlib where a build leaves the builtin out.
    for name in ("_sha2", "_sha256"):
        try:
            sha256: Callable[[bytes], Any] = importlib.import_module(name).sha256
            return sha256
        except (ImportError, AttributeError):
            continue
    import hashlib

    return hashlib.sha256
