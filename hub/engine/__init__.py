"""The pure queue engine: commands in, typed events out (see engine.py)."""

from hub.engine.engine import QueueEngine
from hub.engine.errors import (
    IllegalMove,
    InvalidArgument,
    NothingToCall,
    OnBreak,
    QueueError,
    ServiceUnavailable,
    UnknownCounter,
    UnknownService,
    UnknownTicket,
)
from hub.engine.records import CounterStatus, TicketStatus

__all__ = [
    "CounterStatus",
    "IllegalMove",
    "InvalidArgument",
    "NothingToCall",
    "OnBreak",
    "QueueEngine",
    "QueueError",
    "ServiceUnavailable",
    "TicketStatus",
    "UnknownCounter",
    "UnknownService",
    "UnknownTicket",
]
