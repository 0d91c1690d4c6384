"""Every command line takes -v/--verbose before or after its subcommand alike."""

from __future__ import annotations

import argparse
from collections.abc import Callable

import pytest

from counter_display.cli import build_parser as counter_display_parser
from hub.__main__ import build_parser as hub_parser
from kiosk.__main__ import build_parser as kiosk_parser
from ticket_printer.cli import _parser as ticket_printer_parser

DEVICE = ["--config", "c.toml", "--device", "d"]

CASES: list[tuple[Callable[[], argparse.ArgumentParser], list[str]]] = [
    (hub_parser, ["check", "--config", "c.toml"]),
    (counter_display_parser, ["counter", *DEVICE]),
    (counter_display_parser, ["hall", *DEVICE]),
    (counter_display_parser, ["supervisor", *DEVICE]),
    (counter_display_parser, ["survey", *DEVICE]),
    (ticket_printer_parser, ["profiles"]),
    (ticket_printer_parser, ["preview", "--out", "t.png"]),
    (ticket_printer_parser, ["print-test", "--backend", "virtual"]),
    (ticket_printer_parser, ["status", "--backend", "virtual"]),
]


@pytest.mark.parametrize(("parser", "command"), CASES,
                         ids=[f"{p.__module__}-{c[0]}" for p, c in CASES])
def test_verbose_before_or_after_the_subcommand(
    parser: Callable[[], argparse.ArgumentParser], command: list[str]
) -> None:
    assert parser().parse_args(command).verbose is False
    assert parser().parse_args(["-v", *command]).verbose is True
    assert parser().parse_args([command[0], "-v", *command[1:]]).verbose is True
    assert parser().parse_args([*command, "--verbose"]).verbose is True


def test_the_kiosk_takes_verbose_anywhere() -> None:
    """The kiosk has no subcommand: -v anywhere among its options."""
    assert kiosk_parser().parse_args(DEVICE).verbose is False
    assert kiosk_parser().parse_args(["-v", *DEVICE]).verbose is True
    assert kiosk_parser().parse_args([*DEVICE, "--verbose"]).verbose is True
