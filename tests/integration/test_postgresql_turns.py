"""The PostgreSQL tests take turns on their one database (``pg_roles.one_at_a_time``): a second
holder, in another worker process or another test run, waits until the first lets go. Needs no
server: the turn is a lock on a file named after the database."""

from __future__ import annotations

import os
import threading

import pytest
from pg_roles import one_at_a_time

pytestmark = pytest.mark.skipif(os.name != "posix", reason="the turns are a POSIX file lock")

URL = "postgresql://tumorboard_app@127.0.0.1:1/turns_of_the_test_suite"


def test_a_second_holder_of_the_same_database_waits_for_the_first() -> None:
    entered, leave = threading.Event(), threading.Event()

    def second() -> None:
        with one_at_a_time(URL):  # its own open file: blocked like another process would be
            entered.set()
            leave.wait(10)

    with one_at_a_time(URL):
        thread = threading.Thread(target=second, daemon=True)
        thread.start()
        assert not entered.wait(0.3), "the second holder got the database while the first held it"
    assert entered.wait(10), "the second holder never got its turn"
    leave.set()
    thread.join(10)
    assert not thread.is_alive()


def test_another_database_is_not_held_up() -> None:
    entered = threading.Event()

    def other() -> None:
        with one_at_a_time(URL.replace("turns_of", "other_turns_of")):
            entered.set()

    with one_at_a_time(URL):
        thread = threading.Thread(target=other, daemon=True)
        thread.start()
        assert entered.wait(10), "a test on another database waited for this one"
    thread.join(10)
