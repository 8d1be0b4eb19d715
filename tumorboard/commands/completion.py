"""``tumorboard completion bash|zsh``: a shell completion script, made by shtab from the same
argparse parser the commands use (so it never falls behind them).

bash: ``tumorboard completion bash > ~/.local/share/bash-completion/completions/tumorboard``
zsh: ``tumorboard completion zsh > "${fpath[1]}/_tumorboard"`` (a folder on $fpath), then
``compinit``.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from tumorboard.cli import EXIT_OK

SHELLS = ("bash", "zsh")


def register(sub: Any) -> None:
    p = sub.add_parser("completion", help="print a shell completion script (bash or zsh)",
                       description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("shell", choices=SHELLS)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import shtab

    from tumorboard.cli import full_parser

    sys.stdout.write(shtab.complete(full_parser(), shell=args.shell))
    return EXIT_OK
