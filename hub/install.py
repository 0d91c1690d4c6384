"""systemd units for each role of an MPP install (`python -m hub.install units ROLE`).

`scripts/install.sh ROLE` installs the project and then writes these units; they are
rendered here, in Python, so that tests can write them into a folder and check them with
`systemd-analyze verify` without touching the machine.

    hub          antrean-hub.service      system service as the `antrean` user, restarted
                                          always; the event log in /var/lib/antrean; SIGHUP
                                          (systemctl reload) takes rotated tokens
                 antrean-backup.service   one backup with SQLite's online API, keep N days
                 antrean-backup.timer     nightly at 22:00, and at boot if a night was missed
                 antrean-notify.service   the notification sender (`hub notify`): reads the
                                          log read-only, POSTs to the webhook; enable it
                                          once [notifications] is configured
    kiosk, counter, hall, supervisor, survey
                 antrean-ROLE.service     a user service of the device PC's session user:
                                          started with the graphical session (auto-login),
                                          full screen, restarted on a crash, from the
                                          device's settings file only
"""

from __future__ import annotations

import argparse
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

APP_ROLES = ("kiosk", "counter", "hall", "supervisor", "survey")
ROLES = ("hub", *APP_ROLES)
COMMANDS = {
    "kiosk": ["-m", "kiosk"],
    "counter": ["-m", "counter_display", "counter"],
    "hall": ["-m", "counter_display", "hall"],
    "supervisor": ["-m", "counter_display", "supervisor"],
    "survey": ["-m", "counter_display", "survey"],
}
TITLES = {"kiosk": "kiosk (anjungan)", "counter": "counter terminal (loket)",
          "hall": "hall display (layar antrean)", "supervisor": "supervisor dashboard",
          "survey": "survey tablet (survei kepuasan)"}


@dataclass(frozen=True)
class Layout:
    """Where an install puts things (the defaults are what docs/deployment.md describes)."""

    prefix: Path = Path("/opt/antrean")
    """The project and its virtual environment (PREFIX/.venv)."""
    config: Path = Path("/etc/antrean/mpp.toml")
    """The hub's mall file."""
    data: Path = Path("/var/lib/antrean")
    """The hub's event log and TLS folder; backups in data/backups."""
    settings: Path = Path("/etc/antrean/device.toml")
    """A device PC's settings file (written by `hub device settings`)."""
    user: str = "antrean"
    """The hub's system user (device PCs run their app as the session's user)."""
    host: str = "0.0.0.0"
    port: int = 8765
    keep_days: int = 14

    @property
    def python(self) -> Path:
        """The interpreter of the install's virtual environment."""
        return self.prefix / ".venv" / "bin" / "python"


def _command(*words: str | Path) -> str:
    return " ".join(shlex.quote(str(word)) for word in words)


def hub_units(layout: Layout) -> dict[str, str]:
    """The hub's service, its nightly backup service and timer, the notification sender."""
    db = layout.data / "antrean.db"
    serve = _command(layout.python, "-m", "hub", "serve", "--config", layout.config,
                     "--db", db, "--host", layout.host, "--port", str(layout.port),
                     "--tls-dir", layout.data / "tls")
    backup = _command(layout.python, "-m", "hub", "backup", "--db", db,
                      "--to", layout.data / "backups", "--keep", str(layout.keep_days))
    notify = _command(layout.python, "-m", "hub", "notify", "--config", layout.config,
                      "--db", db)
    # systemd makes /var/lib/NAME itself, owned by the user; elsewhere install.sh does.
    state = (f"StateDirectory={layout.data.name}\nStateDirectoryMode=0750\n"
             if layout.data.parent == Path("/var/lib") else "")
    # Every hub-side unit: the whole system read-only but the data folder, no home folders.
    sandbox = (f"NoNewPrivileges=yes\nProtectSystem=strict\nProtectHome=yes\n"
               f"ReadWritePaths={layout.data}\n")
    return {
        "antrean-hub.service": f"""\
[Unit]
Description=Antrean MPP hub (queue authority for kiosks, counters and displays)
Documentation=file://{layout.prefix}/docs/deployment.md
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User={layout.user}
Group={layout.user}
WorkingDirectory={layout.data}
Environment=PYTHONUNBUFFERED=1
ExecStart={serve}
ExecReload=/bin/kill -HUP $MAINPID
Restart=always
RestartSec=2
# Let the hub finish writing its last batch and close every connection.
TimeoutStopSec=30
{state}{sandbox}PrivateTmp=yes

[Install]
WantedBy=multi-user.target
""",
        "antrean-backup.service": f"""\
[Unit]
Description=Antrean MPP nightly backup of the hub's event log
Documentation=file://{layout.prefix}/docs/deployment.md

[Service]
Type=oneshot
User={layout.user}
Group={layout.user}
ExecStart={backup}
{sandbox}""",
        "antrean-notify.service": f"""\
[Unit]
Description=Antrean MPP notification sender (your turn is near, by the city's webhook)
Documentation=file://{layout.prefix}/docs/notifications.md
After=network-online.target antrean-hub.service
Wants=network-online.target

[Service]
Type=simple
User={layout.user}
Group={layout.user}
WorkingDirectory={layout.data}
Environment=PYTHONUNBUFFERED=1
ExecStart={notify}
Restart=always
RestartSec=5
# Exit 2: no [notifications] in the mall file, or its secret file unreadable; fix, then start.
RestartPreventExitStatus=2
TimeoutStopSec=30
# Its own record (antrean.notify.db) lives beside the log, which it only reads.
{sandbox}PrivateTmp=yes

[Install]
WantedBy=multi-user.target
""",
        "antrean-backup.timer": """\
[Unit]
Description=Antrean MPP nightly backup of the hub's event log

[Timer]
OnCalendar=*-*-* 22:00:00
Persistent=true
RandomizedDelaySec=10min

[Install]
WantedBy=timers.target
""",
    }


def app_unit(role: str, layout: Layout) -> dict[str, str]:
    """A device PC's user service: its app, full screen, from its settings file."""
    if role not in APP_ROLES:
        raise ValueError(f"not an app role: {role!r} (one of {', '.join(APP_ROLES)})")
    start = _command(layout.python, *COMMANDS[role], "--settings", layout.settings,
                     "--fullscreen")
    return {f"antrean-{role}.service": f"""\
[Unit]
Description=Antrean MPP {TITLES[role]}
Documentation=file://{layout.prefix}/docs/deployment.md
PartOf=graphical-session.target
After=graphical-session.target

[Service]
Type=simple
WorkingDirectory={layout.settings.parent}
Environment=PYTHONUNBUFFERED=1
ExecStart={start}
Restart=always
RestartSec=5

[Install]
WantedBy=graphical-session.target
"""}


def units(role: str, layout: Layout) -> dict[str, str]:
    """Every unit file of a role, by file name."""
    return hub_units(layout) if role == "hub" else app_unit(role, layout)


def build_parser() -> argparse.ArgumentParser:
    """Describe the command line (shown by --help)."""
    parser = argparse.ArgumentParser(
        prog="python -m hub.install",
        description="Write the systemd units of one role of an Antrean MPP install "
        "(scripts/install.sh calls this; see docs/deployment.md).")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    write = commands.add_parser("units", help="write the role's unit files into a folder",
                                description="Write the role's systemd unit files into OUT.")
    write.add_argument("role", choices=ROLES)
    write.add_argument("--out", type=Path, required=True, help="folder to write the units to")
    defaults = Layout()
    write.add_argument("--prefix", type=Path, default=defaults.prefix,
                       help=f"where the project and .venv are (default {defaults.prefix})")
    write.add_argument("--config", type=Path, default=defaults.config,
                       help=f"hub: the mall file (default {defaults.config})")
    write.add_argument("--data", type=Path, default=defaults.data,
                       help=f"hub: event log, certificate, backups (default {defaults.data})")
    write.add_argument("--settings", type=Path, default=defaults.settings,
                       help=f"apps: the device's settings file (default {defaults.settings})")
    write.add_argument("--user", default=defaults.user,
                       help=f"hub: the system user it runs as (default {defaults.user})")
    write.add_argument("--host", default=defaults.host,
                       help=f"hub: address to listen on (default {defaults.host})")
    write.add_argument("--port", type=int, default=defaults.port,
                       help=f"hub: port (default {defaults.port})")
    write.add_argument("--keep-days", type=int, default=defaults.keep_days,
                       help=f"hub: nightly backups kept (default {defaults.keep_days})")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Write the units; print each file written."""
    args = build_parser().parse_args(argv)
    layout = Layout(args.prefix.resolve(), args.config, args.data, args.settings, args.user,
                    args.host, args.port, args.keep_days)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in units(args.role, layout).items():
        (args.out / name).write_text(text, encoding="utf-8")
        print(args.out / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
