"""`python -m hub notify` as a process: SIGKILLed mid-delivery, restarted, nothing lost.

The hub's side is a real HubCore writing a real SQLite file while the sender process
reads it; the receiver is a real HTTP server on 127.0.0.1 port 0 that holds the second
request unanswered so the test can kill the sender exactly mid-send. Waits are on the
receiver's condition, never sleeps.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from hub.config import load_config
from hub.core import HubCore
from tests.notify.helpers import write_mall
from tests.notify.receiver import Receiver

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration


def start_sender(config: Path, db: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "hub", "notify", "--config", str(config), "--db", str(db),
         "--poll-seconds", "0.05"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def near(label: str, day: str) -> str:
    return f"uji:{day}/{label}:near:0"


def test_a_sender_killed_mid_delivery_resends_only_that_one(tmp_path: Path) -> None:
    with Receiver() as receiver:
        config_path = write_mall(tmp_path, receiver.url, always_open=True)
        db = tmp_path / "hub.db"
        # The real time: the sender process drops notifications older than an hour.
        core = HubCore.open(load_config(config_path), db)
        for n in range(6):  # G-004..G-006 leave a phone number
            contact = f"08123456780{n}" if n >= 3 else None
            core.execute(lambda e, t, c=contact: e.issue_ticket("pbg", t, contact=c))
        core.execute(lambda e, t: e.open_counter("c4", t))
        core.execute(lambda e, t: e.call_next("c4", t))
        for _ in range(2):  # G-002, G-003 called: G-005 and G-006 near in turn
            core.execute(lambda e, t: e.finish("c4", t))
            core.execute(lambda e, t: e.call_next("c4", t))
        receiver.behaviour.hold_request = 2
        first = start_sender(config_path, db)
        try:
            assert receiver.behaviour.held.wait(30), "the sender never sent the second"
            os.kill(first.pid, signal.SIGKILL)  # while G-005's POST waits for its answer
            first.wait(10)
        finally:
            first.kill()
            first.communicate()
        receiver.behaviour.hold_request = None
        receiver.behaviour.release.set()
        day = str(core.engine.business_day)
        assert receiver.ids() == [near("G-004", day), near("G-005", day)]

        second = start_sender(config_path, db)
        try:
            receiver.wait_for(lambda got: len(got) == 4 and all(r.answered for r in got[2:]))
            core.execute(lambda e, t: e.finish("c4", t))
            core.execute(lambda e, t: e.call_next("c4", t))  # G-004 called: a new row
            receiver.wait_for(lambda got: len(got) == 5 and got[4].answered)
        finally:
            second.send_signal(signal.SIGTERM)
            _, errors = second.communicate(timeout=20)
        core.close()
    assert second.returncode == 0, errors
    called = receiver.received[4].notification_id
    assert called.startswith(f"uji:{day}/G-004:called:")
    # The one in flight when the sender died is sent again — same id, same bytes, same
    # signature — and nothing else is: the receiver's de-duplication by id covers it.
    assert receiver.ids() == [near("G-004", day), near("G-005", day), near("G-005", day),
                              near("G-006", day), called]
    assert receiver.received[1].body == receiver.received[2].body
    assert receiver.received[1].signature == receiver.received[2].signature
    assert receiver.accepted() == {near("G-004", day): 1, near("G-005", day): 1,
                                   near("G-006", day): 1, called: 1}
    state = sqlite3.connect(tmp_path / "hub.notify.db")
    rows = dict(state.execute("SELECT notification_id, attempts FROM deliveries "
                              "WHERE status = 'delivered'").fetchall())
    state.close()
    assert rows == {near("G-004", day): 1, near("G-005", day): 2, near("G-006", day): 1,
                    called: 1}


def test_the_command_explains_itself_and_refuses_plainly(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "hub", "notify", "--help"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "exactly once" in done.stdout
    config = write_mall(tmp_path, "http://127.0.0.1:9/x")
    (tmp_path / "notify-secret").write_text("short\n")
    done = subprocess.run([sys.executable, "-m", "hub", "notify", "--config", str(config),
                           "--db", str(tmp_path / "hub.db"), "--once"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "secret has 5 bytes; give at least 16" in done.stderr
    assert "Traceback" not in done.stderr
    (tmp_path / "notify-secret").unlink()
    done = subprocess.run([sys.executable, "-m", "hub", "notify", "--config", str(config),
                           "--db", str(tmp_path / "hub.db"), "--once"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "notify-secret" in done.stderr
    assert "Traceback" not in done.stderr
