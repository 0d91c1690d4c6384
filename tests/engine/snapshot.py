"""The engine's whole state as plain, order-keeping data, to compare two engines field by field."""

from __future__ import annotations

from collections import deque
from typing import Any

from hub.engine import QueueEngine

DERIVED_FROM_CONFIG = {"config", "timezone", "_services_by_id", "_counters_by_id",
                       "_configured_serving"}
"""EngineState attributes computed from the configuration alone, never changed by events."""


def plain(value: Any) -> Any:
    """Turn engine state into comparable data that keeps every order (dicts, lines, deques)."""
    if value is None or isinstance(value, str | int | float):
        return value  # the common case first: this runs for every field of every step
    if hasattr(value, "__dataclass_fields__"):
        return (type(value).__name__,
                [(f, plain(getattr(value, f))) for f in value.__dataclass_fields__])
    if isinstance(value, dict):
        return [(plain(k), plain(v)) for k, v in value.items()]
    if isinstance(value, set | frozenset):
        return sorted(plain(v) for v in value)
    if isinstance(value, deque):
        return ("deque", value.maxlen, [plain(v) for v in value])
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def state_of(engine: QueueEngine) -> dict[str, Any]:
    """Every attribute of the engine's state that events can change, as plain data.

    Taken from the instance itself, so a field added later is compared too.
    """
    return {name: plain(value) for name, value in vars(engine).items()
            if name not in DERIVED_FROM_CONFIG}
