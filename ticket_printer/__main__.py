"""Entry point for ``python -m ticket_printer``."""

import sys

from ticket_printer.cli import main

sys.exit(main())
