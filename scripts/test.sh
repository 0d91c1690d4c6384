#!/usr/bin/env bash
# Set everything up, then run the linters and the whole test suite (offscreen Qt) on
# Python 3.11; then, given no arguments, the hub, printer, engine, log, config and
# deployment tests again on Python 3.13 (what Debian 13 and Ubuntu 24.04 ship) when this
# machine has one.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
export QT_QPA_PLATFORM=offscreen
.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
(($#)) && exit 0

py313=""
for candidate in python3.13 /usr/bin/python3.13 "$HOME"/.pyenv/versions/3.13*/bin/python3.13; do
    if command -v "$candidate" >/dev/null 2>&1 \
            && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' 2>/dev/null
    then
        py313=$(command -v "$candidate")
        break
    fi
done
if [[ -z $py313 ]]; then
    echo "test: no Python 3.13 on this machine; the 3.13 run was skipped"
    exit 0
fi
echo "test: again on $("$py313" --version) ($py313)"
[[ -x .venv-py313/bin/python ]] || "$py313" -m venv .venv-py313
stamp=.venv-py313/.antrean-installed
if [[ ! -f $stamp || pyproject.toml -nt $stamp ]]; then
    .venv-py313/bin/pip install -q --disable-pip-version-check -e '.[test]'
    touch "$stamp"
fi
.venv-py313/bin/python -m pytest -p no:cacheprovider tests/hub tests/ticket_printer \
    tests/engine tests/eventlog tests/config tests/deploy
