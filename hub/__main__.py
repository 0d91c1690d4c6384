"""Command line of the hub: `python -m hub --help`."""

from __future__ import annotations

import argparse
import logging
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
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    """Run the hub until SIGINT or SIGTERM."""
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
    host = args.host or config.hub.host
    port = config.hub.port if args.port is None else args.port
    ssl_context = None
    if config.hub.tls_cert and config.hub.tls_key:
        base = args.config.parent
        ssl_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ssl_context.load_cert_chain(base / config.hub.tls_cert, base / config.hub.tls_key)
    args.db.parent.mkdir(parents=True, exist_ok=True)

    clock = system_clock
    if args.clock_start:
        from zoneinfo import ZoneInfo

        start = dt.datetime.fromisoformat(args.clock_start)
        if start.tzinfo is None:
            start = start.replace(tzinfo=ZoneInfo(config.mpp.timezone))
        clock = AcceleratedClock(start, args.clock_speed)
        log.warning("demo clock: hub time starts at %s and runs %.0fx real time",
                    start.isoformat(), args.clock_speed)

    async def run() -> None:
        core = HubCore.open(config, args.db, clock)
        server = HubServer(core, ssl_context)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        bound = await server.start(host, port)
        if args.port_file:
            args.port_file.write_text(str(bound))
        log.info("serving %s from %s; Ctrl-C stops", config.mpp.name, args.db)
        await stop.wait()
        await server.stop()
        core.close()

    asyncio.run(run())
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Describe every subcommand and option (shown by --help)."""
    parser = argparse.ArgumentParser(
        prog="python -m hub",
        description="Antrean MPP hub: the one authority for queue numbers and counter state.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser(
        "check", help="validate a configuration file",
        description="Validate a mall configuration (TOML). Exit 0 if usable, else 1 and "
        "list every problem as FILE: KEY PATH: WHAT IS WRONG.",
    )
    check.add_argument("--config", required=True, type=Path, help="configuration file (TOML)")
    check.set_defaults(handler=_cmd_check)

    serve = commands.add_parser(
        "serve", help="run the hub (websocket server)",
        description="Run the hub: the websocket server every kiosk, counter, display and "
        "supervisor connects to. SIGINT/SIGTERM stop it cleanly. GET /health answers over "
        "plain HTTP on the same port.",
    )
    serve.add_argument("--config", required=True, type=Path, help="configuration file (TOML)")
    serve.add_argument("--db", required=True, type=Path,
                       help="SQLite event log (created if missing)")
    serve.add_argument("--host", help="address to listen on (default: [hub] host in config)")
    serve.add_argument("--port", type=int,
                       help="port to listen on; 0 lets the OS choose (default: [hub] port)")
    serve.add_argument("--port-file", type=Path,
                       help="write the port actually bound to this file (useful with --port 0)")
    serve.add_argument("--clock-start", metavar="ISO",
                       help="demo/simulation only: hub time starts here (e.g. 2026-11-23T08:00; "
                       "local time of the mall if no offset) instead of the real time")
    serve.add_argument("--clock-speed", type=float, default=1.0,
                       help="demo/simulation only: with --clock-start, how many times faster "
                       "than real time the hub's clock runs (default 1)")
    serve.set_defaults(handler=_cmd_serve)
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
