"""Counter terminal and hall display: PySide6 apps that show what the hub says.

Run `python -m counter_display --help`. Announcements live in `announce/`.
"""
