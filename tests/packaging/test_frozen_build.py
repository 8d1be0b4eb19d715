"""The PyInstaller folder answers like the installed app, on a machine without the project's
virtual environment: ``packaging/build.sh`` builds it (about a minute), then every command here
runs it with a clean environment, from a folder away from the source tree.

``TUMORBOARD_FROZEN_DIR=packaging/dist/tumorboard-<version>`` reuses a folder built before.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tumorboard import __version__

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
EXAMPLES = SHARED / "examples"
MIGRATIONS = ROOT / "tumorboard" / "store" / "migrations" / "versions"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
BUILD_TIMEOUT = 1200
RUN_TIMEOUT = 120


@pytest.fixture(scope="module")
def frozen_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    given = os.environ.get("TUMORBOARD_FROZEN_DIR")
    if given:
        folder = Path(given).resolve()
        assert (folder / "tumorboard").is_file(), f"TUMORBOARD_FROZEN_DIR has no tumorboard executable: {folder}"
        return folder
    scratch = tmp_path_factory.mktemp("frozen")
    proc = subprocess.run(
        ["bash", str(ROOT / "packaging" / "build.sh"), "--dist", str(scratch / "dist"),
         "--work", str(scratch / "work")],
        cwd=scratch, env=_without_dev_venv(dict(os.environ)), capture_output=True, text=True,
        timeout=BUILD_TIMEOUT, check=False)
    assert proc.returncode == 0, f"build failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    folder = scratch / "dist" / f"tumorboard-{__version__}"
    assert (folder / "tumorboard").is_file(), proc.stdout[-2000:]
    return folder


def _without_dev_venv(env: dict[str, str]) -> dict[str, str]:
    """The caller's environment less this virtual environment and anything that steers Python."""
    venv_bin = str(Path(sys.prefix) / "bin")
    for name in list(env):
        if name == "VIRTUAL_ENV" or name.startswith(("PYTHON", "TUMORBOARD_")):
            del env[name]
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if p and Path(p).resolve() != Path(venv_bin).resolve())
    return env


@pytest.fixture
def clean_env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    env = _without_dev_venv(dict(os.environ))
    env.pop("QT_QPA_PLATFORM", None)
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"), XDG_CONFIG_HOME=str(home / "config"),
               XDG_CACHE_HOME=str(home / "cache"), XDG_STATE_HOME=str(home / "state"))
    home.mkdir()
    return env


def _run(folder: Path, env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(folder / "tumorboard"), *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=RUN_TIMEOUT, check=False)


def test_version_agrees_with_the_package(frozen_dir: Path, clean_env: dict[str, str], tmp_path: Path) -> None:
    proc = _run(frozen_dir, clean_env, tmp_path, "--version")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"tumorboard {__version__}"
    assert frozen_dir.name == f"tumorboard-{__version__}"
    assert (frozen_dir / "VERSION").read_text(encoding="utf-8").strip() == __version__


def test_folder_carries_licence_desktop_entry_icons_and_migrations(frozen_dir: Path) -> None:
    for name in ("LICENSE", "tumorboard.desktop", "install.sh", "icons/tumorboard.svg"):
        assert (frozen_dir / name).is_file(), name
    for size in ICON_SIZES:
        assert (frozen_dir / "icons" / "png" / f"tumorboard-{size}.png").is_file(), size
    bundle = frozen_dir / "_internal" / "tumorboard"
    assert (bundle / "_resources" / "guidelines" / "ombc.yaml").is_file()
    assert (bundle / "_resources" / "icons" / "png" / "tumorboard-256.png").is_file()
    assert (bundle / "store" / "migrations" / "env.py").is_file()
    shipped = {p.name for p in (bundle / "store" / "migrations" / "versions").glob("*.py")}
    assert shipped == {p.name for p in MIGRATIONS.glob("*.py")}


def test_help_answers_offscreen(frozen_dir: Path, clean_env: dict[str, str], tmp_path: Path) -> None:
    proc = _run(frozen_dir, {**clean_env, "QT_QPA_PLATFORM": "offscreen"}, tmp_path, "--help")
    assert proc.returncode == 0, proc.stderr
    assert "recommend" in proc.stdout


def test_recommend_answers_the_contract(frozen_dir: Path, clean_env: dict[str, str], tmp_path: Path) -> None:
    case = EXAMPLES / "v01.case.json"
    if not case.is_file():
        pytest.skip(f"the shared examples are not beside this checkout ({EXAMPLES})")
    proc = _run(frozen_dir, clean_env, tmp_path, "recommend", str(case), "--as-of", "2025-06-10")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["primary_tumour"]["verdict"] == "consider_selected"


def test_every_worked_example_matches(frozen_dir: Path, clean_env: dict[str, str], tmp_path: Path) -> None:
    checker = SHARED / "tools" / "check_examples.py"
    if not checker.is_file():
        pytest.skip(f"the shared example checker is not beside this checkout ({checker})")
    proc = subprocess.run([sys.executable, str(checker), str(frozen_dir / "tumorboard")], cwd=tmp_path,
                          env=clean_env, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_db_upgrade_migrates_to_the_head(frozen_dir: Path, clean_env: dict[str, str], tmp_path: Path) -> None:
    database = tmp_path / "frozen.sqlite3"
    proc = _run(frozen_dir, clean_env, tmp_path, "db", "upgrade", "--database", str(database))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    from tumorboard.store.schema import head_revision

    con = sqlite3.connect(database)
    try:
        (revision,) = con.execute("SELECT version_num FROM alembic_version").fetchone()
    finally:
        con.close()
    assert revision == head_revision()


@pytest.mark.skipif(not (ROOT / "tumorboard" / "gui" / "app.py").is_file(),
                    reason="the desktop main window (tumorboard.gui.app) is not written yet")
def test_desktop_app_starts_and_stays_up(frozen_dir: Path, clean_env: dict[str, str], tmp_path: Path) -> None:
    env = {**clean_env, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen([str(frozen_dir / "tumorboard"), "--database", str(tmp_path / "gui.sqlite3")],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    err = ""
    try:
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the app exited with {proc.returncode} within 8 s:\n{out}\n{err}")
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                _, err = proc.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                _, err = proc.communicate()
    assert "Traceback" not in err, err
