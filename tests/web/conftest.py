"""A real hub on the example mall, real devices, and headless Debian Chromium (Playwright).

Chromium is Debian's (`/usr/bin/chromium`, installed by scripts/bootstrap.sh as root):
Playwright cannot download browsers here, so it is pointed at that executable. Without
either the browser tests are skipped, saying why.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect

from hub.config import MallConfig, load_config
from tests.factories import at
from tests.hub.harness import FakeClock, HubThread

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "config" / "example-mpp.toml"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
WAIT_MS = 10_000
TOKENS = {
    "kiosk-1": "demo-kiosk-1-token-change-me",
    "counter-loket-01": "demo-counter-01-token-change-me",
    "counter-loket-02": "demo-counter-02-token-change-me",
    "counter-loket-03": "demo-counter-03-token-change-me",
    "counter-loket-17": "demo-counter-17-token-change-me",
    "display-lantai-1": "demo-display-1-token-change-me",
    "display-lantai-2": "demo-display-2-token-change-me",
    "supervisor": "demo-supervisor-token-change-me",
}


class Device:
    """A protocol client (sync websockets): hello, then requests answered in order."""

    def __init__(self, url: str, device_id: str) -> None:
        # entered by hand: the connection lives as long as the test, closed by close()
        self.connection: ClientConnection = connect(url, proxy=None, max_size=None).__enter__()
        self.send({"type": "hello", "device_id": device_id, "token": TOKENS[device_id],
                   "protocol": 2})
        self.welcome = json.loads(self.connection.recv(timeout=5))
        assert self.welcome["type"] == "welcome", self.welcome

    def send(self, message: dict[str, Any]) -> None:
        self.connection.send(json.dumps(message))

    def request(self, kind: str, **fields: Any) -> dict[str, Any]:
        """Send a request; return its result (an error fails the test)."""
        request_id = uuid.uuid4().hex  # ids belong to the device, for ever: never reuse one
        self.send({"type": kind, "request_id": request_id, **fields})
        while True:
            message = json.loads(self.connection.recv(timeout=5))
            if message.get("request_id") == request_id:
                assert message["type"] == "result", message
                return message

    def close(self) -> None:
        self.connection.close()


@pytest.fixture(scope="session")
def mall() -> MallConfig:
    return load_config(EXAMPLE)


@pytest.fixture
def hub(mall: MallConfig, tmp_path: Path) -> Iterator[HubThread]:
    """The example mall's hub, Monday 23 November 2026 09:00, on a port from the OS."""
    with HubThread(mall, tmp_path / "hub.db", FakeClock(at(9))) as running:
        yield running


@pytest.fixture
def devices(hub: HubThread) -> Iterator[Any]:
    """Open devices by id (closed at the end)."""
    opened: list[Device] = []

    def open_device(device_id: str) -> Device:
        opened.append(Device(hub.url, device_id))
        return opened[-1]

    yield open_device
    for device in opened:
        device.close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """One headless Chromium per test module.

    Not per session: Playwright's sync API keeps its event loop running in this thread
    while it is started, and every later test calling asyncio.run() would fail.
    """
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (scripts/bootstrap.sh as root)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=["--no-sandbox", "--mute-audio"])
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium: Any) -> Iterator[Any]:
    """Pages of fresh browser contexts (own storage each); page errors fail the test."""
    contexts: list[Any] = []
    errors: list[str] = []

    def make(width: int = 1920, height: int = 1080, **options: Any) -> Any:
        context = chromium.new_context(viewport={"width": width, "height": height}, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page

    yield make
    for context in contexts:
        context.close()
    assert not errors, errors


def http_base(hub: HubThread) -> str:
    return hub.url.replace("ws://", "http://")


def open_display(new_page: Any, hub: HubThread, device_id: str, width: int = 1920,
                 height: int = 1080) -> Any:
    """The TV page of a display, online (welcomed)."""
    page = new_page(width, height)
    page.goto(f"{http_base(hub)}/display/{device_id}#token={TOKENS[device_id]}")
    page.wait_for_selector("body[data-status=online]")
    return page
