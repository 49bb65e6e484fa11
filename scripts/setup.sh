#!/usr/bin/env bash
# Sets up ./.venv with the pinned CPU torch first (a bare `torch` requirement could pull a
# multi-GB CUDA build), then this package with its test extras. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip setuptools wheel
.venv/bin/python -m pip install -q torch==2.13.0
.venv/bin/python -m pip install -q -e '.[test]'
.venv/bin/python -c "import torch, engine, migrate; print('ready: torch', torch.__version__)"
