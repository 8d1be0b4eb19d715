"""The exit codes of every ``tumorboard`` command, decided in one place from what was raised.

Commands raise the service's own exceptions, or a ``CliError`` naming the field (usually while
handling one of them); ``exit_code_for`` looks at the error and what it was raised from, so a
command added later gets the right code without choosing one itself.

Exceptions are matched by the name of their class (module and qualified name) through
``sys.modules``: a class whose module was never imported cannot have been raised, and matching
that way keeps ``tumorboard recommend`` from loading the store and the services just to exit.
"""

from __future__ import annotations

import sys

EXIT_OK = 0
EXIT_FAILURE = 1  # an internal error or an environment failure (a file that cannot be written)
EXIT_INVALID = 2  # invalid input (usage, a field, a document) or refused by a rule of the record
EXIT_NOT_ALLOWED = 3  # not signed in, wrong password, locked account, or the role does not allow it
EXIT_CONFLICT = 4  # another person changed the record since it was read: read again, then retry
EXIT_CHECK_FAILED = 5  # a check ran and found a problem (db verify / db check, minutes --verify)
EXIT_INTERRUPTED = 130

EXIT_CODES: dict[int, str] = {
    EXIT_OK: "success",
    EXIT_FAILURE: "internal error, or a file or database that could not be written",
    EXIT_INVALID: "invalid input (usage, a field, a document) or refused by a rule of the record",
    EXIT_NOT_ALLOWED: "not signed in, sign-in refused, or the signed-in role does not allow it",
    EXIT_CONFLICT: "conflict: someone else changed the record since it was read (read again, retry)",
    EXIT_CHECK_FAILED: "a check found a problem (db verify, db check, minutes --verify)",
}

# (module, class name) -> code; the first class found in an exception's MRO wins, most specific
# first. Anything not listed and not a CliError with its own code is an internal error.
_BY_CLASS: tuple[tuple[str, str, int], ...] = (
    ("tumorboard.store.errors", "ConcurrentEdit", EXIT_CONFLICT),
    ("tumorboard.domain.users", "AccessDenied", EXIT_NOT_ALLOWED),
    ("tumorboard.services.accounts", "LoginRefused", EXIT_NOT_ALLOWED),
    ("tumorboard.commands.exit_codes", "NotSignedIn", EXIT_NOT_ALLOWED),
    ("tumorboard.store.encryption", "WrongKey", EXIT_NOT_ALLOWED),
    ("tumorboard.store.errors", "StoreError", EXIT_INVALID),
    ("tumorboard.domain.meeting", "MeetingError", EXIT_INVALID),
    ("tumorboard.domain.workflow", "WorkflowError", EXIT_INVALID),
    ("tumorboard.casedoc.validate", "InvalidCaseDocument", EXIT_INVALID),
    ("tumorboard.services.accounts", "AccountError", EXIT_INVALID),
    ("tumorboard.services.settings", "SettingsError", EXIT_INVALID),
)


class NotSignedIn(Exception):
    """A command needs a sign-in that was not given (no --user, no password without a terminal)."""


def _code_of_class(exc: BaseException) -> int | None:
    for module_name, class_name, code in _BY_CLASS:
        module = sys.modules.get(module_name)
        cls = getattr(module, class_name, None) if module is not None else None
        if isinstance(cls, type) and isinstance(exc, cls):
            return code
    return None


def exit_code_for(exc: BaseException, default: int = EXIT_FAILURE) -> int:
    """The exit code for an error that ended a command.

    A ``CliError`` given an explicit code keeps it; otherwise the code of the exception it was
    raised while handling (``raise CliError(...) from None`` still records that context), else
    ``default`` (2 for a CliError: a refusal the command put into words)."""
    if isinstance(exc, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    explicit = getattr(exc, "explicit_code", None)
    if isinstance(explicit, int):
        return explicit
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        code = _code_of_class(current)
        if code is not None:
            return code
        current = current.__cause__ or current.__context__
    return default


def exit_codes_epilog() -> str:
    """The codes as the help and the README list them."""
    return "exit codes: " + "; ".join(f"{code} {text}" for code, text in EXIT_CODES.items())
