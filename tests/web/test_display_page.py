"""The hall display page in headless Chromium against a real hub on the example mall."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hub.config import MallConfig
from hub.core import HubCore
from tests.factories import at
from tests.hub.harness import FakeClock, HubThread
from tests.web.conftest import ARTIFACTS, Device, http_base, open_display

pytestmark = [pytest.mark.integration]

NOW_LABEL = "document.getElementById('now-label').textContent"


def tile_text(page: Any, counter_id: str) -> str:
    return str(page.inner_text(f"[data-counter={counter_id}] .number"))


def open_and_call(devices: Any, counter: str, times: int = 1) -> list[str]:
    """Open a counter and call `times` visitors (issued first at kiosk-1); their labels."""
    kiosk, terminal = devices("kiosk-1"), devices(counter)
    services = {"counter-loket-01": "ktp-el", "counter-loket-02": "kk",
                "counter-loket-17": "paspor-baru"}
    for _ in range(times):
        kiosk.request("issue_ticket", service_id=services[counter])
    terminal.request("open_counter")
    labels = []
    for n in range(times):
        if n:
            terminal.request("finish")
        event = terminal.request("call_next")["events"][0]
        labels.append(event["ticket_id"].split("/")[-1])
    return labels


def test_the_page_is_served_for_display_devices_only(hub: HubThread) -> None:
    import urllib.error
    import urllib.request

    with urllib.request.urlopen(f"{http_base(hub)}/display/display-lantai-1", timeout=5) as page:
        body = page.read().decode()
        assert page.status == 200 and "no-store" in page.headers["Cache-Control"]
    assert '"device_id": "display-lantai-1"' in body and "demo-display-1-token" not in body
    for path in ("/display/kiosk-1", "/display/nobody", "/web/../server.py", "/web/nothing.js"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(http_base(hub) + path, timeout=5)
        refused.value.close()  # else the hub's stop waits for this socket
        assert refused.value.code == 404, path


def test_a_counters_call_appears_on_the_tv_page(hub: HubThread, devices: Any,
                                                new_page: Any) -> None:
    page = open_display(new_page, hub, "display-lantai-1")
    assert page.evaluate("window.location.hash") == ""  # the token left the address bar
    assert tile_text(page, "loket-01") == "Tutup"
    [label] = open_and_call(devices, "counter-loket-01")
    page.wait_for_function(f"{NOW_LABEL} === '{label}'")
    assert page.inner_text("#now-counter") == "→ Loket 1"
    assert tile_text(page, "loket-01") == label
    assert "lit" in page.get_attribute("[data-counter=loket-01]", "class")
    # the clock is the hub's (Monday 23 November 2026, 09:00), not this machine's
    assert page.inner_text(".clock .date") == "Senin, 23 November 2026"
    assert page.inner_text(".clock .time").startswith("09.0")
    [second] = open_and_call(devices, "counter-loket-02")
    page.wait_for_function(f"{NOW_LABEL} === '{second}'")
    assert label in page.inner_text("#previous")
    for width, height in ((1920, 1080), (1280, 720)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_function(f"document.querySelector('.tile').offsetWidth < {width} / 4")
        page.screenshot(path=str(ARTIFACTS / f"web-hall-{width}x{height}.png"))


def test_a_display_of_another_zone_does_not_show_the_call(hub: HubThread, devices: Any,
                                                          new_page: Any) -> None:
    first = open_display(new_page, hub, "display-lantai-1")
    second = open_display(new_page, hub, "display-lantai-2")
    [label] = open_and_call(devices, "counter-loket-01")
    first.wait_for_function(f"{NOW_LABEL} === '{label}'")
    [upstairs] = open_and_call(devices, "counter-loket-17")  # lantai-2 gets this one
    second.wait_for_function(f"{NOW_LABEL} === '{upstairs}'")
    assert label not in second.inner_text("#app")
    assert second.query_selector("[data-counter=loket-01]") is None
    assert first.inner_text(f"{'#now-label'}") == label  # and lantai 1 never saw upstairs


def test_after_the_hub_restarts_the_page_shows_the_truth_again(
        mall: MallConfig, tmp_path: Path, new_page: Any) -> None:
    db, clock = tmp_path / "restart.db", FakeClock(at(9))
    with HubThread(mall, db, clock) as hub:
        page = open_display(new_page, hub, "display-lantai-1")
        kiosk, terminal = Device(hub.url, "kiosk-1"), Device(hub.url, "counter-loket-01")
        kiosk.request("issue_ticket", service_id="ktp-el")
        kiosk.request("issue_ticket", service_id="ktp-el")
        terminal.request("open_counter")
        terminal.request("call_next")
        page.wait_for_function(f"{NOW_LABEL} === 'A-001'")
        port = int(hub.url.rsplit(":", 1)[1])
        kiosk.close()
        terminal.close()
    page.wait_for_selector("#offline", state="visible")  # the hall sees it is stale
    # While the hub is down its log moves on (as if a restart replayed a late write):
    # A-001 finished, A-002 called. The page learns it only from the new welcome.
    clock.now = at(9, 5)
    core = HubCore.open(mall, db, clock)
    core.execute(lambda engine, now: engine.finish("loket-01", now))
    core.execute(lambda engine, now: engine.call_next("loket-01", now))
    core.close()
    with HubThread(mall, db, clock, port=port):
        page.wait_for_selector("body[data-status=online]")
        page.wait_for_function(f"{NOW_LABEL} === 'A-002'")
        assert tile_text(page, "loket-01") == "A-002"
        assert page.is_hidden("#offline")
        assert "A-001" in page.inner_text("#previous")


def test_announcements_play_strictly_in_order(hub: HubThread, devices: Any,
                                              new_page: Any) -> None:
    page = new_page()
    # Record what the page's audio does; play 8× faster so the test takes seconds.
    page.add_init_script("""
      window.__audio = [];
      const add = EventTarget.prototype.addEventListener;
      HTMLMediaElement.prototype.addEventListener = function (type, listener, options) {
        const element = this;
        const logged = type !== 'ended' ? listener : function (event) {
          window.__audio.push('ended ' + element.src);  // before the page plays the next
          return listener.call(this, event);
        };
        return add.call(this, type, logged, options);
      };
      const play = HTMLMediaElement.prototype.play;
      HTMLMediaElement.prototype.play = function () {
        window.__audio.push('play ' + this.src);
        this.playbackRate = 8;
        return play.call(this);
      };
    """)
    wavs: list[str] = []
    page.on("request", lambda request: wavs.append(request.url)
            if "/announce.wav" in request.url else None)
    page.goto(f"{http_base(hub)}/display/display-lantai-1#token=demo-display-1-token-change-me")
    page.wait_for_selector("body[data-status=online]")
    page.click("#enable-sound")  # the one gesture a browser wants before sound
    assert page.is_hidden("#enable-sound")
    labels = open_and_call(devices, "counter-loket-01", times=2)
    labels += open_and_call(devices, "counter-loket-02")
    page.wait_for_function("window.__audio.filter(e => e.startsWith('ended')).length === 3",
                           timeout=30_000)
    log = page.evaluate("window.__audio")
    expected = [f"ticket={label}&counter={n}" for label, n in zip(labels, (1, 1, 2),
                                                                 strict=True)]
    assert [entry.split(" ")[0] for entry in log] == ["play", "ended"] * 3, log  # never cut off
    for entry, wanted in zip(log[::2], expected, strict=True):
        assert wanted in entry
    assert [url for url in wavs if "announce" in url] == [u.split(" ", 1)[1] for u in log[::2]]
    # the choice is remembered: a reload offers no button again
    page.reload()
    page.wait_for_selector("body[data-status=online]")
    assert page.is_hidden("#enable-sound")
