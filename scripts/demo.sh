#!/usr/bin/env bash
# Set everything up, then run the example MPP (config/example-mpp.toml): the hub, a kiosk,
# two counter terminals, the hall display and the supervisor dashboard, each in its own
# window; without a screen, a simulated business day. See scripts/demo.py --help.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
mkdir -p var
exec .venv/bin/python scripts/demo.py "$@"
