"""The one mapping from what a command raised to its exit code."""

from __future__ import annotations

import pytest

from tumorboard.cli import CliError
from tumorboard.commands.exit_codes import exit_code_for
from tumorboard.domain.meeting import MeetingError
from tumorboard.domain.users import AccessDenied
from tumorboard.services.accounts import LoginRefused
from tumorboard.store import ConcurrentEdit, RecordNotFound


def _refusal_from(original: BaseException, code: int | None = None) -> CliError:
    """A CliError raised while handling ``original``, as the commands do (``from None``)."""
    try:
        try:
            raise original
        except type(original):
            raise CliError("the words", code=code) from None
    except CliError as exc:
        return exc


@pytest.mark.parametrize(("original", "code"), [
    (ConcurrentEdit("someone saved it"), 4),
    (LoginRefused("wrong password"), 3),
    (AccessDenied("may not export"), 3),
    (RecordNotFound("no such case"), 2),
    (MeetingError("quorum not met"), 2),
    (KeyError("a bug"), 2),  # a CliError is a refusal in words: 2 unless it was raised from a known class
])
def test_a_cli_error_takes_the_code_of_what_it_was_raised_from(original: Exception, code: int) -> None:
    assert _refusal_from(original).code == code


def test_an_explicit_code_wins_and_a_plain_error_is_internal() -> None:
    assert _refusal_from(ConcurrentEdit("x"), code=1).code == 1
    assert CliError("no context").code == 2
    assert exit_code_for(RuntimeError("a bug")) == 1
    assert exit_code_for(ConcurrentEdit("raised straight through")) == 4
    assert exit_code_for(AccessDenied("straight through")) == 3
    assert exit_code_for(KeyboardInterrupt()) == 130
