"""The app's log: a private rotating file in the user log folder, and never patient data in it.

``configure()`` is called once by the composition root (the command line / the app). Records of
tumorboard's own loggers are written at ``TUMORBOARD_LOG_LEVEL`` (default INFO; ``OFF`` writes
nothing); other libraries only from WARNING up. SQLAlchemy is held at WARNING whatever the level:
at INFO and DEBUG it logs every statement with its parameters, that is patient names, record
numbers and birth dates.

What tumorboard logs is written to be safe to hand to a developer: locations, schema revisions,
counts and durations, never the content of a case (and not the names of exported files, which
users often name after the patient).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from tumorboard.log_file import PrivateRotatingFileHandler
from tumorboard.user_folders import user_log_dir

LEVEL_ENV = "TUMORBOARD_LOG_LEVEL"
DEFAULT_LEVEL = "INFO"
LOG_FILE = "tumorboard.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Loggers that put SQL parameters (patient data) in their records at INFO and DEBUG.
QUIET_LOGGERS = ("sqlalchemy",)

_handler: logging.Handler | None = None


def log_dir() -> Path:
    return Path(user_log_dir())


class _OwnOrWarning(logging.Filter):
    """tumorboard's records at the configured level; everyone else's from WARNING up."""

    def filter(self, record: logging.LogRecord) -> bool:
        own = record.name == "tumorboard" or record.name.startswith("tumorboard.")
        return own or record.levelno >= logging.WARNING


def _level(value: str | int | None) -> int | None:
    """A logging level from a name or number; None for OFF. Unknown names mean the default."""
    raw = value if value is not None else os.environ.get(LEVEL_ENV, DEFAULT_LEVEL)
    if isinstance(raw, int):
        return raw
    name = raw.strip().upper() or DEFAULT_LEVEL
    if name in ("OFF", "NONE", "0"):
        return None
    level = logging.getLevelName(name)
    return level if isinstance(level, int) else logging.INFO


def configure(level: str | int | None = None, directory: Path | None = None) -> Path | None:
    """Write the log to ``directory/tumorboard.log`` (default: the user log folder).

    Returns the log file, or None when logging is off or the folder cannot be written (the app
    works the same without a log; a read-only home must not stop it). Calling it again replaces
    the previous set-up.
    """
    global _handler
    reset()
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    chosen = _level(level)
    if chosen is None:
        return None
    folder = directory if directory is not None else log_dir()
    path = folder / LOG_FILE
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        handler: logging.Handler = PrivateRotatingFileHandler(
            path, max_bytes=MAX_BYTES, backup_count=BACKUP_COUNT, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(_OwnOrWarning())
    logging.getLogger().addHandler(handler)
    logging.getLogger("tumorboard").setLevel(chosen)
    _handler = handler
    logging.getLogger(__name__).debug("log configured at %s", logging.getLevelName(chosen))
    return path


def reset() -> None:
    """Remove the handler ``configure`` installed (tests; a second configure)."""
    global _handler
    if _handler is not None:
        logging.getLogger().removeHandler(_handler)
        _handler.close()
        _handler = None


def configure_once() -> Path | None:
    """``configure()`` unless a log is already set up in this process (by a test, or an earlier
    command run in-process): the first set-up wins."""
    if _handler is not None:
        return Path(getattr(_handler, "baseFilename", "")) or None
    return configure()
