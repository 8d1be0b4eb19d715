"""Downgrades never drop clinical data: a migration's ``downgrade`` that would drop tables or
columns holding it first counts their rows and refuses (the backup taken before the upgrade is
the way back, ``tumorboard db restore``)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection


class DowngradeRefused(RuntimeError):
    """This downgrade would drop data; nothing was changed."""


def refuse_if_rows(bind: Connection, below: str, tables: Iterable[str]) -> None:
    present = set(inspect(bind).get_table_names())
    holding = []
    for table in tables:
        if table in present:
            count = int(bind.execute(text(f"SELECT count(*) FROM {table}")).scalar() or 0)
            if count:
                holding.append(f"{count} row(s) in {table}")
    if holding:
        raise DowngradeRefused(
            f"refused: downgrading below {below} would drop {', '.join(holding)}; nothing was changed. "
            "To go back to an older tumorboard, restore the backup taken before the upgrade "
            "(tumorboard db restore BACKUP) instead")
