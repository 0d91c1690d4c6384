"""Where the printer is: a plain settings record, checked once when it is made."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Literal, get_args

from ticket_printer._escpos import profile_names
from ticket_printer.errors import PrinterConfigError
from ticket_printer.model import Paper

Backend = Literal["usb", "serial", "network", "cups", "file", "virtual"]
Simulation = Literal["paper_out", "offline", "cover_open", "near_end", "timeout"]
FlowControl = Literal["none", "rtscts", "dsrdtr", "xonxoff"]

REQUIRED: dict[str, tuple[str, ...]] = {
    "usb": ("vendor_id", "product_id"),
    "serial": ("device",),
    "network": ("host",),
    "cups": ("queue",),
    "file": ("path",),
    "virtual": ("folder",),
}


@dataclass(frozen=True)
class PrinterTarget:
    """One kiosk printer's settings; field names match the ``printer`` table of the config."""

    backend: Backend
    paper_mm: int = 80
    timeout_s: float = 2.0
    """Bound on connecting and on each status reply; sending adds time for the data size."""
    vendor_id: int | None = None
    product_id: int | None = None
    device: str | None = None
    baudrate: int = 19200
    flow_control: FlowControl = "none"
    host: str | None = None
    port: int = 9100
    queue: str | None = None
    path: str | None = None
    folder: str | None = None
    profile: str = "TM-T20II"
    """python-escpos profile whose commands the printer understands."""
    check_status: bool = True
    """Ask the printer (DLE EOT) before each ticket and refuse on paper out, cover open, offline."""
    require_status: bool = False
    """Also refuse when the printer does not answer (only for printers known to answer)."""
    simulate: Simulation | None = None
    """Virtual printer only: behave as if this fault were present."""

    def __post_init__(self) -> None:
        """Reject settings that could never print, naming the field to fix."""
        if self.backend not in REQUIRED:
            raise PrinterConfigError(
                f"backend must be one of {', '.join(REQUIRED)}, not {self.backend!r}"
            )
        missing = [name for name in REQUIRED[self.backend] if getattr(self, name) in (None, "")]
        if missing:
            raise PrinterConfigError(f"backend {self.backend!r} needs {', '.join(missing)}")
        if self.paper_mm not in (58, 80):
            raise PrinterConfigError(f"paper_mm must be 58 or 80, not {self.paper_mm}")
        if not 0 < self.timeout_s <= 60:
            raise PrinterConfigError(f"timeout_s must be in (0, 60], not {self.timeout_s}")
        if not 1 <= self.port <= 65535:
            raise PrinterConfigError(f"port must be 1-65535, not {self.port}")
        if self.baudrate <= 0:
            raise PrinterConfigError(f"baudrate must be positive, not {self.baudrate}")
        if self.flow_control not in get_args(FlowControl):
            raise PrinterConfigError(f"flow_control must be one of {get_args(FlowControl)}")
        if self.simulate is not None and self.simulate not in get_args(Simulation):
            raise PrinterConfigError(f"simulate must be one of {get_args(Simulation)}")
        if self.profile not in profile_names():
            raise PrinterConfigError(f"unknown printer profile {self.profile!r}")

    @property
    def paper(self) -> Paper:
        """The paper this printer has, with its profile."""
        return Paper.for_mm(self.paper_mm, self.profile)

    def describe(self) -> str:
        """Say where the printer is, for logs and the supervisor (no secrets in here)."""
        where = {
            "usb": f"{self.vendor_id or 0:04x}:{self.product_id or 0:04x}",
            "serial": f"{self.device} @ {self.baudrate}",
            "network": f"{self.host}:{self.port}",
            "cups": f"queue {self.queue}",
            "file": f"{self.path}",
            "virtual": f"{self.folder}",
        }[self.backend]
        return f"{self.backend} {where}"

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> PrinterTarget:
        """Build from a config mapping (e.g. the hub's ``PrinterSettings.model_dump()``).

        Keys this package has no use for (such as the kiosk's ``on_failure`` policy) are
        left out; ``None`` values fall back to the defaults.
        """
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in settings.items() if k in known and v is not None})
