"""Entry point: `python -m counter_display --help`."""

from __future__ import annotations

import sys

from counter_display.cli import main

if __name__ == "__main__":
    sys.exit(main())
