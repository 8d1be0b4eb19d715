"""The user's cache and log folders, as platformdirs names them, without importing it for the
common case.

platformdirs (with the tempfile and shutil it brings) is about a twentieth of
``tumorboard recommend``, which needs both folders: the cache for the ruleset and the validator,
the log for its one line. On Linux and the BSDs, with an absolute ``HOME`` and the XDG variable
absolute or unset, platformdirs' answer is the XDG base-directory rule written out below; in
every other case (Windows, macOS, Android, a relative or missing ``HOME``) platformdirs is asked.
``tests/unit/test_user_folders.py`` compares both answers under each kind of environment.
"""

from __future__ import annotations

import os
import sys

APP_NAME = "tumorboard"


def _xdg_platform() -> bool:
    android = os.environ.get("ANDROID_DATA") == "/data" and os.environ.get("ANDROID_ROOT") == "/system"
    return (sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd"))
            and not android and os.path.isabs(os.environ.get("HOME", "")))


def _xdg_home(variable: str, default: str) -> str | None:
    """``$variable`` when absolute, else ``$HOME/default``; None where platformdirs must answer."""
    if not _xdg_platform():
        return None
    value = os.environ.get(variable, "")
    return value if os.path.isabs(value) else os.path.join(os.environ["HOME"], default)


def user_cache_dir() -> str:
    base = _xdg_home("XDG_CACHE_HOME", ".cache")
    if base is not None:
        return os.path.join(base, APP_NAME)
    from platformdirs import user_cache_dir as asked

    return asked(APP_NAME, appauthor=False)


def user_log_dir() -> str:
    base = _xdg_home("XDG_STATE_HOME", ".local/state")
    if base is not None:
        return os.path.join(base, APP_NAME, "log")
    from platformdirs import user_log_dir as asked

    return asked(APP_NAME, appauthor=False)
