"""The headless commands end to end: exit codes, messages on standard error, nothing half-written."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tumorboard.cli import main

ROOT = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def dbfile(tmp_path: Path) -> str:
    return str(tmp_path / "cli.sqlite3")


def test_import_export_round_trip_through_files(capsys: pytest.CaptureFixture[str], dbfile: str,
                                                tmp_path: Path, example_files: list[Path]) -> None:
    code, out, err = run(capsys, "import", *map(str, example_files), "--database", dbfile)
    assert code == 0, err
    assert out.count("created:") == len(example_files)
    target = tmp_path / "v01.json"
    code, out, err = run(capsys, "export", "SYN-V01", "-o", str(target), "--database", dbfile)
    assert code == 0, err
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    exported = json.loads(target.read_text())
    code, _, err = run(capsys, "import", str(target), "--update", "--database", dbfile)
    assert code == 0, err
    code, out, _ = run(capsys, "export", "SYN-V01", "--database", dbfile)
    assert json.loads(out) == exported


@pytest.mark.parametrize(("content", "expected"), [
    ("", "bad.json: /: the file is empty"),
    ("[1, 2", "bad.json: /: not valid JSON"),
    ('{"format": "tumorboard.case/1", "patient": {}, "tumour": {}, "metastatic": {"lesions": []}}',
     "bad.json: /patient: 'mrn' is a required property"),
])
def test_import_refusals_exit_2_naming_file_and_path(capsys: pytest.CaptureFixture[str], dbfile: str,
                                                     tmp_path: Path, content: str, expected: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    code, out, err = run(capsys, "import", str(bad), "--database", dbfile)
    assert code == 2
    assert expected in err
    assert "Traceback" not in err
    code, out, _ = run(capsys, "export", "anything", "--database", dbfile)
    assert code == 2 and out == ""


def test_schema_violation_message_is_the_contracts(capsys: pytest.CaptureFixture[str], dbfile: str,
                                                   tmp_path: Path, example_files: list[Path]) -> None:
    doc = json.loads(example_files[0].read_text())
    doc["tumour"]["er_percent"] = 140
    bad = tmp_path / "er.json"
    bad.write_text(json.dumps(doc))
    code, _, err = run(capsys, "import", str(bad), "--database", dbfile)
    assert code == 2
    assert f"error: {bad}: /tumour/er_percent: 140 is greater than the maximum of 100" in err


def test_export_of_unknown_mrn_names_it(capsys: pytest.CaptureFixture[str], dbfile: str) -> None:
    assert run(capsys, "db", "upgrade", "--database", dbfile)[0] == 0  # export never creates it
    code, out, err = run(capsys, "export", "NOPE-1", "--database", dbfile)
    assert code == 2 and out == ""
    assert "NOPE-1" in err


def test_db_commands(capsys: pytest.CaptureFixture[str], dbfile: str, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "db", "upgrade", "--database", dbfile)
    from tumorboard.store.schema import REVISION_APP_VERSION

    assert code == 0 and f"schema {max(REVISION_APP_VERSION)}" in out
    code, out, _ = run(capsys, "db", "current", "--database", dbfile)
    assert code == 0 and "up to date" in out
    code, out, _ = run(capsys, "db", "backup", str(tmp_path / "b.sqlite3"), "--database", dbfile)
    assert code == 0 and (tmp_path / "b.sqlite3").exists()


def test_newer_database_refused_by_every_command(capsys: pytest.CaptureFixture[str], dbfile: str) -> None:
    import sqlite3

    from tumorboard.store.schema import REVISION_APP_VERSION, head_revision

    run(capsys, "db", "upgrade", "--database", dbfile)
    con = sqlite3.connect(dbfile)
    con.execute("UPDATE alembic_version SET version_num = 'ffff'")
    con.commit()
    con.close()
    for args in (("db", "upgrade"), ("db", "current"), ("export", "X")):
        code, _, err = run(capsys, *args, "--database", dbfile)
        assert code == 2
        # The database names the app version that introduced its schema (revision 0006: 0.3.0).
        needed = REVISION_APP_VERSION[head_revision()]
        assert "newer tumorboard" in err and f"needs tumorboard {needed} or newer" in err


def test_demo_refuses_to_replace_a_real_database(capsys: pytest.CaptureFixture[str], dbfile: str,
                                                 example_files: list[Path]) -> None:
    run(capsys, "import", str(example_files[0]), "--database", dbfile)
    code, _, err = run(capsys, "demo", "--database", dbfile)
    assert code == 2 and "non-demo" in err
    code, _, _ = run(capsys, "export", "SYN-V01", "--database", dbfile)
    assert code == 0


def test_demo_creates_thirty_cases(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from tumorboard.services.accounts import DEMO_PASSWORD, DEMO_USERNAME

    target = str(tmp_path / "demo.sqlite3")
    code, out, _ = run(capsys, "demo", "--database", target)
    assert code == 0 and "demo database ready" in out
    # The demo database has accounts: patient data leaves it for a signed-in clinical role only.
    code, out, err = run(capsys, "export", "DEMO-0030", "--database", target)
    assert code == 3 and out == "" and err.startswith("error: --user: this database has user accounts")
    monkeypatch.setenv("TUMORBOARD_PASSWORD", DEMO_PASSWORD)
    code, out, _ = run(capsys, "export", "DEMO-0030", "--database", target, "--user", DEMO_USERNAME)
    assert code == 0 and json.loads(out)["case"]["patient"]["name"].endswith("Demo")


def test_environment_variable_selects_the_database(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "env.sqlite3"
    monkeypatch.setenv("TUMORBOARD_DATABASE_URL", f"sqlite:///{target}")
    code, _, _ = run(capsys, "db", "upgrade")
    assert code == 0 and target.exists()


def test_console_script_runs_as_a_module_without_traceback(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "tumorboard", "export", "X", "--database",
                           str(tmp_path / "nothing" / "deeper" / "x.sqlite3")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and proc.stderr.startswith("error:")


@pytest.mark.parametrize(("url", "expected"), [
    ("nosuchdb://somewhere/x", "not a database URL"),
])
def test_unusable_database_urls_are_refused_with_a_message(capsys: pytest.CaptureFixture[str],
                                                           url: str, expected: str) -> None:
    code, out, err = run(capsys, "db", "current", "--database", url)
    assert code == 2 and out == ""
    assert expected in err and "Traceback" not in err


def test_postgresql_without_its_driver_names_the_extra(capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_psycopg(name: str, *args: object, **kwargs: object) -> object:
        if name.split(".")[0] == "psycopg":
            raise ModuleNotFoundError("No module named 'psycopg'", name="psycopg")
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_psycopg)
    code, _, err = run(capsys, "db", "current", "--database", "postgresql://user@localhost/tb")
    assert code == 2
    assert "tumorboard[postgresql]" in err and "Traceback" not in err


def test_an_unexpected_error_is_one_line_not_a_traceback(capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch, dbfile: str) -> None:
    from tumorboard.services import cases

    def broken(*_args: object, **_kwargs: object) -> None:
        raise ZeroDivisionError("simulated bug")

    assert run(capsys, "db", "upgrade", "--database", dbfile)[0] == 0  # export never creates it
    monkeypatch.setattr(cases.CaseService, "export_document", broken)
    monkeypatch.delenv("TUMORBOARD_DEBUG", raising=False)
    code, out, err = run(capsys, "export", "X", "--database", dbfile)
    assert code == 1 and out == ""
    assert err.startswith("error: internal error (ZeroDivisionError): simulated bug")
    assert "Traceback" not in err
    monkeypatch.setenv("TUMORBOARD_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        main(["export", "X", "--database", dbfile])


def test_export_with_history_includes_the_audit_trail_and_still_imports(
        capsys: pytest.CaptureFixture[str], dbfile: str, tmp_path: Path, example_files: list[Path]) -> None:
    run(capsys, "import", str(example_files[0]), "--database", dbfile)
    code, _, err = run(capsys, "import", str(example_files[0]), "--update", "--database", dbfile)
    target = tmp_path / "with-history.json"
    code, _, err = run(capsys, "export", "SYN-V01", "--with-history", "-o", str(target), "--database", dbfile)
    assert code == 0, err
    exported = json.loads(target.read_text())
    assert exported["format"] == "tumorboard.case-export/1"
    assert exported["case"]["patient"]["mrn"] == "SYN-V01"
    assert exported["history"][0]["action"] == "import"
    assert all({"at", "actor", "action", "field", "old", "new"} <= set(h) for h in exported["history"])
    other = str(tmp_path / "other.sqlite3")
    code, out, err = run(capsys, "import", str(target), "--database", other)
    assert code == 0 and "created: SYN-V01" in out, err
    exported["case"]["tumour"]["er_percent"] = 140
    target.write_text(json.dumps(exported))
    code, _, err = run(capsys, "import", str(target), "--update", "--database", other)
    assert code == 2 and "/case/tumour/er_percent" in err
