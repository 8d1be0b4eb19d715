"""Revision 0013 goes back to 0012 only while it holds nothing: a sent message, an address or a
review request would be lost, and the downgrade is refused with nothing changed."""

from __future__ import annotations

import pytest
from alembic import command
from circulation_helpers import Demo
from sqlalchemy import text

from tumorboard.services.mailing import MailingService
from tumorboard.store.schema import alembic_config


def _downgrade(d: Demo, target: str) -> None:
    cfg = alembic_config(d.db.url)
    with d.db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, target)


def _revision(d: Demo) -> str:
    with d.db.engine.connect() as conn:
        return str(conn.execute(text("SELECT version_num FROM alembic_version")).scalar())


def test_a_recorded_address_or_review_request_refuses_the_downgrade(demo: Demo) -> None:
    MailingService(demo.db, user=demo.chair).set_address("Dr Ana Sánchez", "ana@example.org")
    head = _revision(demo)  # 0013 or a later revision: a refused downgrade leaves it where it was
    with pytest.raises(RuntimeError, match="refused: downgrading below 0013 would drop 1 row"):
        _downgrade(demo, "0012")
    assert _revision(demo) == head >= "0013"
    with demo.db.engine.begin() as conn:
        conn.execute(text("DELETE FROM member_addresses"))
    item = demo.meetings().get(demo.planned).agenda[0]
    demo.meetings().update_agenda_item(demo.planned, item.mrn, question=item.question,
                                       presenter=item.presenter, pathology_review=True)
    with pytest.raises(RuntimeError, match=r"agenda_items\.pathology_review_requested is recorded"):
        _downgrade(demo, "0012")
    assert _revision(demo) == head


def test_an_empty_0013_goes_back_to_0012(demo: Demo) -> None:
    _downgrade(demo, "0012")
    assert _revision(demo) == "0012"
    with demo.db.engine.connect() as conn:
        tables = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))}
        columns = {r[1] for r in conn.execute(text("PRAGMA table_info(agenda_items)"))}
        triggers = {r[0] for r in conn.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'agenda_items'"))}
    assert not {"member_addresses", "sent_messages"} & tables
    assert "imaging_review_requested" not in columns and triggers  # the guards survive the DROP COLUMN
