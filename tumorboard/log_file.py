"""The log file itself: owner-only, rotated by size.

The rotation of ``logging.handlers.RotatingFileHandler`` on the plain ``logging.FileHandler``:
importing ``logging.handlers`` brings sockets, pickling and queues (the network and queue
handlers) into every command, about a twentieth of ``tumorboard recommend``, for a file handler.
The same rule: before a record would take the file to ``max_bytes`` or past it, the file becomes
``.1``, ``.1`` becomes ``.2`` ... and ``.{backup_count}`` is dropped.
"""

from __future__ import annotations

import io
import logging
import os
from typing import Any


class PrivateRotatingFileHandler(logging.FileHandler):
    """A size-rotated log whose every file (the first and each after rotation) is owner-only."""

    def __init__(self, filename: str | os.PathLike[str], max_bytes: int, backup_count: int,
                 encoding: str = "utf-8") -> None:
        self.max_bytes = max_bytes
        self.backup_count = backup_count
        super().__init__(filename, mode="a", encoding=encoding)

    def _open(self) -> io.TextIOWrapper[Any]:
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(self.baseFilename, flags, 0o600)
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self._should_rotate(record):
                self._rotate()
            super().emit(record)
        except Exception:  # as logging's own handlers do: a failing log never stops the app
            self.handleError(record)

    def _should_rotate(self, record: logging.LogRecord) -> bool:
        if self.max_bytes <= 0 or not os.path.isfile(self.baseFilename):
            return False  # never rotate a device or a pipe someone pointed the log at
        if self.stream is None:
            self.stream = self._open()
        size = self.stream.seek(0, 2)
        return size + len(self.format(record) + self.terminator) >= self.max_bytes

    def _rotate(self) -> None:
        if self.stream:
            self.stream.close()
        if self.backup_count > 0:
            for i in range(self.backup_count - 1, 0, -1):
                older, newer = f"{self.baseFilename}.{i}", f"{self.baseFilename}.{i + 1}"
                if os.path.exists(older):
                    os.replace(older, newer)
            os.replace(self.baseFilename, f"{self.baseFilename}.1")
        self.stream = self._open()
