"""The letterhead and SMTP settings: kept with the department's settings, each change audited,
refused whole and by field when one does not parse; the SMTP password never in the database."""

from __future__ import annotations

import pytest
from circulation_helpers import Demo
from hypothesis import given
from hypothesis import strategies as st

from tumorboard.domain.users import AccessDenied
from tumorboard.services.circulation_settings import (
    PASSWORD_ENV,
    TEXT_SETTINGS,
    CirculationSettingsService,
    Letterhead,
    MailSettings,
    SettingProblems,
    parse_setting,
    smtp_password,
)
from tumorboard.store import ConcurrentEdit


def test_the_settings_are_saved_audited_and_versioned_with_the_others(demo: Demo) -> None:
    service = CirculationSettingsService(demo.db, user=demo.admin)
    seen = service.version()
    service.save(Letterhead("Breast Centre", "1 Road\nTown", "+1 555 0100"),
                 MailSettings("smtp.example.org", 25, False, "mdt@example.org", False), expected_version=seen)
    assert service.letterhead() == Letterhead("Breast Centre", "1 Road\nTown", "+1 555 0100")
    assert service.mail() == MailSettings("smtp.example.org", 25, False, "mdt@example.org", False)
    with demo.db.reading() as uow:
        audit = {e.field: (e.old, e.new, e.actor) for e in uow.audit_log.history("department", "settings")}
    assert audit["smtp_port"] == (None, 25, demo.admin.username)  # never stored before: the default
    assert audit["smtp_starttls"][1] is False and audit["letterhead_department"][1] == "Breast Centre"
    with pytest.raises(ConcurrentEdit, match="the department settings were changed"):
        service.save(Letterhead("Other"), expected_version=seen)
    assert service.letterhead().department == "Breast Centre"


def test_only_an_administrator_changes_them(demo: Demo) -> None:
    with pytest.raises(AccessDenied):
        CirculationSettingsService(demo.db, user=demo.chair).save(Letterhead("Mine"))


def test_a_bad_setting_is_refused_by_field_and_nothing_is_saved(demo: Demo) -> None:
    service = CirculationSettingsService(demo.db, user=demo.admin)
    with pytest.raises(SettingProblems) as refused:
        service.save(Letterhead("x" * 201, telephone="ring me"), MailSettings("bad host!", 0, True, "a@b"))
    assert set(refused.value.problems) == {"letterhead_department", "letterhead_telephone", "smtp_host",
                                           "smtp_port", "smtp_sender"}
    assert service.letterhead() == Letterhead() and service.mail() == MailSettings()
    with pytest.raises(SettingProblems, match=r"^smtp_starttls: 'maybe' is neither true nor false"):
        service.set_one("smtp_starttls", "maybe")


@given(st.text(max_size=8))
def test_a_port_is_a_whole_number_from_1_to_65535_or_refused_naming_it(text: str) -> None:
    try:
        port = parse_setting("smtp_port", text)
    except SettingProblems as exc:
        assert set(exc.problems) == {"smtp_port"}
        assert not (text.strip().isascii() and text.strip().isdigit())
        return
    problems = MailSettings(port=port).problems()
    assert ("smtp_port" in problems) == (not 1 <= port <= 65535)


def test_every_setting_name_reads_back_what_was_stored(demo: Demo) -> None:
    service = CirculationSettingsService(demo.db, user=demo.admin)
    service.set_one("letterhead_address", "1 Road\\nTown")
    assert service.letterhead().address == "1 Road\nTown"
    assert service.stored_text()["letterhead_address"] == "1 Road\\nTown"
    assert set(service.stored_text()) == set(TEXT_SETTINGS)


def test_the_smtp_password_comes_from_the_environment_never_the_database(
        demo: Demo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "s3cret-from-env")
    assert smtp_password("mdt@example.org") == "s3cret-from-env"
    CirculationSettingsService(demo.db, user=demo.admin).save(mail=MailSettings("smtp.example.org",
                                                                              sender="mdt@example.org"))
    assert b"s3cret-from-env" not in demo.path.read_bytes()
    assert not any("password" in name for name in TEXT_SETTINGS)
