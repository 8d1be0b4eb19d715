"""How a service tells the application what an action changed: one callable for the whole app
(the GUI hands every service the same one; scripts need none)."""

from __future__ import annotations

from collections.abc import Callable

from tumorboard.domain.changes import Changes

Notify = Callable[[Changes], None]


def ignore(_changes: Changes) -> None:
    """The default: nobody is listening (command line, tests)."""
