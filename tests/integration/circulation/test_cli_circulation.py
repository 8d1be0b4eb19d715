"""``tumorboard agenda``, ``letters``, ``send`` and ``attendance`` end to end on the demo database:
the files they write, and exit status 2 with the field named for every bad input."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from circulation_helpers import Demo, free_port, pdf_text

from tumorboard.cli import main
from tumorboard.services.accounts import DEMO_PASSWORD

Cli = Callable[..., tuple[int, str, str]]


def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, d: Demo, *args: str,
        user: str = "demo-chair") -> tuple[int, str, str]:
    monkeypatch.setenv("TUMORBOARD_PASSWORD", DEMO_PASSWORD)
    code = main([*args, "--database", str(d.path), "--user", user])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, demo: Demo) -> Cli:
    def call(*args: str, user: str = "demo-chair") -> tuple[int, str, str]:
        return run(capsys, monkeypatch, demo, *args, user=user)
    return call


def test_the_agenda_letters_attendance_and_eml_files_are_written(cli: Cli, demo: Demo, tmp_path: Path) -> None:
    code, _, err = cli("agenda", str(demo.planned), "-o", str(tmp_path / "agenda.pdf"), "--pseudonymise")
    assert code == 0, err
    assert "Agenda of the multidisciplinary tumour board" in pdf_text((tmp_path / "agenda.pdf").read_bytes())
    code, out, err = cli("letters", str(demo.signed), "-o", str(tmp_path / "letters"))
    assert code == 0, err
    files = sorted((tmp_path / "letters").iterdir())
    assert files and [line.split("\t")[0] for line in out.splitlines()] == [f.name for f in files]
    assert "no referrer or GP recorded" in err  # the demo's cases name none: said, not hidden
    meeting = demo.meetings().get(demo.signed)
    code, _, err = cli("attendance", "--member", meeting.chair or "", "--from", meeting.day.isoformat(),
                       "--to", meeting.day.isoformat(), "-o", str(tmp_path / "cpd.pdf"))
    assert code == 0, err
    assert meeting.day.isoformat() in pdf_text((tmp_path / "cpd.pdf").read_bytes())
    for i, a in enumerate(meeting.attendance):
        code, _, err = cli("send", "address", a.name, f"m{i}@example.org")
        assert code == 0, err
    code, out, err = cli("send", "minutes", str(demo.signed), "--eml-dir", str(tmp_path / "eml"))
    assert code == 0, err
    assert len(list((tmp_path / "eml").glob("*.eml"))) == sum(a.present for a in meeting.attendance)
    code, out, _ = cli("send", "sent", str(demo.signed))
    assert code == 0 and out.count("\tminutes\t") == sum(a.present for a in meeting.attendance)
    code, out, _ = cli("send", "sent", str(demo.signed), "--format", "json")
    sent = json.loads(out)
    assert code == 0 and sorted(m["recipient"] for m in sent) == sorted(
        a.name for a in meeting.attendance if a.present)
    assert {m["via"] for m in sent} == {"eml"} and all(len(m["attachment_sha256"]) == 64 for m in sent)


def test_every_bad_input_exits_2_naming_what_is_wrong(cli: Cli, demo: Demo, tmp_path: Path) -> None:
    pdf = str(tmp_path / "x.pdf")
    cases = [
        (("agenda", "999", "-o", pdf), "meeting: no meeting with id 999"),
        (("agenda", "first", "-o", pdf), "MEETING_ID: 'first' is not a meeting id"),
        (("agenda", str(demo.planned), "-o", str(tmp_path)), "is a folder"),
        (("letters", str(demo.planned), "-o", str(tmp_path / "l")), "writing outcome letters is refused"),
        (("letters", "999", "-o", str(tmp_path / "l")), "meeting: no meeting with id 999"),
        (("send", "minutes", str(demo.signed)), "smtp_host: no SMTP server is configured"),
        (("send", "minutes", str(demo.signed), "--eml-dir", str(tmp_path / "e")), "address: no e-mail address"),
        (("send", "agenda", str(demo.signed), "--eml-dir", str(tmp_path / "e")), "sending the agenda is refused"),
        (("send", "address", "Dr Ana Sánchez", "ana-at-example"), "email: 'ana-at-example' is not an e-mail"),
        (("attendance", "--member", "Dr Nobody", "--from", "2026-01-01", "--to", "2026-12-31", "-o", pdf),
         "member: nobody called 'Dr Nobody'"),
        (("attendance", "--member", "Dr Ana Sánchez", "--from", "2026-02-30", "--to", "2026-12-31", "-o", pdf),
         "--from: '2026-02-30' is not a date"),
    ]
    for args, words in cases:
        code, _, err = cli(*args)
        assert code == 2 and words in err and "Traceback" not in err, (args, err)
    assert (not Path(pdf).exists() and not (tmp_path / "l").exists()) or not any((tmp_path / "l").iterdir())


def test_a_setting_that_does_not_parse_and_an_unreachable_server_exit_2(cli: Cli, demo: Demo) -> None:
    for name, value, words in (("smtp_port", "smtp", "smtp_port: 'smtp' is not a port number"),
                               ("smtp_sender", "mdt", "smtp_sender: 'mdt' is not an e-mail address"),
                               ("smtp_starttls", "perhaps", "smtp_starttls: 'perhaps' is neither true nor false"),
                               ("letterhead_telephone", "call us", "letterhead_telephone: 'call us'")):
        code, _, err = cli("settings", "set", name, value, user="demo-admin")
        assert code == 2 and words in err, err
    port = str(free_port())
    for name, value in (("smtp_sender", "mdt@example.org"), ("smtp_host", "127.0.0.1"), ("smtp_port", port)):
        code, _, err = cli("settings", "set", name, value, user="demo-admin")
        assert code == 0, err
    for i, a in enumerate(demo.meetings().get(demo.signed).attendance):
        cli("send", "address", a.name, f"m{i}@example.org")
    code, _, err = cli("send", "minutes", str(demo.signed))
    assert code == 2 and f"smtp_host: cannot reach 127.0.0.1:{port}" in err and "nothing was sent" in err
    code, out, _ = cli("send", "sent", str(demo.signed))
    assert code == 0 and out == ""
