"""Fixtures: a real hub on loopback, bridges that always stop, the small mall with more devices."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from hub import protocol as p
from hub.client.qt_bridge import HubBridge
from hub.config import MallConfig, parse_config
from tests.factories import small_mall_data
from tests.hub.harness import TOKENS, FakeClock, HubThread

DEVICE_TOKENS = {
    **TOKENS,
    "counter-c2": "counter-c2-token-for-tests",
    "counter-c3": "counter-c3-token-for-tests",
    "display-all": "display-all-token-for-tests",
}
WAIT_MS = 10_000


def mall_data() -> dict[str, Any]:
    """The small test mall plus a second counter terminal, a whole-hall display and texts."""
    data = small_mall_data()
    data["mpp"]["running_text"] = {"id": "Selamat datang di MPP Uji.", "en": "Welcome."}
    data["devices"] += [
        {"id": "counter-c2", "role": "counter", "counter": "c2",
         "token": DEVICE_TOKENS["counter-c2"]},
        {"id": "counter-c3", "role": "counter", "counter": "c3",
         "token": DEVICE_TOKENS["counter-c3"]},
        {"id": "display-all", "role": "display", "token": DEVICE_TOKENS["display-all"]},
    ]
    return data


@pytest.fixture
def mall() -> MallConfig:
    """The test mall's configuration."""
    return parse_config(mall_data())


@pytest.fixture
def clock() -> FakeClock:
    """The hub's (and the screens') clock: Monday 09:00 Jakarta, moved by hand."""
    return FakeClock()


@pytest.fixture
def hub(mall: MallConfig, tmp_path: Path, clock: FakeClock) -> Iterator[HubThread]:
    """A real hub on 127.0.0.1, stopped at the end."""
    with HubThread(mall, tmp_path / "hub.db", clock) as running:
        yield running


Connect = Callable[..., HubBridge]


@pytest.fixture
def connect(qtbot: Any, hub: HubThread) -> Iterator[Connect]:
    """Make bridges to the hub as devices; each is online on return and stopped at the end."""
    made: list[HubBridge] = []

    def make(device_id: str, url: str | None = None, wait: bool = True) -> HubBridge:
        bridge = HubBridge(url or hub.url, device_id, DEVICE_TOKENS[device_id])
        made.append(bridge)
        if wait:
            with qtbot.waitSignal(bridge.stateChanged, timeout=WAIT_MS,
                                  check_params_cb=lambda status, _detail: status == "online"):
                bridge.start()
        else:
            bridge.start()
        return bridge

    yield make
    for bridge in made:
        bridge.stop()


Issue = Callable[[str], str]


@pytest.fixture
def issue(qtbot: Any, connect: Connect) -> Issue:
    """Issue a ticket at the kiosk (through the hub, like a visitor) and return its label."""
    kiosk = connect("kiosk-1")
    answers: dict[str, tuple[Any, Any]] = {}
    # The answer may come (on the bridge's thread) before request() returns: record all.
    kiosk.requestFinished.connect(lambda token, result, error: answers.update(
        {token: (result, error)}))

    def take(service_id: str) -> str:
        token = kiosk.send(p.IssueTicket, service_id=service_id)
        qtbot.waitUntil(lambda: token in answers, timeout=WAIT_MS)
        result, error = answers.pop(token)
        assert error is None, error
        return str(result.events[0]["label"])

    return take
