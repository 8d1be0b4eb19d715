"""`tumorboard recommend` as the recommend-v1 contract fixes it, driven as other tools drive it."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tumorboard.casedoc import load_case_document
from tumorboard.recommend import output_schema, recommend_document

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT.parent / "shared" / "examples"
CHECKER = ROOT.parent / "shared" / "tools" / "check_examples.py"
needs_examples = pytest.mark.skipif(not EXAMPLES.is_dir(), reason="worked examples not beside the project")
CONTRACT_CODES = {
    "CHEMO_FIRST_LINE_HR_POSITIVE", "NO_MDT_DISCUSSION", "METASTASIS_NOT_BIOPSIED", "NO_PET_STAGING",
    "BMA_NOT_STARTED", "DENTAL_EVALUATION_PENDING", "ORTHOPAEDIC_EVALUATION", "ASSESSMENT_TOO_EARLY",
    "RESPONSE_ASSESSMENT_OVERDUE", "LATE_ASSESSMENT", "PROGRESSIVE_DISEASE", "NON_MEASURABLE_DISEASE",
    "PALLIATIVE_SURGERY_NOT_FEASIBLE", "VISCERAL_CRISIS", "NOT_OLIGOMETASTATIC", "OS_BENEFIT_UNPROVEN"}


def tb(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tumorboard", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=120)


def dig(doc: Any, path: str) -> Any:
    head, _, rest = path.partition("[].")
    for key in head.split("."):
        doc = doc[key]
    return [item.get(rest) for item in doc] if rest else doc


def expectations() -> list[Path]:
    return sorted(EXAMPLES.glob("*.expected.json")) if EXAMPLES.is_dir() else []


@needs_examples
@pytest.mark.parametrize("expected_file", expectations(), ids=lambda p: p.name.split(".")[0])
def test_worked_examples_in_process(expected_file: Path) -> None:
    spec = json.loads(expected_file.read_text())
    case = expected_file.with_name(expected_file.name.replace(".expected", ".case"))
    out = recommend_document(load_case_document(case.read_bytes()), date.fromisoformat(spec["as_of"]))
    assert list(Draft202012Validator(output_schema()).iter_errors(out)) == []
    for path, want in spec["expected"].items():
        if path.startswith("warnings"):
            assert sorted({w["code"] for w in out["warnings"]} & CONTRACT_CODES) == sorted(want)
        elif path == "response_window":
            assert {k: out["response_window"][k] for k in want} == want
        else:
            assert dig(out, path) == want, path


@needs_examples
def test_worked_examples_through_the_shared_checker() -> None:
    exe = Path(sys.executable).with_name("tumorboard")
    if not exe.exists():
        pytest.skip("the console script is not installed in this environment")
    proc = subprocess.run([sys.executable, str(CHECKER), str(exe)], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout
    assert "5/5 match" in proc.stdout or "match" in proc.stdout


@needs_examples
def test_batch_is_json_lines_in_the_order_given() -> None:
    files = [EXAMPLES / "v22.case.json", EXAMPLES / "v01.case.json"]
    proc = tb("recommend", *map(str, files), "--as-of", "2025-06-10")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().split("\n")
    assert len(lines) == 2
    assert [json.loads(line)["patient"]["age_at_metastatic_diagnosis"] for line in lines] == [59, 48]


@needs_examples
def test_standard_input_and_default_as_of_today() -> None:
    proc = tb("recommend", "-", stdin=(EXAMPLES / "v01.case.json").read_text())
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["as_of"] == date.today().isoformat()


def _bad_variants() -> list[tuple[str, str, str]]:
    if not EXAMPLES.is_dir():
        return []
    base = json.loads((EXAMPLES / "v01.case.json").read_text())

    def variant(mutate: Any) -> str:
        doc = json.loads(json.dumps(base))
        mutate(doc)
        return json.dumps(doc)

    return [
        ("not-json", "{ this is not json", "/: not valid JSON"),
        ("empty", "", "/: the file is empty"),
        ("er140", variant(lambda d: d["tumour"].update(er_percent=140)),
         "/tumour/er_percent: 140 is greater than the maximum of 100"),
        ("feb30", variant(lambda d: d["tumour"].update(diagnosis_date="2025-02-30")),
         "/tumour/diagnosis_date: 2025-02-30 is not a valid calendar date"),
        ("end-before-start", variant(lambda d: d["therapies"][0].update(end="2025-01-01")),
         "/therapies/0/end: 2025-01-01 is before the start date 2025-02-03"),
        ("targets", variant(lambda d: d["recist"]["assessments"][0].update(target_mm=[20])),
         "/recist/assessments/0/target_mm: has 1 value but the baseline has 2 targets"),
        ("no-met-date", variant(lambda d: d["metastatic"].pop("diagnosis_date")),
         "/metastatic/diagnosis_date: is required when metastatic lesions are listed"),
    ]


@needs_examples
@pytest.mark.parametrize(("name", "content", "message"), _bad_variants(), ids=lambda v: str(v)[:12])
def test_invalid_input_exit_2_nothing_on_stdout_path_on_stderr(tmp_path: Path, name: str, content: str,
                                                              message: str) -> None:
    bad = tmp_path / f"{name}.json"
    bad.write_text(content)
    good = EXAMPLES / "v01.case.json"
    proc = tb("recommend", str(good), str(bad), "--as-of", "2025-06-10")
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().split("\n")
    assert any(line.startswith("error: ") and str(bad) in line and message in line for line in lines), lines
    assert "Traceback" not in proc.stderr


def test_bad_as_of_is_refused() -> None:
    proc = tb("recommend", "-", "--as-of", "2025-13-01", stdin="{}")
    assert proc.returncode == 2 and proc.stdout == ""
    assert "--as-of" in proc.stderr


def test_recommend_never_loads_the_gui_toolkit(tmp_path: Path) -> None:
    if not EXAMPLES.is_dir():
        pytest.skip("worked examples not beside the project")
    code = ("import sys, tumorboard.cli as c\n"
            f"rc = c.main(['recommend', {str(EXAMPLES / 'v01.case.json')!r}, '--as-of', '2025-06-10'])\n"
            "assert rc == 0, rc\n"
            "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
            "assert not loaded, loaded\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
