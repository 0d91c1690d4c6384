"""The engine fixture the command-by-command tests share: the small mall, Monday started."""

from __future__ import annotations

import pytest

from hub.engine import QueueEngine
from tests.factories import at, small_mall


@pytest.fixture
def engine() -> QueueEngine:
    engine = QueueEngine(small_mall())
    engine.start_day(at(7, 30))
    return engine
