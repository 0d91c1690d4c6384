"""Errors the queue engine raises; each has a stable `code` that clients translate."""

from __future__ import annotations

import datetime as dt


class QueueError(Exception):
    """A command the engine refused; nothing changed."""

    code = "queue_error"


class UnknownService(QueueError):
    """The service id is not in the configuration."""

    code = "unknown_service"

    def __init__(self, service_id: str) -> None:
        super().__init__(f"unknown service {service_id!r}")
        self.service_id = service_id


class UnknownCounter(QueueError):
    """The counter id is not in the configuration."""

    code = "unknown_counter"

    def __init__(self, counter_id: str) -> None:
        super().__init__(f"unknown counter {counter_id!r}")
        self.counter_id = counter_id


class UnknownTicket(QueueError):
    """No ticket with this id or label exists today."""

    code = "unknown_ticket"

    def __init__(self, ticket: str) -> None:
        super().__init__(f"no ticket {ticket!r} today")
        self.ticket = ticket


class IllegalMove(QueueError):
    """A command that makes no sense in the current state; names the state and the command."""

    code = "illegal_move"

    def __init__(self, command: str, subject: str, state: str, hint: str = "") -> None:
        message = f"can't {command} when {subject} is {state}"
        super().__init__(message + (f" ({hint})" if hint else ""))
        self.command = command
        self.subject = subject
        self.state = state


class NothingToCall(QueueError):
    """The counter asked for the next visitor but nobody waits for its services."""

    code = "queue_empty"

    def __init__(self, counter_id: str) -> None:
        super().__init__(f"nobody is waiting for the services of counter {counter_id!r}")
        self.counter_id = counter_id


class ServiceUnavailable(QueueError):
    """A ticket was refused: closed today, before opening, past cut-off, or quota reached.

    `reason` is one of: closed_today, holiday, not_open_yet, after_cutoff, quota_reached,
    priority_not_allowed. `opens_at` says when tickets can be taken again, if known.
    """

    code = "service_unavailable"

    def __init__(self, service_id: str, reason: str, opens_at: dt.datetime | None) -> None:
        when = f"; opens {opens_at:%Y-%m-%d %H:%M}" if opens_at else ""
        super().__init__(f"service {service_id!r} is not taking tickets: {reason}{when}")
        self.service_id = service_id
        self.reason = reason
        self.opens_at = opens_at


class OnBreak(QueueError):
    """No calls during a configured break (Friday prayer, lunch); says which and until when."""

    code = "on_break"

    def __init__(self, reason_id: str, reason_en: str | None, ends_at: dt.datetime) -> None:
        super().__init__(f"calls wait during the break ({reason_en or reason_id}) "
                         f"until {ends_at:%H:%M}")
        self.reason_id = reason_id
        self.reason_en = reason_en
        self.ends_at = ends_at


class InvalidArgument(QueueError):
    """A command's argument is not acceptable (unknown pause reason, empty transfer…)."""

    code = "invalid_argument"
