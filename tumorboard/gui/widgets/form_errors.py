"""Inline form problems: a service's "field: message" refusal shown under the field it names.

Services word their refusals as ``"<field>: <what is wrong>"`` (several joined by "; "). A form
registers one red label per field; anything it cannot place goes to the form's general label.
Nothing typed is touched: the user fixes the field and tries again.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from tumorboard.domain.meeting import MeetingError
from tumorboard.domain.users import AccessDenied
from tumorboard.store import StoreError

# Failures a user can act on; anything else is a bug and reaches the app's error dialog.
USER_ERRORS: tuple[type[BaseException], ...] = (MeetingError, StoreError, AccessDenied)
ERROR_COLOUR = "#d32f2f"
ERROR_STYLE = f"color: {ERROR_COLOUR};"


def error_label(name: str) -> QLabel:
    """A red, word-wrapped label that is hidden while it has nothing to say."""
    label = QLabel("")
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.setAccessibleName(name)
    label.setVisible(False)
    return label


def split_problems(message: str) -> list[tuple[str | None, str]]:
    """``"time: bad; board: empty"`` -> ``[("time", "bad"), ("board", "empty")]``; a part without
    a known-looking field name keeps ``None``."""
    out: list[tuple[str | None, str]] = []
    for part in (p.strip() for p in message.split("; ")):
        if not part:
            continue
        head, sep, rest = part.partition(": ")
        if sep and head and len(head) <= 40 and all(ch.isalnum() or ch in " _" for ch in head):
            out.append((head.strip().lower(), rest.strip()))
        elif out:  # a sentence that itself holds "; " continues the previous problem
            field, text = out[-1]
            out[-1] = (field, f"{text}; {part}")
        else:
            out.append((None, part))
    return out


class FieldErrors:
    """The problem labels of one form, by field name."""

    def __init__(self, general: QLabel) -> None:
        self.general = general
        self.labels: dict[str, QLabel] = {}
        self.aliases: dict[str, str] = {}

    def add(self, field: str, label: QLabel, *aliases: str) -> QLabel:
        self.labels[field] = label
        for alias in aliases:
            self.aliases[alias] = field
        return label

    def clear(self) -> None:
        for label in [*self.labels.values(), self.general]:
            label.setText("")
            label.setVisible(False)

    def show(self, message: str) -> None:
        """Put each part of a refusal under its field; the rest (and a summary) in the general label."""
        self.clear()
        general: list[str] = []
        placed: dict[str, list[str]] = {}
        for field, text in split_problems(message):
            key = self.aliases.get(field or "", field)
            if key is not None and key.split(" ")[0] in self.labels:
                key = key.split(" ")[0]
            if key in self.labels:
                # "actions 2: no owner" stays numbered under the actions table
                placed.setdefault(key, []).append(text if field in (key, None) or field in self.aliases
                                                  else f"{field}: {text}")
            else:
                general.append(text if field is None else f"{field}: {text}")
        for key, texts in placed.items():
            self.labels[key].setText("\n".join(texts))
            self.labels[key].setVisible(True)
        summary = general or ([f"Please check the {len(placed)} field(s) marked in red."] if placed else [])
        self.general.setText("\n".join(summary))
        self.general.setVisible(bool(summary))

    def text_of(self, field: str) -> str:
        return self.labels[field].text()


def place_under(widget: QWidget, label: QLabel) -> QWidget:
    """The field with its problem label directly below it, for a form row."""
    from PySide6.QtWidgets import QVBoxLayout

    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(widget)
    layout.addWidget(label)
    return box
