"""Command line of the hub: `python -m hub --help`."""

from __future__ import annotations

import argparse
import errno
import logging
import os
import sys
from pathlib import Path

from hub.config import ConfigError, load_config

log = logging.getLogger("hub")


def _cmd_check(args: argparse.Namespace) -> int:
    """Validate a configuration file; print every problem and exit 1 if there are any."""
    try:
        config = load_config(args.config)
    except ConfigError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"{len(error.problems)} problem(s) found; the hub would refuse to start.",
              file=sys.stderr)
        return 1
    print(
        f"{args.config}: OK — {config.mpp.name}: {len(config.tenants)} tenants, "
        f"{len(config.services)} services, {len(config.counters)} counters, "
        f"{len(config.devices)} devices"
    )
    from hub.config.advice import config_warnings

    for warning in config_warnings(config):
        print(f"{args.config}: warning: {warning}", file=sys.stderr)
    return 0


def _db_to_create_problem(db: Path) -> str | None:
    """Say why the hub should not create its log at `db` (None if it may).

    The hub creates the log's own folder at most: a mistyped path should be refused, not
    silently grown into a folder tree somewhere unexpected.
    """
    folder = db.parent
    if db.is_dir():
        return f"--db: {db} is a folder; give the database file inside it, e.g. {db / 'antrean.db'}"
    if folder.is_dir():
        return None
    if folder.exists():
        return f"--db: {folder} is not a folder"
    if folder.parent.is_dir():
        return None
    return (f"--db: folder {folder.parent} does not exist; the hub creates only the "
            f"database's own folder — check the path, or create it first (mkdir -p {folder})")


def _listen_problem(host: str, port: int, error: OSError) -> str:
    """One line saying why the hub cannot listen, with what to do about the usual causes."""
    where = f"{host or '*'}:{port}"
    if error.errno == errno.EADDRINUSE:
        why = ("address already in use — another program (another hub?) listens there; "
               "stop it or choose another --port")
    elif error.errno == errno.EACCES:
        why = "permission denied — ports below 1024 need extra rights; choose another --port"
    elif error.errno == errno.EADDRNOTAVAIL:
        why = "this machine has no such address; check --host or [hub] host"
    elif error.errno is not None and error.errno > 0:
        why = os.strerror(error.errno)
    else:  # a name that does not resolve (socket.gaierror): its own text says it best
        why = error.strerror or str(error)
    return f"serve: cannot listen on {where}: {why}"


def _cmd_serve(args: argparse.Namespace) -> int:
    """Run the hub until SIGINT or SIGTERM; refuse in one line, creating nothing, if it cannot."""
    import asyncio
    import datetime as dt
    import signal
    import ssl

    from hub.core import AcceleratedClock, HubCore, system_clock
    from hub.server import HubServer

    try:
        config = load_config(args.config)
    except ConfigError as error:
        for problem in error.problems:
            log.error("%s", problem)
        return 1
    db_problem = _db_to_create_problem(args.db)
    if db_problem is not None:
        print(f"serve: {db_problem}", file=sys.stderr)
        return 1
    host = args.host or config.hub.host
    port = config.hub.port if args.port is None else args.port
    ssl_context = None
    tls_dir = args.tls_dir or (args.config.parent / config.hub.tls_dir
                               if config.hub.tls_dir else None)
    if tls_dir is not None:
        from hub.tls import TlsError, ensure_certificate, fingerprint_of_file, server_context

        try:
            cert, key, created = ensure_certificate(tls_dir, [host])
            ssl_context = server_context(cert, key)
        except (TlsError, OSError) as error:
            print(f"serve: {error}", file=sys.stderr)
            return 1
        # On stdout, for the installer and the operator: devices pin this fingerprint.
        print(f"hub certificate {cert}{' (new)' if created else ''}: fingerprint "
              f"{fingerprint_of_file(cert)}", flush=True)
    elif config.hub.tls_cert and config.hub.tls_key:
        base = args.config.parent
        ssl_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        try:
            ssl_context.load_cert_chain(base / config.hub.tls_cert, base / config.hub.tls_key)
        except (OSError, ssl.SSLError) as error:
            print(f"serve: {args.config}: hub.tls_cert/tls_key: cannot load "
                  f"{base / config.hub.tls_cert} and {base / config.hub.tls_key}: {error}",
                  file=sys.stderr)
            return 1

    clock = system_clock
    if args.clock_start:
        from zoneinfo import ZoneInfo

        try:
            start = dt.datetime.fromisoformat(args.clock_start)
        except ValueError:
            print(f"serve: --clock-start: expected a time like 2026-11-23T08:00, "
                  f"not {args.clock_start!r}", file=sys.stderr)
            return 1
        if start.tzinfo is None:
            start = start.replace(tzinfo=ZoneInfo(config.mpp.timezone))
        clock = AcceleratedClock(start, args.clock_speed)
        log.warning("demo clock: hub time starts at %s and runs %.0fx real time",
                    start.isoformat(), args.clock_speed)

    async def run() -> int:
        if port != 0:
            # Try the address before the database exists: a hub that cannot listen must
            # leave nothing behind (a stray empty log, a new folder).
            try:
                probe = await asyncio.get_running_loop().create_server(
                    asyncio.Protocol, host, port)
            except OSError as error:
                print(_listen_problem(host, port, error), file=sys.stderr)
                return 1
            probe.close()
            await probe.wait_closed()
        args.db.parent.mkdir(exist_ok=True)
        core = HubCore.open(config, args.db, clock)
        server = HubServer(core, ssl_context, args.config.resolve().parent)
        try:
            bound = await server.start(host, port)
        except OSError as error:  # taken in the instant since the probe
            await server.stop()
            core.close()
            print(_listen_problem(host, port, error), file=sys.stderr)
            return 1
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        loop.add_signal_handler(signal.SIGHUP, _reload, server, args.config)
        if args.port_file:
            args.port_file.write_text(str(bound))
        log.info("serving %s from %s; Ctrl-C stops", config.mpp.name, args.db)
        await stop.wait()
        await server.stop()
        core.close()
        return 0

    return asyncio.run(run())


def _reload(server: object, config_path: Path) -> None:
    """SIGHUP: take rotated tokens from the mall file now (see hub/devices.py)."""
    from hub.devices import reload_credentials

    try:
        reloaded = reload_credentials(server, config_path)  # type: ignore[arg-type]
    except ConfigError as error:
        log.error("reload refused, tokens unchanged: %s", "; ".join(error.problems))
        return
    if reloaded.needs_restart:
        log.warning("reload: changes that need a restart were not applied: %s",
                    ", ".join(reloaded.needs_restart))
    log.info("reloaded %s: new tokens for %s", config_path,
             ", ".join(sorted(reloaded.rotated)) or "no device")


def _cmd_report(args: argparse.Namespace) -> int:
    """Write a visitor and IKM report for a period (see docs/reports.md)."""
    if args.central is not None:
        from hub.central.cli import central_report_command

        return central_report_command(args.central, args.period, args.by or "mpp", args.format,
                                      args.out, args.mpp_id, args.tenant, args.ikm_weight)
    if args.by is not None or args.mpp_id is not None:
        print("report: --by and --mpp-id go with --central URL", file=sys.stderr)
        return 1
    if args.db is None or args.config is None:
        print("report: give --db and --config (a hub's report), or --central URL",
              file=sys.stderr)
        return 1
    if args.complaints:
        from hub.reports.cli import complaints_command

        return complaints_command(args.db, args.config, args.period, args.format, args.out,
                                  args.tenant)
    from hub.reports.cli import report_command

    return report_command(args.db, args.config, args.period, args.format, args.out,
                          args.tenant, args.ikm_weight)


def _cmd_ship(args: argparse.Namespace) -> int:
    """Ship the hub's chained log to the central PostgreSQL (see docs/central.md)."""
    from hub.central.cli import ship_command

    return ship_command(args.db, args.to, args.mpp_id, args.config, args.once, args.batch_size)


def _cmd_verify(args: argparse.Namespace) -> int:
    """Check the hash chain and the tables derived from it; exit 0 if intact, 1 if not."""
    from hub.verify import verify_command

    if args.db.is_dir():  # SQLite would only say "disk I/O error"
        print(f"verify: --db: {args.db} is a folder; give the hub's event log file in it",
              file=sys.stderr)
        return 2
    timezone = "Asia/Jakarta"
    if args.config is not None:
        try:
            timezone = load_config(args.config).mpp.timezone
        except ConfigError as error:
            for problem in error.problems:
                print(problem, file=sys.stderr)
            return 2
    return verify_command(args.db, args.expect, args.json, timezone)


def build_parser() -> argparse.ArgumentParser:
    """Describe every subcommand and option (shown by --help)."""
    parser = argparse.ArgumentParser(
        prog="python -m hub",
        description="Antrean MPP hub: the one authority for queue numbers and counter state.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    # -v is also accepted after the command (`hub check -v`); SUPPRESS keeps a subcommand
    # that was not given -v from resetting one given before the command.
    verbose = argparse.ArgumentParser(add_help=False)
    verbose.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                         help="log debug messages")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser(
        "check", parents=[verbose], help="validate a configuration file",
        description="Validate a mall configuration (TOML). Exit 0 if usable, else 1 and "
        "list every problem as FILE: KEY PATH: WHAT IS WRONG.",
    )
    check.add_argument("--config", required=True, type=Path, help="configuration file (TOML)")
    check.set_defaults(handler=_cmd_check)

    serve = commands.add_parser(
        "serve", parents=[verbose], help="run the hub (websocket server)",
        description="Run the hub: the websocket server every kiosk, counter, display and "
        "supervisor connects to. SIGINT/SIGTERM stop it cleanly. GET /health answers over "
        "plain HTTP on the same port.",
    )
    serve.add_argument("--config", required=True, type=Path, help="configuration file (TOML)")
    serve.add_argument("--db", required=True, type=Path,
                       help="SQLite event log (created if missing, and its folder too if that "
                       "folder's parent exists; a deeper missing path is refused)")
    serve.add_argument("--host", help="address to listen on (default: [hub] host in config)")
    serve.add_argument("--port", type=int,
                       help="port to listen on; 0 lets the OS choose (default: [hub] port)")
    serve.add_argument("--port-file", type=Path,
                       help="write the port actually bound to this file (useful with --port 0)")
    serve.add_argument("--tls-dir", type=Path,
                       help="serve wss with the certificate in this folder (hub.crt, hub.key), "
                       "made self-signed on first start; its fingerprint is printed for the "
                       "devices to pin (default: [hub] tls_dir)")
    serve.add_argument("--clock-start", metavar="ISO",
                       help="demo/simulation only: hub time starts here (e.g. 2026-11-23T08:00; "
                       "local time of the mall if no offset) instead of the real time")
    serve.add_argument("--clock-speed", type=float, default=1.0,
                       help="demo/simulation only: with --clock-start, how many times faster "
                       "than real time the hub's clock runs (default 1)")
    serve.set_defaults(handler=_cmd_serve)

    report = commands.add_parser(
        "report", parents=[verbose], help="write a visitor and IKM report (CSV, XLSX or PDF)",
        description="Report a year, month or day from the event log (read-only): visitors "
        "per month/day/hour, tenant, service and category; outcomes; waiting and service "
        "times; busiest hours; priority; channels; SKM/IKM. Prints the event-log chain "
        "head the numbers come from. See docs/reports.md.",
    )
    report.add_argument("--db", type=Path, help="the hub's SQLite event log (required "
                        "unless --central)")
    report.add_argument("--config", type=Path,
                        help="configuration file (names, wait targets, MPP name; required "
                        "unless --central)")
    report.add_argument("--central", metavar="URL",
                        help="report across MPPs from the central PostgreSQL instead "
                        "(postgresql://…; see docs/central.md)")
    report.add_argument("--by", metavar="DIMS",
                        help="with --central: group by mpp, tenant, service, category, month "
                        "or day, or several joined by commas (default mpp)")
    report.add_argument("--mpp-id", help="with --central: only this MPP")
    report.add_argument("--period", required=True,
                        help="2026 (year), 2026-11 (month) or 2026-11-22 (business day)")
    report.add_argument("--tenant", help="only this tenant (its id in the config)")
    report.add_argument("--format", required=True, choices=("csv", "xlsx", "pdf"),
                        help="csv: a ZIP of one CSV per view; xlsx: one sheet per view with "
                        "charts; pdf: A4 document")
    report.add_argument("--out", required=True, type=Path, help="file to write")
    report.add_argument("--ikm-weight", choices=("exact", "0.11"), default="exact",
                        help="IKM element weight: exact = 1/9 (default) or the regulation's "
                        "0.11 (PermenPANRB 14/2017); the report states which")
    report.add_argument("--complaints", action="store_true",
                        help="write instead the period's complaints and suggestions with "
                        "their texts and contacts (personal data, for the MPP's manager): "
                        "--format csv (--out NAME.csv) or xlsx")
    report.set_defaults(handler=_cmd_report)

    verify = commands.add_parser(
        "verify", parents=[verbose], help="check that the event log is intact (hash chain)",
        description="Walk the event log recomputing its SHA-256 hash chain. Exit 0 if "
        "intact (prints the count and the head), 1 at the first break (prints the seq and "
        "why: row missing, content edited, hash edited), 2 if the log cannot be read.",
    )
    verify.add_argument("--db", required=True, type=Path, help="the hub's SQLite event log")
    verify.add_argument("--expect", metavar="SEQ:HASH",
                        help="a head printed on an earlier report; fails if it is not in the "
                        "log any more (catches a truncated or rewritten tail)")
    verify.add_argument("--json", action="store_true", help="print the result as JSON")
    verify.add_argument("--config", type=Path,
                        help="the mall's configuration: its time zone gives the visits' local "
                             "day, month and hour when they are rebuilt (default Asia/Jakarta)")
    verify.set_defaults(handler=_cmd_verify)

    ship = commands.add_parser(
        "ship", parents=[verbose], help="copy the event log to the central PostgreSQL",
        description="Copy the hub's chained events, with their seq and hash, to a central "
        "PostgreSQL database: in order, in batches, exactly once (resumes from the last seq "
        "stored there), with backoff while the server is away. Reads the log read-only; the "
        "hub never waits for it. The central side refuses a gap, a fork or an altered event "
        "and names the MPP and seq. See docs/central.md.",
    )
    ship.add_argument("--db", required=True, type=Path, help="the hub's SQLite event log")
    ship.add_argument("--to", required=True, metavar="URL",
                      help="the central database, postgresql://USER@HOST/DB (libpq URL)")
    ship.add_argument("--mpp-id", required=True,
                      help="this MPP's id in the central database (lowercase, e.g. cilegon)")
    ship.add_argument("--config", type=Path,
                      help="the mall's configuration: its name, time zone and tenant and "
                      "service names go to the central database (default: the id, "
                      "Asia/Jakarta)")
    ship.add_argument("--once", action="store_true",
                      help="ship what is in the log now, then exit (0 shipped, 1 refused, "
                      "3 server unreachable)")
    ship.add_argument("--batch-size", type=int, default=1000,
                      help="events per transaction (default 1000)")
    ship.set_defaults(handler=_cmd_ship)

    from hub import appointment_import, backup, devices
    from hub.notify import cli as notify_cli

    devices.add_parser(commands, [verbose])
    backup.add_parsers(commands, [verbose])
    appointment_import.add_parser(commands, [verbose])
    notify_cli.add_parser(commands, [verbose])
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the hub command line."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
