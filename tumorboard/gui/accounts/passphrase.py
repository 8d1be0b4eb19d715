"""The passphrase of an encrypted database, asked for when the app starts.

The command line asks in the terminal (commands/common.py); a desktop started from a menu has no
terminal, so the app asks in a dialog. The passphrase is kept for this process only (never
written anywhere, never in the settings). A wrong one is refused by SQLCipher and asked again,
the file untouched; Cancel opens nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

TRIES = 3
"""Passphrases asked for before the app gives up (each refusal is said)."""

Ask = Callable[[str], str | None]
"""Shows ``prompt``; the passphrase typed, or None when the user cancelled."""


def ask_in_dialog(parent: QWidget | None = None) -> Ask:
    def ask(prompt: str) -> str | None:
        text, ok = QInputDialog.getText(parent, "Encrypted database", prompt, QLineEdit.EchoMode.Password)
        return text if ok else None
    return ask


def needs_passphrase(path: Path | None) -> bool:
    """An encrypted SQLite file whose passphrase is not at hand (TUMORBOARD_DB_KEY, the keyring,
    or typed earlier in this process)."""
    if path is None:
        return False
    from tumorboard.store import encryption

    return encryption.looks_encrypted(path) and encryption.key_for(path) is None


def prompt_for(path: Path, refusal: str | None) -> str:
    first = f"{path} is encrypted. Its passphrase:"
    return f"{refusal}\n\n{first}" if refusal else first
