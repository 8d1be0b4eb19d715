"""`tumorboard recommend` on the command line, as the recommend-v1 contract fixes it.

(Named test_recommend_cli.py, not test_cli.py: tests/integration/test_cli.py exists and the test
directories are not packages, so two test_cli modules would collide.)

Contract: "Success: exit 0, one JSON document on standard output, nothing else on it." "Several files
... standard output holds one JSON document per line (JSON Lines), in the order given. If any file is
invalid, exit 2 and print nothing on standard output; the errors name the file as well as the JSON
path." "Invalid input (not JSON, schema violation, impossible date such as 2025-02-30, end before start,
target_mm length differing from the baseline targets, lesions without metastatic.diagnosis_date): exit 2,
nothing on standard output, and on standard error one line per problem naming the JSON path, e.g.
`error: /tumour/er_percent: 140 is greater than the maximum of 100`." "The command does not import the
GUI toolkit; it answers a single case in well under a second."
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from command_line import run_in_process
from rec_casekit import (
    DELETE,
    SELECTED_AS_OF,
    assessment,
    bone,
    evaluate,
    make_case,
    output_problems,
    recist_block,
    selected_case,
    systemic,
)

ROOT = Path(__file__).resolve().parents[3]


def tb_process(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """A real ``python -m tumorboard`` process: kept for the entry point, standard input through a
    pipe, an exit code of a process, and the time a user waits."""
    return subprocess.run([sys.executable, "-m", "tumorboard", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=60)


def tb(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """The same command in this process (tests/command_line.py): what it answers, faster."""
    return run_in_process(*args, stdin=stdin)


def write(tmp_path: Path, name: str, doc: Any) -> Path:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return path


def assert_refused(proc: subprocess.CompletedProcess[str]) -> list[str]:
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert lines, "no error on standard error"
    assert all(line.startswith("error: ") for line in lines), lines
    return lines


# ---------------------------------------------------------------- success

def test_single_file_is_one_json_document(tmp_path: Path) -> None:
    path = write(tmp_path, "sel.json", selected_case())
    proc = tb_process("recommend", str(path), "--as-of", SELECTED_AS_OF)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert output_problems(out) == []
    assert out == evaluate(selected_case(), SELECTED_AS_OF)


def test_batch_is_json_lines_in_the_order_given(tmp_path: Path) -> None:
    docs = [
        selected_case(),
        make_case(metastatic={"diagnosis_date": "2025-01-10", "lesions": [bone()] * 3}),
        make_case(tumour={"m": "M0", "t": "T1c", "n": "N0"}),
        selected_case(tumour={"her2_ihc": "3+"}),
    ]
    paths = [write(tmp_path, f"case{i}.json", doc) for i, doc in enumerate(docs)]
    order = [2, 0, 3, 1, 0]
    proc = tb("recommend", *(str(paths[i]) for i in order), "--as-of", SELECTED_AS_OF)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == len(order)
    got = [json.loads(line) for line in lines]
    assert got == [evaluate(docs[i], SELECTED_AS_OF) for i in order]


def test_stdin_dash(tmp_path: Path) -> None:
    proc = tb_process("recommend", "-", "--as-of", SELECTED_AS_OF, stdin=json.dumps(selected_case()))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == evaluate(selected_case(), SELECTED_AS_OF)


def test_stdin_dash_in_a_batch(tmp_path: Path) -> None:
    other = make_case(tumour={"m": "M0", "t": "T3", "n": "N0"})
    path = write(tmp_path, "other.json", other)
    proc = tb("recommend", str(path), "-", "--as-of", SELECTED_AS_OF, stdin=json.dumps(selected_case()))
    assert proc.returncode == 0, proc.stderr
    assert [json.loads(line) for line in proc.stdout.splitlines()] == [
        evaluate(other, SELECTED_AS_OF), evaluate(selected_case(), SELECTED_AS_OF)]


def test_as_of_defaults_to_today(tmp_path: Path) -> None:
    path = write(tmp_path, "sel.json", selected_case())
    before = date.today().isoformat()
    proc = tb("recommend", str(path))
    after = date.today().isoformat()
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["as_of"] in {before, after}


def test_as_of_changes_the_evidence(tmp_path: Path) -> None:
    path = write(tmp_path, "sel.json", selected_case())
    early = json.loads(tb("recommend", str(path), "--as-of", "2025-05-01").stdout)
    assert early["as_of"] == "2025-05-01"
    assert early["recist"]["latest"] is None       # the 2025-06-02 assessment is not evidence yet
    assert early["response_window"]["status"] == "before_window"


def test_answers_a_single_case_in_well_under_a_second(tmp_path: Path) -> None:
    path = write(tmp_path, "sel.json", selected_case())
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        proc = tb_process("recommend", str(path), "--as-of", SELECTED_AS_OF)
        best = min(best, time.perf_counter() - started)
        assert proc.returncode == 0
    assert best < 1.0, f"{best:.2f} s"


# ---------------------------------------------------------------- refusals

def bad_docs() -> dict[str, tuple[Any, str | None]]:
    """name -> (file content, JSON path the error line must name, or None for whole-file problems)."""
    return {
        "not JSON": ('{"format": "tumorboard.case/1", ', None),
        "empty file": ("", None),
        "JSON but not an object": ("[1, 2, 3]", None),
        "impossible date": (make_case(tumour={"diagnosis_date": "2025-02-30"}), "/tumour/diagnosis_date"),
        "impossible birth date": (make_case(patient={"birth_date": "2023-13-01"}), "/patient/birth_date"),
        "end before start": (make_case(therapies=[systemic("2025-03-01", "2025-02-28")]), "/therapies/0"),
        "target_mm too short": (make_case(recist=recist_block(
            "2025-01-27", [32, 18], [assessment("2025-04-01", [20])])), "/recist/assessments/0/target_mm"),
        "target_mm too long": (make_case(recist=recist_block(
            "2025-01-27", [32], [assessment("2025-04-01", [20]), assessment("2025-05-01", [20, 5])])),
            "/recist/assessments/1/target_mm"),
        "lesions without diagnosis_date": (make_case(metastatic={"lesions": [bone()], "diagnosis_date": DELETE}),
                                           "/metastatic"),
        "missing required key": (make_case(tumour={"t": DELETE}), "/tumour"),
        "unknown key": (make_case(patient={"nickname": "x"}), "/patient"),
        "wrong format": (make_case(format="tumorboard.case/2"), "/format"),
    }


@pytest.mark.parametrize("name", list(bad_docs()))
def test_invalid_input_exit_2_nothing_on_stdout_errors_name_file_and_path(tmp_path: Path, name: str) -> None:
    content, pointer = bad_docs()[name]
    path = write(tmp_path, "bad-case.json", content)
    lines = assert_refused(tb("recommend", str(path), "--as-of", SELECTED_AS_OF))
    assert all("bad-case.json" in line for line in lines), lines
    if pointer is not None:
        assert any(pointer in line for line in lines), lines


def test_the_contract_example_message(tmp_path: Path) -> None:
    path = write(tmp_path, "er.json", make_case(tumour={"er_percent": 140}))
    lines = assert_refused(tb_process("recommend", str(path), "--as-of", SELECTED_AS_OF))
    assert len(lines) == 1, lines
    assert "er.json" in lines[0]
    assert lines[0].endswith("/tumour/er_percent: 140 is greater than the maximum of 100"), lines


def test_one_line_per_problem(tmp_path: Path) -> None:
    doc = make_case(tumour={"er_percent": 140, "pr_percent": -1, "diagnosis_date": "2025-02-30"})
    path = write(tmp_path, "many.json", doc)
    lines = assert_refused(tb("recommend", str(path), "--as-of", SELECTED_AS_OF))
    for pointer in ("/tumour/er_percent", "/tumour/pr_percent", "/tumour/diagnosis_date"):
        assert sum(pointer in line for line in lines) == 1, lines


def test_invalid_stdin_is_refused() -> None:
    assert_refused(tb("recommend", "-", "--as-of", SELECTED_AS_OF, stdin="{not json"))
    lines = assert_refused(tb("recommend", "-", "--as-of", SELECTED_AS_OF,
                              stdin=json.dumps(make_case(tumour={"er_percent": 140}))))
    assert any("/tumour/er_percent" in line for line in lines)


def test_one_bad_file_in_a_batch_prints_nothing_on_stdout(tmp_path: Path) -> None:
    good1 = write(tmp_path, "good1.json", selected_case())
    bad = write(tmp_path, "bad-one.json", make_case(tumour={"er_percent": 140}))
    good2 = write(tmp_path, "good2.json", make_case())
    lines = assert_refused(tb("recommend", str(good1), str(bad), str(good2), "--as-of", SELECTED_AS_OF))
    assert all("bad-one.json" in line for line in lines), lines
    assert any("/tumour/er_percent" in line for line in lines)


def test_several_bad_files_are_each_named(tmp_path: Path) -> None:
    first = write(tmp_path, "first-bad.json", make_case(tumour={"er_percent": 140}))
    second = write(tmp_path, "second-bad.json", make_case(therapies=[systemic("2025-03-01", "2025-02-01")]))
    lines = assert_refused(tb("recommend", str(first), str(second), "--as-of", SELECTED_AS_OF))
    assert any("first-bad.json" in line and "/tumour/er_percent" in line for line in lines), lines
    assert any("second-bad.json" in line and "/therapies/0" in line for line in lines), lines


@pytest.mark.parametrize("as_of", ["2025-02-30", "2025-13-01", "yesterday", "10/06/2025", ""])
def test_bad_as_of_is_refused(tmp_path: Path, as_of: str) -> None:
    path = write(tmp_path, "sel.json", selected_case())
    proc = tb("recommend", str(path), "--as-of", as_of)
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip()


# ---------------------------------------------------------------- no GUI toolkit

def test_recommend_never_imports_pyside6(tmp_path: Path) -> None:
    path = write(tmp_path, "sel.json", selected_case())
    code = (
        "import contextlib, io, sys\n"
        "from tumorboard.cli import main\n"
        "buf = io.StringIO()\n"
        "with contextlib.redirect_stdout(buf):\n"
        "    try:\n"
        f"        rc = main(['recommend', {str(path)!r}, '--as-of', '{SELECTED_AS_OF}'])\n"
        "    except SystemExit as exc:\n"
        "        rc = exc.code\n"
        "assert rc in (0, None), rc\n"
        "assert buf.getvalue().strip().startswith('{'), buf.getvalue()[:200]\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "print('LOADED', loaded)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "LOADED []" in proc.stdout, proc.stdout


def test_recommend_import_time_shows_no_pyside6(tmp_path: Path) -> None:
    path = write(tmp_path, "sel.json", selected_case())
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "tumorboard", "recommend", str(path),
                           "--as-of", SELECTED_AS_OF], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "PySide6" not in proc.stderr
    assert "shiboken6" not in proc.stderr
