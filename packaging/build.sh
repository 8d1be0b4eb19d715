#!/usr/bin/env bash
# Builds the desktop app as one folder that runs without Python or a virtual environment:
#   packaging/dist/tumorboard-<version>/tumorboard
#
# usage: packaging/build.sh [--venv DIR] [--dist DIR] [--work DIR]
#   --venv DIR  build with this existing environment (the project installed in it, editable is fine);
#               PyInstaller is added to it if missing. Default: a throw-away environment in the
#               work folder, with the project installed from this checkout (not editable).
#   --dist DIR  where the folder is written (default: packaging/dist)
#   --work DIR  PyInstaller's and the throw-away environment's scratch (default: packaging/build)
# PYTHON selects the interpreter for the throw-away environment (default: python3, 3.11 or newer).
# The folder embeds this interpreter and its PySide6; PySide6 6.12.0 on Python 3.11 and older leaks
# a reference to None on every void Qt call, which aborts the app after a few thousand calls
# (pyproject.toml excludes it), and the build refuses any pair with that defect.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")

PY=${PYTHON:-python3}
PYINSTALLER_REQ="pyinstaller>=6.10,<7"
VENV=""
DIST="$HERE/dist"
WORK="$HERE/build"

while [ $# -gt 0 ]; do
    case "$1" in
        --venv) VENV=$2; shift 2 ;;
        --dist) DIST=$2; shift 2 ;;
        --work) WORK=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -e/p' "$0" | grep '^#' | cut -c3-; exit 0 ;;
        *) echo "build.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
done
mkdir -p "$DIST" "$WORK"
DIST=$(cd "$DIST" && pwd)
WORK=$(cd "$WORK" && pwd)
start=$(date +%s)

if [ -z "$VENV" ]; then
    VENV="$WORK/venv"
    echo "== build environment: $VENV (throw-away)"
    rm -rf "$VENV"
    "$PY" -m venv "$VENV"
    "$VENV/bin/python" -m pip install -q "$PYINSTALLER_REQ" "$ROOT"
else
    VENV=$(cd "$VENV" && pwd)
    echo "== build environment: $VENV"
    "$VENV/bin/python" -c "import PyInstaller" 2>/dev/null \
        || "$VENV/bin/python" -m pip install -q "$PYINSTALLER_REQ"
fi

echo "== Qt binding check ($("$VENV/bin/python" -c 'import platform; print("Python", platform.python_version())'))"
# The folder runs on the interpreter and PySide6 of the build environment: refuse a pair that
# drops references to None (the app would abort after a few thousand Qt calls).
(cd "$WORK" && QT_QPA_PLATFORM=offscreen "$VENV/bin/python" - <<'PYCHECK'
import os
import sys

import PySide6
from PySide6.QtWidgets import QApplication, QWidget

app = QApplication([])
widget = QWidget()
before = sys.getrefcount(None)
for _ in range(1000):
    widget.update()
lost = before - sys.getrefcount(None)
if lost >= 100:
    print(f"build.sh: PySide6 {PySide6.__version__} on Python {sys.version.split()[0]} drops a reference "
          f"to None on every void Qt call ({lost} in 1,000); the built app would abort within minutes. "
          "Use a PySide6 below 6.12 (as pyproject.toml asks) or Python 3.12 or newer.", file=sys.stderr, flush=True)
    os._exit(3)  # not a normal exit: finalizing with None's count run down would abort Python
print(f"PySide6 {PySide6.__version__}: void calls keep None alive")
PYCHECK
)

VERSION=$(cd "$WORK" && "$VENV/bin/python" -c "import tumorboard; print(tumorboard.__version__)")
OUT="$DIST/tumorboard-$VERSION"
echo "== PyInstaller: tumorboard $VERSION -> $OUT"
# From the work folder, so that the checkout is not on sys.path: the build takes the installed package.
(cd "$WORK" && "$VENV/bin/pyinstaller" --noconfirm --log-level WARN \
    --distpath "$DIST" --workpath "$WORK/pyinstaller" "$HERE/tumorboard.spec")

echo "== smoke test without the build environment"
got=$(env -i HOME="$WORK" PATH=/usr/bin:/bin "$OUT/tumorboard" --version)
if [ "$got" != "tumorboard $VERSION" ]; then
    echo "build.sh: the built app says '$got', expected 'tumorboard $VERSION'" >&2
    exit 1
fi
echo "$got"
echo "== built $OUT ($(du -sh "$OUT" | cut -f1), $(( $(date +%s) - start )) s)"
