#!/usr/bin/env bash
# Set everything up, then run the linters and the whole test suite (offscreen Qt).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
export QT_QPA_PLATFORM=offscreen
.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
