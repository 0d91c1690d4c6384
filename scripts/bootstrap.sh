#!/usr/bin/env bash
# Set up everything Antrean MPP needs on a fresh Debian machine with Python 3.11:
# Debian packages (when root), a virtual environment in .venv, and the project
# installed into it with its test tools. Safe to run again; it only adds what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(espeak-ng libpulse0 sox poppler-utils libegl1 libgl1 libxkbcommon0
                 libfontconfig1 libdbus-1-3 libglib2.0-0 libxcb-cursor0 fonts-dejavu-core
                 libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
                 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1
                 postgresql  # the central database: tests start throw-away clusters
                 chromium  # headless, for the browser pages' tests (Playwright drives it)
                 libusb-1.0-0  # USB ticket printers (pyusb)
                 systemd iproute2)  # systemd-analyze verify of the units; ip netns LAN tests

missing=()
if command -v dpkg >/dev/null 2>&1; then
    for package in "${DEBIAN_PACKAGES[@]}"; do
        dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
    done
fi
if ((${#missing[@]})); then
    if [[ $(id -u) == 0 ]]; then
        echo "bootstrap: installing Debian packages: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -q "${missing[@]}" >/dev/null \
            || { apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; }
    else
        echo "bootstrap: not root, please install: sudo apt-get install ${missing[*]}" >&2
    fi
fi

PYTHON=${PYTHON:-python3.11}
if [[ ! -x .venv/bin/python ]]; then
    echo "bootstrap: creating .venv with $PYTHON"
    "$PYTHON" -m venv .venv
fi
stamp=.venv/.antrean-installed
if [[ ! -f $stamp || pyproject.toml -nt $stamp ]]; then
    echo "bootstrap: installing Python packages into .venv"
    .venv/bin/pip install -q --disable-pip-version-check -e '.[test]'
    touch "$stamp"
fi
