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
