"""Typed text and document values of the case editor's fields: the conversions both the form
fields and the list tables use. Testable without Qt."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class FieldSpec:
    pointer: str          # JSON pointer into the case document
    label: str
    kind: str             # text | date | number | int | choice | tristate | flag
    options: tuple[str, ...] = ()
    section: str = ""


def display(spec: FieldSpec, value: Any) -> str:
    """The text a field shows for a document value."""
    if value is None:
        return "unknown" if spec.kind == "tristate" and "unknown" in spec.options else ""
    if spec.kind == "tristate":
        return "yes" if value else "no"
    if spec.kind in ("datelist", "textlist"):
        return ", ".join(str(v) for v in value)
    if spec.kind == "number" and isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def option_label(option: str) -> str:
    """How a choice reads on screen: ``not_amplified`` -> ``not amplified``; blank -> not recorded."""
    return option.replace("_", " ") if option else "(not recorded)"


class FieldError(ValueError):
    pass


def parse(spec: FieldSpec, text: str | bool) -> Any:
    """Typed text -> document value; raises FieldError with a sentence naming what is wrong."""
    if spec.kind == "flag":
        return bool(text)
    assert isinstance(text, str)
    raw = text.strip()
    if spec.kind == "tristate":
        choices = {"unknown": None, "yes": True, "no": False}
        if (raw or "unknown") not in choices:
            raise FieldError(f"{raw!r} is not one of yes, no or unknown")
        return choices[raw or "unknown"]
    if spec.kind == "choice" and raw and spec.options and raw not in spec.options:
        raise FieldError(f"{raw!r} is not one of " + ", ".join(o for o in spec.options if o))
    if spec.kind in ("datelist", "textlist"):
        return [part.strip() for part in raw.replace(";", ",").split(",") if part.strip()]
    if raw == "":
        return None
    if spec.kind == "number":
        try:
            value = float(raw.replace(",", "."))
        except ValueError:
            raise FieldError(f"{raw!r} is not a number") from None
        return int(value) if value.is_integer() else value
    if spec.kind == "int":
        try:
            return int(raw)
        except ValueError:
            raise FieldError(f"{raw!r} is not a whole number") from None
    return raw
