#!/usr/bin/env bash
# Set everything up, then run the example MPP (config/example-mpp.toml).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
mkdir -p var
exec .venv/bin/python -m hub serve --config config/example-mpp.toml --db var/antrean.db "$@"
