"""Run `python -m hub serve` as its own process, as systemd would, and wait for it properly."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "config" / "example-mpp.toml"


@dataclass
class HubProcess:
    """A hub process: its port, the fingerprint it printed and its log so far."""

    process: subprocess.Popen[str]
    port: int = 0
    fingerprint: str | None = None
    log: list[str] = field(default_factory=list)
    _partial: bytes = b""

    def wait_for_log(self, text: str, timeout: float = 30.0) -> str:
        """Read the hub's log (stderr) until a line containing `text` arrives; return it.

        Reads the pipe's descriptor itself: a buffered readline could hold the awaited
        line in its buffer while select() says there is nothing more to read.
        """
        assert self.process.stderr is not None
        descriptor = self.process.stderr.fileno()
        deadline = time.monotonic() + timeout
        while True:
            while b"\n" in self._partial:
                raw, self._partial = self._partial.split(b"\n", 1)
                line = raw.decode(errors="replace") + "\n"
                self.log.append(line)
                if text in line:
                    return line
            left = deadline - time.monotonic()
            ready, _, _ = select.select([descriptor], [], [], max(left, 0))
            if not ready:
                raise AssertionError(f"no log line with {text!r} in {timeout} s:\n"
                                     + "".join(self.log))
            chunk = os.read(descriptor, 65536)
            if not chunk:
                raise AssertionError(f"hub exited ({self.process.wait()}) before "
                                     f"{text!r}:\n" + "".join(self.log))
            self._partial += chunk


def stop_process(process: subprocess.Popen[str]) -> None:
    """SIGTERM (what systemd sends), then SIGKILL if it has not stopped in 20 s."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def hub_process(config: Path, db: Path, *extra: str, host: str = "127.0.0.1",
                netns: str | None = None, port: int = 0) -> Iterator[HubProcess]:
    """Start a hub (port 0: the OS chooses; optionally in a network namespace); always stop it."""
    port_file = db.with_suffix(".port")
    port_file.unlink(missing_ok=True)
    command = [sys.executable, "-m", "hub", "serve", "--config", str(config), "--db", str(db),
               "--host", host, "--port", str(port), "--port-file", str(port_file), *extra]
    if netns is not None:
        command = ["ip", "netns", "exec", netns, *command]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env, bufsize=0)
    hub = HubProcess(process)
    try:
        hub.wait_for_log("serving ")
        hub.port = int(port_file.read_text())
        if "--tls-dir" in extra:
            assert process.stdout is not None
            line = process.stdout.readline()
            assert "fingerprint" in line, line
            hub.fingerprint = line.rsplit("fingerprint ", 1)[1].strip()
        yield hub
    finally:
        stop_process(process)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
