"""Subcommands of the ``tumorboard`` command, one module each (see ``tumorboard.cli``)."""
