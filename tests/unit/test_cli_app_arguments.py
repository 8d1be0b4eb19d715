"""Opening the app reads the top-level options without building every command's parser
(issue 15: the --demo start); anything else is answered by the full parser, as before."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from tumorboard import cli


@pytest.mark.parametrize("argv", [[], ["--demo"], ["--database", "board.sqlite3"],
                                  ["--database=demo", "--user", "dr-weiss", "--demo"]])
def test_the_app_options_are_read_as_the_full_parser_reads_them(argv: list[str]) -> None:
    assert vars(cli._parse(argv)) == vars(cli._parser(None).parse_args(argv))


def test_opening_the_app_imports_no_command_module() -> None:
    code = ("import sys\nfrom tumorboard import cli\n"
            "args = cli._parse(['--demo', '--database', 'board.sqlite3'])\n"
            "assert args.command is None and args.demo\n"
            "print(sorted(m for m in sys.modules if m.startswith('tumorboard.commands.')))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['tumorboard.commands.exit_codes']"


@pytest.mark.parametrize("argv", [["--help"], ["--hel"], ["--database"], ["--bogus"],
                                  ["--database", "x", "stray"], ["--demo", "--version"]])
def test_help_and_mistakes_get_the_full_parsers_answer(argv: list[str],
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as ours:
        cli._parse(argv)
    said = capsys.readouterr()
    with pytest.raises(SystemExit) as full:
        cli._parser(None).parse_args(argv)
    assert (ours.value.code, said) == (full.value.code, capsys.readouterr())
    assert said.out or said.err


def _helps(parser: argparse.ArgumentParser) -> list[str]:
    out = [parser.format_help()]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                out += _helps(child)
    return out


@pytest.mark.parametrize("columns", ["200", "80", "40"])
def test_every_help_is_the_one_argparse_lays_out_itself(columns: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    ours = _helps(cli.full_parser())
    monkeypatch.setattr(cli, "_Parser", argparse.ArgumentParser)
    assert ours == _helps(cli.full_parser())
    assert len(ours) > 40  # every command and subcommand was compared
