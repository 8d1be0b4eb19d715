"""The ``tumorboard`` command: with no subcommand it opens the desktop app; subcommands are its
headless peers over the same services.

Each subcommand lives in ``tumorboard/commands/<name>.py`` with ``register(subparsers)``; modules
are imported only when needed so that ``tumorboard recommend`` stays fast and never loads Qt.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any

from tumorboard import __version__
from tumorboard.collection_pause import collection_after_batch
from tumorboard.commands.exit_codes import (
    EXIT_FAILURE,
    EXIT_INVALID,
    EXIT_OK,
    exit_code_for,
    exit_codes_epilog,
)

# Subcommand name -> module under tumorboard.commands that registers it.
COMMANDS: dict[str, str] = {
    "recommend": "recommend",
    "import": "cases",
    "export": "cases",
    "db": "db",
    "demo": "demo",
    "meetings": "meetings",
    "boards": "boards",
    "minutes": "meetings",
    "settings": "settings",
    "users": "users",
    "referral": "referral",
    "actions": "actions",
    "audit": "audit",
    "cases": "worklist",
    "decisions": "decisions",
    "completion": "completion",
    "agenda": "agenda",
    "letters": "letters",
    "send": "send",
    "attendance": "attendance",
}

__all__ = ["EXIT_FAILURE", "EXIT_INVALID", "EXIT_OK", "CliError", "main"]


class CliError(Exception):
    """A refusal to show the user as one line on standard error, then exit with ``code``.

    Without an explicit ``code`` the exit code follows what it was raised from (commands/exit_codes:
    a refused sign-in 3, another person's change 4, any other refusal 2)."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.explicit_code = code

    @property
    def code(self) -> int:
        return exit_code_for(self, default=EXIT_INVALID)


class _Parser(argparse.ArgumentParser):
    """argparse's parser, which checks each new option's metavar with a formatter made at a
    fixed width: argparse makes one per option, and each would ask for the terminal's width,
    which imports shutil with its archive modules (a fortieth of ``tumorboard recommend``). Help
    and errors are laid out at the terminal's width, as before."""

    _checking_an_option = False

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        self._checking_an_option = True
        try:
            return super().add_argument(*args, **kwargs)
        finally:
            self._checking_an_option = False

    def _get_formatter(self) -> argparse.HelpFormatter:
        if self._checking_an_option:  # only the metavar's agreement with nargs is looked at
            make: Any = self.formatter_class  # argparse's formatters all take a width
            formatter: argparse.HelpFormatter = make(prog=self.prog, width=80)
            return formatter
        return super()._get_formatter()


def _parser(command: str | None, *, commands: bool = True) -> argparse.ArgumentParser:
    """The parser for ``command`` (every command's with None); ``commands=False``: the top-level
    options alone, which raises ArgumentError instead of printing (see ``_parse``)."""
    parser = _Parser(
        prog="tumorboard",
        description="Tumor board (MDT) case tracking, guideline recommendations and minutes.",
        epilog=exit_codes_epilog(), add_help=commands, exit_on_error=commands,
    )
    parser.add_argument("--version", action="version", version=f"tumorboard {__version__}")
    parser.add_argument(
        "--database", metavar="URL",
        help="database URL or SQLite file path (default: TUMORBOARD_DATABASE_URL, else the "
             "embedded SQLite file in the user data directory)")
    parser.add_argument("--user", metavar="USERNAME",
                        help="sign in as this user, once the database has accounts, for commands "
                             "that write or show patient data")
    parser.add_argument("--demo", action="store_true",
                        help="use the demo database of synthetic cases: the app, or the COMMAND "
                             "that follows (signed in as the demo chair)")
    if not commands:
        parser.set_defaults(command=None)
        return parser
    # prog as argparse would spell it (the program and the positionals before COMMAND: none),
    # given so that no formatter is made for it
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", prog="tumorboard")
    modules = [COMMANDS[command]] if command in COMMANDS else list(dict.fromkeys(COMMANDS.values()))
    for module_name in modules:
        importlib.import_module(f"tumorboard.commands.{module_name}").register(sub)
    _with_exit_codes(parser)
    return parser


def _with_exit_codes(parser: argparse.ArgumentParser) -> None:
    """Every command's --help ends with the exit codes (the same for all of them)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                if child.epilog is None:
                    child.epilog = exit_codes_epilog()
                _with_exit_codes(child)


def full_parser() -> argparse.ArgumentParser:
    """Every command's parser (for shell completion)."""
    return _parser(None)


def _first_command(argv: Sequence[str]) -> str | None:
    for arg in argv:
        if arg in COMMANDS:
            return arg
    return None


def _parse(args_list: list[str]) -> argparse.Namespace:
    """The arguments. Without a command word (the app: ``--demo``, ``--database URL``) the
    top-level options are read alone first, so that opening the app does not import every
    command's module to build parsers it will not use; anything they do not read whole (help, a
    mistyped option, a stray word) is parsed by the full parser, which answers as it always has."""
    command = _first_command(args_list)
    if command is None:
        try:
            args, rest = _parser(None, commands=False).parse_known_args(args_list)
        except argparse.ArgumentError:
            rest = args_list
        if not rest:
            return args
    return _parser(command).parse_args(args_list)


def main(argv: Sequence[str] | None = None) -> int:
    # Starting a command is imports and parsers, long-lived objects: the cycle collector's passes
    # over them (two thirds of those in `tumorboard recommend`) would find nothing to free.
    with collection_after_batch():
        importlib.import_module("tumorboard.logs").configure_once()  # private file; never patient data
        args = _parse(list(sys.argv[1:] if argv is None else argv))
    try:
        if args.command is None:
            with collection_after_batch():  # the app's imports are part of its start (see run_app)
                from tumorboard.gui.app import run_app

            return run_app(demo=args.demo, database=args.database)
        if args.demo:  # `tumorboard --demo COMMAND`: the command runs on the demo database
            importlib.import_module("tumorboard.commands.common").use_demo_database(args)
        code: int = args.handler(args)
        return code
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt as exc:
        print("interrupted", file=sys.stderr)
        return exit_code_for(exc)
    except Exception as exc:
        code = exit_code_for(exc)
        if code != EXIT_FAILURE:  # a service's refusal (a role not allowed, another's change...)
            print(f"error: {exc}", file=sys.stderr)
            return code
        # The last resort: a user sees one line, a developer can ask for more.
        if os.environ.get("TUMORBOARD_DEBUG"):
            raise
        print(f"error: internal error ({type(exc).__name__}): {exc}. Nothing was changed by the "
              "failed step; please report it (set TUMORBOARD_DEBUG=1 to see the details)",
              file=sys.stderr)
        return EXIT_FAILURE


def command_line() -> int:
    """``tumorboard`` and ``python -m tumorboard``: ``main``, then, after a command that holds
    nothing open (``recommend``), the quick way out of the process (tumorboard/quick_exit.py)."""
    code = main()
    quick_exit = sys.modules.get("tumorboard.quick_exit")  # imported by the commands that ask
    if quick_exit is not None and quick_exit.asked():
        quick_exit.leave(code)
    return code


def gui_main() -> int:
    """``tumorboard-gui``, installed as a GUI script: on Windows it opens no console window. The
    same options as ``tumorboard`` (``--demo``, ``--database``); with no command it is the app."""
    return main()


if __name__ == "__main__":
    sys.exit(main())
