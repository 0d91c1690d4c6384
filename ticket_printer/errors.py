"""Typed printer errors with stable codes and messages a visitor can read in either language."""

from __future__ import annotations

from typing import ClassVar


class PrinterError(Exception):
    """A ticket could not be printed (or the printer could not be asked); never swallow it.

    ``code`` is stable, for the hub and the supervisor's dashboard; ``message_id`` and
    ``message_en`` are for the kiosk screen; ``detail`` is for the log only, since it may
    name devices and addresses a visitor has no use for.
    """

    code: ClassVar[str] = "printer_error"
    message_id: ClassVar[str] = "Printer bermasalah. Silakan hubungi petugas."
    message_en: ClassVar[str] = "The printer has a problem. Please ask a staff member."

    def __init__(self, detail: str = "") -> None:
        """Keep the technical detail apart from the visitor-facing message."""
        self.detail = detail
        super().__init__(f"{self.code}: {detail}" if detail else self.code)

    def message(self, language: str = "id") -> str:
        """Return the visitor-facing message in ``language`` ("id" or "en")."""
        return self.message_en if language == "en" else self.message_id


class PrinterOffline(PrinterError):
    """The printer cannot be reached or says it is offline."""

    code = "printer_offline"
    message_id = "Printer tidak terhubung. Silakan hubungi petugas."
    message_en = "The printer is not connected. Please ask a staff member."


class PaperOut(PrinterError):
    """The paper roll is empty."""

    code = "paper_out"
    message_id = "Kertas printer habis. Silakan hubungi petugas."
    message_en = "The printer is out of paper. Please ask a staff member."


class CoverOpen(PrinterError):
    """The printer's cover is open."""

    code = "cover_open"
    message_id = "Tutup printer terbuka. Silakan hubungi petugas."
    message_en = "The printer cover is open. Please ask a staff member."


class PrinterTimeout(PrinterError):
    """The printer took the connection but stopped answering or taking data in time."""

    code = "printer_timeout"
    message_id = "Printer tidak merespons. Silakan coba lagi atau hubungi petugas."
    message_en = "The printer is not responding. Please try again or ask a staff member."


class BackendUnavailable(PrinterError):
    """The backend needs software this machine lacks (pyusb for USB, ``lp`` for CUPS)."""

    code = "backend_unavailable"
    message_id = "Printer belum siap dipakai. Silakan hubungi petugas."
    message_en = "The printer is not set up yet. Please ask a staff member."


class PrinterConfigError(PrinterError):
    """The printer settings are incomplete or contradict themselves."""

    code = "printer_config_invalid"
    message_id = "Pengaturan printer salah. Silakan hubungi petugas."
    message_en = "The printer settings are wrong. Please ask a staff member."


ALL_ERRORS: tuple[type[PrinterError], ...] = (
    PrinterError,
    PrinterOffline,
    PaperOut,
    CoverOpen,
    PrinterTimeout,
    BackendUnavailable,
    PrinterConfigError,
)
