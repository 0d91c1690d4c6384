"""Benchmark the websocket hub under a busy MPP's load; every party in its own process.

The hub runs as `python -m hub serve` (a subprocess, real clock, a generated config:
100 counters, 50 displays, 10 kiosks and a supervisor by default, every service open
00:00–23:59 every day). Load generators are separate processes, each an asyncio loop
holding many websocket connections (`websockets.asyncio.client.connect`, proxy=None).

Phases, all while 100 counters call → serve → finish and 50 displays listen:
  busy        10 kiosks issue tickets at a busy morning's pace (Poisson, 1/s each)
  fast        the same kiosks as fast as the hub's per-device rate limit allows
  throughput  many kiosks at once (10 + --burst-kiosks), as fast as they may
Then a restart: a 20,000-ticket day is written to a fresh log, the hub is started on
it, stopped with SIGTERM, started again and timed until /health answers and a kiosk
is welcomed.

Latencies across processes use time.monotonic_ns(): CLOCK_MONOTONIC, one clock for
every process on a Linux machine, so a counter's send time and a display's receive
time are comparable. Prints one JSON object (progress goes to stderr).
Budgets: ../shared/DESIGN.md, also in the JSON next to each number.

Run: .venv/bin/python -m bench.bench_hub [--quick] [--duration S] [--counters N] ...
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import datetime as dt
import http.client
import itertools
import json
import multiprocessing
import multiprocessing.connection
import os
import platform
import random
import re
import secrets
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import traceback
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_CONFIG = ROOT / "config" / "example-mpp.toml"

BUDGET_CALL_P99_MS = 5.0
"""counter "call next" → every display of the zone has the event (DESIGN.md)."""
BUDGET_ISSUE_P99_MS = 10.0
"""kiosk "issue" → durable acknowledgement."""
BUDGET_TICKETS_PER_S = 1000.0
"""durable tickets per second, many kiosks at once, no number reused."""
BUDGET_RESTART_S = 1.0
"""hub restart → serving again with a 20,000-ticket day in the log."""
BUDGET_RSS_MB = 100.0
"""hub memory with 160 clients connected."""
BUDGET_FRAMES_PER_TICKET = 10.0
"""frames the hub sends per ticket to kiosks, counters and supervisors (DESIGN.md)."""

HUB_RATE_PER_S = 20.0
"""hub.server.RATE_PER_S: a device sending faster for long has its messages dropped."""
KIOSK_MAX_RATE = HUB_RATE_PER_S * 0.95
"""A kiosk at full speed keeps under the hub's per-device limit, as a real one would."""

REQUEST_TIMEOUT_S = 10.0
DRAIN_S = 2.0
"""After the load stops, displays keep listening this long for events still in flight."""
GAP_S = 3.0
"""Pause between the fast and throughput phases, while the extra kiosks connect."""

NS = 1_000_000_000
MS = 1_000_000


def log(message: str) -> None:
    """Progress to stderr; stdout carries only the JSON result."""
    print(f"[bench_hub {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ============================================================== configuration


def bench_config(counters: int, displays: int, kiosks: int, burst_kiosks: int,
                 example: Path = EXAMPLE_CONFIG) -> dict[str, Any]:
    """The example MPP's structure, open all day every day, with the benchmark's devices.

    Tenants, services (their texts and standards), zones and queue rules come from the
    example; hours cover 00:00–23:59 every weekday with no breaks, holidays, cut-offs or
    quotas, so the real clock never closes a service. `counters` lokets are shared
    among the tenants (each tenant first gets one, the rest go by number of services),
    each serving all its tenant's services, in a rotated order.
    """
    with example.open("rb") as handle:
        source = tomllib.load(handle)
    all_days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    services_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for service in source["services"]:
        services_of[service["tenant"]].append(service)
    tenant_ids = [t["id"] for t in source["tenants"] if services_of[t["id"]]]
    # one loket per tenant first, then one per service, cycling: busy tenants get more
    slots = tenant_ids + [s["tenant"] for s in itertools.islice(
        itertools.cycle(source["services"]), max(0, counters - len(tenant_ids)))]
    slots = slots[:counters]
    kept = [t for t in tenant_ids if t in set(slots)]
    per_tenant: Counter[str] = Counter()
    counter_list = []
    for index, tenant in enumerate(slots):
        own = [s["id"] for s in services_of[tenant]]
        turn = per_tenant[tenant] % len(own)
        per_tenant[tenant] += 1
        counter_list.append({
            "id": f"loket-{index + 1:03d}", "name": f"Loket {index + 1}", "number": index + 1,
            "tenant": tenant, "services": own[turn:] + own[:turn], "selection": "order",
        })
    zones = []
    for zone in source.get("zones", []):
        tenants = [t for t in zone["tenants"] if t in kept]
        if tenants:
            zones.append({**zone, "tenants": tenants})
    if not zones:
        zones = [{"id": "aula", "name": "Aula", "tenants": kept}]

    def token(device_id: str) -> str:
        return f"bench-{device_id}-{secrets.token_hex(12)}"

    devices: list[dict[str, Any]] = []
    for n in range(kiosks):
        devices.append({"id": f"kiosk-{n + 1:02d}", "role": "kiosk", "name": f"Anjungan {n + 1}"})
    for n in range(burst_kiosks):
        devices.append({"id": f"kiosk-extra-{n + 1:03d}", "role": "kiosk",
                        "name": f"Anjungan tambahan {n + 1}"})
    for counter in counter_list:
        devices.append({"id": f"counter-{counter['id']}", "role": "counter",
                        "counter": counter["id"]})
    for n in range(displays):
        devices.append({"id": f"display-{n + 1:02d}", "role": "display",
                        "zone": zones[n % len(zones)]["id"], "name": f"Layar {n + 1}"})
    devices.append({"id": "supervisor-1", "role": "supervisor", "name": "Kepala MPP"})
    for device in devices:
        device["token"] = token(device["id"])

    def without(item: dict[str, Any], *keys: str) -> dict[str, Any]:
        return {k: v for k, v in item.items() if k not in keys}

    return {
        "mpp": source["mpp"],
        "hub": {**source.get("hub", {}), "host": "127.0.0.1", "port": 0},
        "queue": source.get("queue", {}),
        "schedule": {"hours": [{"days": all_days, "open": "00:00", "close": "23:59"}],
                     "breaks": [], "holidays": []},
        "tenants": [without(t, "hours") for t in source["tenants"] if t["id"] in kept],
        "services": [without(s, "hours", "daily_quota") for s in source["services"]
                     if s["tenant"] in kept],
        "counters": counter_list,
        "zones": zones,
        "devices": devices,
    }


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # JSON string escapes are valid TOML
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}"
                                for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def to_toml(data: dict[str, Any]) -> str:
    """Write a config dict as TOML: tables, arrays of tables, inline tables below them."""
    lines = ["# Generated by bench/bench_hub.py: the benchmark's mall. Do not edit.", ""]
    for name, value in data.items():
        if isinstance(value, dict):
            lines.append(f"[{name}]")
            lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()]
            lines.append("")
        elif isinstance(value, list) and all(isinstance(item, dict) for item in value):
            for item in value:
                lines.append(f"[[{name}]]")
                lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in item.items()]
                lines.append("")
        else:
            raise TypeError(f"top-level {name!r} must be a table or an array of tables")
    return "\n".join(lines)


def write_config(path: Path, data: dict[str, Any]) -> Any:
    """Write the TOML and load it back with the hub's own loader (raises if invalid)."""
    from hub.config import load_config

    path.write_text(to_toml(data), encoding="utf-8")
    return load_config(path)


# ================================================================ the hub process


def _die_with_parent() -> None:
    """In the hub child: get SIGTERM if the benchmark itself dies (Linux prctl)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@dataclass
class HubProcess:
    """`python -m hub serve` in its own session, logging to a file."""

    config: Path
    db: Path
    folder: Path
    name: str = "hub"
    process: subprocess.Popen[bytes] | None = None
    port: int = 0
    started_ns: int = 0
    log_path: Path = field(init=False)
    port_file: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log_path = self.folder / f"{self.name}.log"
        self.port_file = self.folder / f"{self.name}.port"

    def start(self) -> None:
        """Start the process (returns at once; see wait_port)."""
        self.port_file.unlink(missing_ok=True)
        with self.log_path.open("ab") as output:
            self.started_ns = time.monotonic_ns()
            self.process = subprocess.Popen(
                [sys.executable, "-m", "hub", "serve", "--config", str(self.config),
                 "--db", str(self.db), "--host", "127.0.0.1", "--port", "0",
                 "--port-file", str(self.port_file)],
                cwd=ROOT, stdin=subprocess.DEVNULL, stdout=output, stderr=output,
                start_new_session=True, preexec_fn=_die_with_parent,
            )

    def wait_port(self, timeout: float = 30.0, poll: float = 0.002) -> int:
        """Wait for the port file the hub writes once it listens; return the port."""
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"hub exited with {self.process.returncode}:\n{self.log_tail()}")
            with contextlib.suppress(OSError, ValueError):
                self.port = int(self.port_file.read_text())
                return self.port
            time.sleep(poll)
        raise RuntimeError(f"hub did not listen within {timeout} s:\n{self.log_tail()}")

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def stop(self, timeout: float = 15.0) -> float:
        """SIGTERM and wait; SIGKILL if it hangs. Return seconds until it exited."""
        if self.process is None or self.process.poll() is not None:
            return 0.0
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            log(f"{self.name} ignored SIGTERM for {timeout} s; killing it")
            self.process.kill()
            self.process.wait()
        return time.monotonic() - started

    def log_tail(self, lines: int = 30) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""


def proc_status_kb(pid: int, key: str) -> int | None:
    """Read one `kB` field (VmRSS, VmHWM) of /proc/<pid>/status."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def get_health(port: int, timeout: float = 2.0) -> dict[str, Any] | None:
    """GET /health over plain HTTP; None if it does not answer 200 (yet)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", "/health")
        response = connection.getresponse()
        body = response.read()
        return json.loads(body) if response.status == 200 else None
    except (OSError, ValueError, http.client.HTTPException):
        return None
    finally:
        connection.close()


# ================================================================ load generators


@dataclass(frozen=True)
class DeviceSpec:
    """One device a load generator plays."""

    device_id: str
    token: str
    role: str
    zone: str | None = None
    extra: bool = False
    """A kiosk that connects only for the throughput phase."""


@dataclass(frozen=True)
class Schedule:
    """Phase boundaries in time.monotonic_ns(), the same clock in every process."""

    busy_start: int
    fast_start: int
    fast_end: int
    throughput_start: int
    throughput_end: int
    drain_until: int

    def phase_of(self, t: int) -> str:
        if t < self.fast_start:
            return "busy"
        if t < self.fast_end:
            return "fast"
        if t < self.throughput_start:
            return "gap"
        return "throughput"


@dataclass(frozen=True)
class LoadSettings:
    """How devices behave (see --help)."""

    services: tuple[str, ...]
    busy_rate: float
    serve_s: tuple[float, float]
    idle_s: tuple[float, float]


async def _sleep_until(t_ns: int) -> None:
    delay = (t_ns - time.monotonic_ns()) / NS
    if delay > 0:
        await asyncio.sleep(delay)


class Link:
    """A device's websocket: hello → welcome, one request at a time, frames read aside."""

    def __init__(self, spec: DeviceSpec, url: str) -> None:
        self.spec = spec
        self.url = url
        self.ws: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._pending: dict[str, asyncio.Future[tuple[dict[str, Any], int]]] = {}
        self._numbers = itertools.count(1)
        self.seq = 0
        self.frames = 0
        self.errors: Counter[str] = Counter()
        self.late: list[dict[str, Any]] = []
        """Answers that came after their request timed out."""

    async def open(self) -> None:
        from websockets.asyncio.client import connect

        # the same options as hub/client/connection.py (compression left at its default)
        self.ws = await connect(self.url, proxy=None, open_timeout=30, ping_interval=10,
                                ping_timeout=10, max_size=8 * 1024 * 1024, close_timeout=2)
        await self.ws.send(json.dumps({"type": "hello", "device_id": self.spec.device_id,
                                       "token": self.spec.token}))
        while True:
            welcome = json.loads(await asyncio.wait_for(self.ws.recv(), 30))
            if welcome.get("type") in ("welcome", "error"):
                break
            # the protocol says welcome comes first: count anything else, do not stop
            self.errors[f"before_welcome:{welcome.get('type')}"] += 1
        if welcome["type"] != "welcome":
            raise RuntimeError(f"{self.spec.device_id} refused: {welcome}")
        self.seq = welcome["seq"]
        self._reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await self.ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader

    async def _read(self) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            while True:
                raw = await self.ws.recv(decode=False)
                now = time.monotonic_ns()
                self.frames += 1
                if raw.startswith(b'{"type": "event"'):
                    self.on_event(raw, now)
                    continue
                message = json.loads(raw)
                future = self._pending.pop(message.get("request_id") or "", None)
                if future is not None and not future.done():
                    future.set_result((message, now))
                elif message.get("request_id"):
                    self.late.append(message)
                elif message.get("type") == "error":
                    self.errors[f"unsolicited:{message.get('code')}"] += 1
        except ConnectionClosed:
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(ConnectionError("connection closed"))

    def on_event(self, raw: bytes, received_ns: int) -> None:
        """An event frame arrived (most devices only count them)."""

    async def request(self, kind: str, **fields: Any) -> tuple[dict[str, Any], int, int]:
        """Send a request; return (answer, sent_ns, answered_ns)."""
        request_id = f"{kind}-{next(self._numbers)}"
        future: asyncio.Future[tuple[dict[str, Any], int]] = (
            asyncio.get_running_loop().create_future())
        self._pending[request_id] = future
        sent = time.monotonic_ns()
        await self.ws.send(json.dumps({"type": kind, "request_id": request_id, **fields}))
        try:
            message, answered = await asyncio.wait_for(asyncio.shield(future), REQUEST_TIMEOUT_S)
        except TimeoutError:
            self._pending.pop(request_id, None)
            self.errors[f"{kind}:timeout"] += 1
            raise
        if message.get("type") == "error":
            self.errors[f"{kind}:{message.get('code')}"] += 1
        return message, sent, answered


class Kiosk(Link):
    """Issues tickets: Poisson arrivals at the busy pace, then as fast as it may."""

    def __init__(self, spec: DeviceSpec, url: str, settings: LoadSettings,
                 rng: random.Random) -> None:
        super().__init__(spec, url)
        self.settings, self.rng = settings, rng
        self.issued: list[tuple[int, int, str]] = []
        """(sent_ns, latency_ns, ticket_id) of every ticket this kiosk got."""

    async def run(self, schedule: Schedule) -> None:
        if not self.spec.extra:
            t = schedule.busy_start
            while True:
                t += int(self.rng.expovariate(self.settings.busy_rate) * NS)
                if t >= schedule.fast_start:
                    break
                await _sleep_until(t)
                await self.issue()
            await self.full_speed(schedule.fast_start, schedule.fast_end)
        await self.full_speed(schedule.throughput_start, schedule.throughput_end)

    async def full_speed(self, start: int, end: int) -> None:
        gap = int(NS / KIOSK_MAX_RATE)
        next_send = start
        while True:
            await _sleep_until(next_send)
            now = time.monotonic_ns()
            if now >= end:
                return
            next_send = now + gap
            await self.issue()

    async def issue(self) -> None:
        service = self.rng.choice(self.settings.services)
        try:
            answer, sent, answered = await self.request("issue_ticket", service_id=service)
        except (TimeoutError, ConnectionError):
            return
        if answer["type"] == "result":
            self.issued.append((sent, answered - sent, answer["events"][0]["ticket_id"]))


class CounterDesk(Link):
    """Opens its loket, then call next → serve a while → finish, until the load stops."""

    def __init__(self, spec: DeviceSpec, url: str, settings: LoadSettings,
                 rng: random.Random) -> None:
        super().__init__(spec, url)
        self.settings, self.rng = settings, rng
        self.calls: list[tuple[str, int, int]] = []
        """(ticket_id, sent_ns, latency_ns) of every successful call_next."""

    async def open(self) -> None:
        await super().open()
        answer, _, _ = await self.request("open_counter", staff=f"Petugas {self.spec.device_id}")
        if answer["type"] != "result" and answer.get("code") != "illegal_move":
            raise RuntimeError(f"{self.spec.device_id} could not open: {answer}")

    async def run(self, schedule: Schedule) -> None:
        await _sleep_until(schedule.busy_start + int(self.rng.uniform(0, 1) * NS))
        while time.monotonic_ns() < schedule.throughput_end:
            try:
                answer, sent, answered = await self.request("call_next")
            except (TimeoutError, ConnectionError):
                continue
            if answer["type"] == "result":
                called = next(e for e in answer["events"] if e["type"] == "ticket_called")
                self.calls.append((called["ticket_id"], sent, answered - sent))
                await asyncio.sleep(self.rng.uniform(*self.settings.serve_s))
                with contextlib.suppress(TimeoutError, ConnectionError):
                    await self.request("finish")
            else:
                await asyncio.sleep(self.rng.uniform(*self.settings.idle_s))


class Display(Link):
    """Listens; notes when each ticket_called arrives and any gap in sequence numbers."""

    def __init__(self, spec: DeviceSpec, url: str) -> None:
        super().__init__(spec, url)
        self.seen: list[tuple[str, int]] = []
        self.gaps = 0
        self.stale = 0

    def on_event(self, raw: bytes, received_ns: int) -> None:
        message = json.loads(raw)
        if message["seq"] <= self.seq:
            self.stale += 1  # already known (a client ignores it); not a gap
            return
        if message.get("prev_seq", 0) > self.seq:
            self.gaps += 1
        self.seq = message["seq"]
        event = message["event"]
        if event["type"] == "ticket_called":
            self.seen.append((event["ticket_id"], received_ns))

    async def run(self, schedule: Schedule) -> None:
        await _sleep_until(schedule.drain_until)


class Supervisor(Link):
    """Listens to everything (the dashboard); only counts frames."""

    async def run(self, schedule: Schedule) -> None:
        await _sleep_until(schedule.drain_until)


def _make_device(spec: DeviceSpec, url: str, settings: LoadSettings, rng: random.Random) -> Link:
    if spec.role == "kiosk":
        return Kiosk(spec, url, settings, random.Random(rng.random()))
    if spec.role == "counter":
        return CounterDesk(spec, url, settings, random.Random(rng.random()))
    if spec.role == "display":
        return Display(spec, url)
    return Supervisor(spec, url)


async def _open_all(devices: Iterable[Link], parallel: int = 8) -> None:
    gate = asyncio.Semaphore(parallel)

    async def one(device: Link) -> None:
        async with gate:
            await device.open()

    await asyncio.gather(*(one(d) for d in devices))


async def _worker(url: str, specs: list[DeviceSpec], seed: int, settings: LoadSettings,
                  pipe: multiprocessing.connection.Connection) -> dict[str, Any]:
    rng = random.Random(seed)
    devices = [_make_device(spec, url, settings, rng) for spec in specs]
    regular = [d for d in devices if not d.spec.extra]
    extra = [d for d in devices if d.spec.extra]
    try:
        await _open_all(regular)
        pipe.send(("ready", len(regular)))
        schedule = await asyncio.to_thread(pipe.recv)
        if schedule is None:
            return {}

        async def extra_kiosk(device: Link) -> None:
            await _sleep_until(schedule.fast_end + int(rng.uniform(0, GAP_S / 2) * NS))
            await device.open()
            await device.run(schedule)  # type: ignore[attr-defined]

        async def then_wait(run: Any) -> None:
            await run
            await _sleep_until(schedule.drain_until)

        await asyncio.gather(*(then_wait(d.run(schedule)) for d in regular),  # type: ignore[attr-defined]
                             *(then_wait(extra_kiosk(d)) for d in extra))
    finally:
        await asyncio.gather(*(d.close() for d in devices), return_exceptions=True)
    errors: Counter[str] = Counter()
    for device in devices:
        errors.update(device.errors)
    return {
        "issued": [row for d in devices if isinstance(d, Kiosk) for row in d.issued],
        "late_tickets": [m["events"][0]["ticket_id"] for d in devices for m in d.late
                         if m.get("type") == "result" and m["request_id"].startswith("issue")],
        "calls": [(d.spec.device_id, *row) for d in devices if isinstance(d, CounterDesk)
                  for row in d.calls],
        "seen": [(d.spec.device_id, *row) for d in devices if isinstance(d, Display)
                 for row in d.seen],
        "gaps": sum(d.gaps for d in devices if isinstance(d, Display)),
        "stale": sum(d.stale for d in devices if isinstance(d, Display)),
        "frames": {role: sum(d.frames for d in devices if d.spec.role == role)
                   for role in ("kiosk", "counter", "display", "supervisor")},
        "errors": dict(errors),
    }


def worker_main(url: str, specs: list[DeviceSpec], seed: int, settings: LoadSettings,
                pipe: multiprocessing.connection.Connection) -> None:
    """A load generator process: many devices on one asyncio loop; reports through `pipe`."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when we stop
    try:
        result = asyncio.run(_worker(url, specs, seed, settings, pipe))
        pipe.send(("done", result))
    except BaseException:
        with contextlib.suppress(Exception):
            pipe.send(("failed", traceback.format_exc()))


# ================================================================== orchestration


def percentile(ordered: list[float], share: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    return ordered[min(len(ordered) - 1, max(0, int(share * len(ordered) + 0.5) - 1))]


def latency_summary(values_ns: list[int], budget_ms: float | None) -> dict[str, Any]:
    """count, p50, p99, max in ms, with the budget for p99 and whether it holds."""
    if not values_ns:
        return {"count": 0, "p50_ms": None, "p99_ms": None, "max_ms": None,
                "budget_p99_ms": budget_ms, "within_budget": False if budget_ms else None}
    ordered = sorted(v / MS for v in values_ns)
    p99 = percentile(ordered, 0.99)
    summary: dict[str, Any] = {
        "count": len(ordered),
        "p50_ms": round(percentile(ordered, 0.50), 3),
        "p99_ms": round(p99, 3),
        "max_ms": round(ordered[-1], 3),
    }
    if budget_ms is not None:
        summary["budget_p99_ms"] = budget_ms
        summary["within_budget"] = p99 <= budget_ms
    return summary


class Workers:
    """The load generator processes: started with `spawn`, always stopped."""

    def __init__(self) -> None:
        self.context = multiprocessing.get_context("spawn")
        self.processes: list[Any] = []
        self.pipes: list[multiprocessing.connection.Connection] = []

    def start(self, url: str, chunks: list[list[DeviceSpec]], settings: LoadSettings,
              seed: int) -> None:
        for index, chunk in enumerate(chunks):
            parent_end, child_end = self.context.Pipe()
            process = self.context.Process(
                target=worker_main, args=(url, chunk, seed + index, settings, child_end),
                name=f"bench-load-{index}", daemon=True)
            process.start()
            child_end.close()
            self.processes.append(process)
            self.pipes.append(parent_end)

    def gather(self, kind: str, timeout: float) -> list[Any]:
        """Wait for one `kind` message from every worker; raise on failure or timeout."""
        answers: dict[int, Any] = {}
        deadline = time.monotonic() + timeout
        while len(answers) < len(self.pipes):
            left = deadline - time.monotonic()
            if left <= 0:
                raise RuntimeError(f"load generators: no {kind!r} within {timeout:.0f} s")
            waiting = [p for i, p in enumerate(self.pipes) if i not in answers]
            for pipe in multiprocessing.connection.wait(waiting, min(left, 1.0)):
                index = self.pipes.index(pipe)  # type: ignore[arg-type]
                try:
                    what, payload = pipe.recv()  # type: ignore[union-attr]
                except EOFError:
                    raise RuntimeError(f"load generator {index} died") from None
                if what == "failed":
                    raise RuntimeError(f"load generator {index} failed:\n{payload}")
                answers[index] = payload
        return [answers[i] for i in range(len(self.pipes))]

    def send(self, message: Any) -> None:
        for pipe in self.pipes:
            with contextlib.suppress(OSError):
                pipe.send(message)

    def stop(self, grace: float = 3.0) -> None:
        """Let them exit within `grace` seconds, then terminate, then kill."""
        for pipe in self.pipes:
            with contextlib.suppress(OSError):
                pipe.close()
        for process in self.processes:
            process.join(grace)
            if process.is_alive():
                process.terminate()
                process.join(3)
            if process.is_alive():
                process.kill()
                process.join()
        self.processes.clear()
        self.pipes.clear()


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time a process used so far (/proc/<pid>/stat)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu_seconds() -> float:
    """CPU time all processes on the machine used so far (/proc/stat, every core)."""
    with open("/proc/stat") as handle:
        fields = [int(v) for v in handle.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


class Sampler:
    """Samples the hub's VmRSS and CPU time: the hub's, the load generators', everyone's."""

    def __init__(self, hub_pid: int, load_pids: list[int], interval: float = 0.2) -> None:
        self.hub_pid, self.load_pids, self.interval = hub_pid, load_pids, interval
        self.samples: list[tuple[int, int, float, float, float]] = []
        """(monotonic_ns, hub VmRSS kB, hub CPU s, load generators' CPU s, machine CPU s)"""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            rss = proc_status_kb(self.hub_pid, "VmRSS")
            hub_cpu = cpu_seconds(self.hub_pid)
            load_cpu = sum(cpu_seconds(pid) or 0.0 for pid in self.load_pids)
            if rss is not None and hub_cpu is not None:
                self.samples.append((time.monotonic_ns(), rss, hub_cpu, load_cpu,
                                     machine_cpu_seconds()))
            self._stop.wait(self.interval)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def max_rss_mb(self, start: int, end: int) -> float | None:
        within = [s[1] for s in self.samples if start <= s[0] < end]
        return round(max(within) / 1024, 1) if within else None

    def cpu_percent(self, start: int, end: int) -> dict[str, float] | None:
        """CPU used in [start, end) as % of one core: the hub, the load generators, and
        every other process on the machine (which the benchmark does not control)."""
        within = [s for s in self.samples if start <= s[0] < end]
        if len(within) < 2:
            return None
        (t0, _, hub0, load0, all0), (t1, _, hub1, load1, all1) = within[0], within[-1]
        wall = (t1 - t0) / NS
        hub, load = (hub1 - hub0) / wall, (load1 - load0) / wall
        return {"hub": round(100 * hub), "load_generators": round(100 * load),
                "other_processes": max(0, round(100 * ((all1 - all0) / wall - hub - load)))}


def _chunks(specs: list[DeviceSpec], workers: int) -> list[list[DeviceSpec]]:
    """Deal the devices round-robin, so every process has some of each role."""
    return [specs[i::workers] for i in range(workers) if specs[i::workers]]


def run_load(args: argparse.Namespace, config: Any, hub: HubProcess,
             workers: Workers) -> dict[str, Any]:
    """Connect every device, run the three phases, return the measured numbers."""
    services = tuple(s.id for s in config.services)
    settings = LoadSettings(services, args.busy_rate, (args.serve_min, args.serve_max),
                            (args.idle_min, args.idle_max))
    devices = config.devices
    regular = [DeviceSpec(d.id, d.token, d.role, d.zone) for d in devices
               if not d.id.startswith("kiosk-extra-")]
    extra = [DeviceSpec(d.id, d.token, d.role, d.zone, extra=True) for d in devices
             if d.id.startswith("kiosk-extra-")]
    zone_of_counter = {}
    for counter in config.counters:
        zone_of_counter[counter.id] = next(
            (z.id for z in config.zones if counter.tenant in z.tenants), None)
    displays_of_zone: dict[str | None, set[str]] = defaultdict(set)
    for d in devices:
        if d.role == "display":
            displays_of_zone[d.zone].add(d.id)

    log(f"starting {args.workers} load generator processes for {len(regular)} devices "
        f"(+{len(extra)} extra kiosks later)")
    connect_started = time.monotonic()
    workers.start(hub.url, _chunks(regular + extra, args.workers), settings, args.seed)
    workers.gather("ready", timeout=120)
    connect_seconds = time.monotonic() - connect_started
    health = get_health(hub.port) or {}
    idle_rss = proc_status_kb(hub.pid, "VmRSS")
    log(f"{sum(health.get('clients', {}).values())} clients connected in "
        f"{connect_seconds:.1f} s: {health.get('clients')}; hub RSS {idle_rss} kB")

    start = time.monotonic_ns() + NS
    fast_start = start + int(args.duration * NS)
    fast_end = fast_start + int(args.fast_duration * NS)
    throughput_start = fast_end + int(GAP_S * NS)
    throughput_end = throughput_start + int(args.throughput_duration * NS)
    schedule = Schedule(start, fast_start, fast_end, throughput_start, throughput_end,
                        throughput_end + int(DRAIN_S * NS))
    log(f"phases: busy {args.duration:.0f} s, fast {args.fast_duration:.0f} s, "
        f"throughput {args.throughput_duration:.0f} s")
    with Sampler(hub.pid, [p.pid for p in workers.processes]) as sampler:
        workers.send(schedule)
        total = (schedule.drain_until - time.monotonic_ns()) / NS
        results = workers.gather("done", timeout=total + 60)
    hwm = proc_status_kb(hub.pid, "VmHWM")
    stop_seconds = hub.stop()
    log(f"load done; hub stopped in {stop_seconds:.2f} s")

    # ------------------------------------------------------------ issue latency
    issued = [row for r in results for row in r["issued"]]
    by_phase: dict[str, list[int]] = defaultdict(list)
    for sent, latency, _ in issued:
        by_phase[schedule.phase_of(sent)].append(latency)
    issue = {phase: latency_summary(by_phase[phase], BUDGET_ISSUE_P99_MS)
             for phase in ("busy", "fast", "throughput")}
    issue["busy"]["kiosks"] = issue["fast"]["kiosks"] = len(
        [s for s in regular if s.role == "kiosk"])
    issue["throughput"]["kiosks"] = issue["busy"]["kiosks"] + len(extra)
    for phase, seconds in (("busy", args.duration), ("fast", args.fast_duration),
                           ("throughput", args.throughput_duration)):
        issue[phase]["tickets_per_second"] = round(len(by_phase[phase]) / seconds, 1)

    # --------------------------------------------------------- tickets and labels
    ticket_ids = [tid for _, _, tid in issued] + [t for r in results for t in r["late_tickets"]]
    duplicates = len(ticket_ids) - len(set(ticket_ids))
    done_in_window = sum(1 for sent, latency, _ in issued
                         if throughput_start <= sent + latency < throughput_end)
    per_second = done_in_window / args.throughput_duration
    with contextlib.closing(sqlite3.connect(f"file:{hub.db}?mode=ro", uri=True)) as db:
        in_log, distinct_in_log = db.execute(
            "SELECT count(*), count(DISTINCT business_day || ' ' || label) FROM visits"
        ).fetchone()
    throughput = {
        "kiosks": issue["throughput"]["kiosks"],
        "seconds": args.throughput_duration,
        "tickets_answered_in_window": done_in_window,
        "tickets_per_second": round(per_second, 1),
        "client_pacing_cap_per_second": round(KIOSK_MAX_RATE * issue["throughput"]["kiosks"]),
        "tickets_issued_whole_run": len(ticket_ids),
        "duplicate_ticket_ids": duplicates,
        "tickets_in_log": in_log,
        "distinct_labels_in_log": distinct_in_log,
        "budget_min_per_second": BUDGET_TICKETS_PER_S,
        "within_budget": per_second >= BUDGET_TICKETS_PER_S and duplicates == 0
        and in_log == distinct_in_log,
    }

    # ------------------------------------------------------- call → every display
    calls = [row for r in results for row in r["calls"]]
    seen: dict[str, dict[str, int]] = defaultdict(dict)
    for display_id, ticket_id, received in (row for r in results for row in r["seen"]):
        seen[ticket_id][display_id] = received
    every: dict[str, list[int]] = defaultdict(list)
    each: dict[str, list[int]] = defaultdict(list)
    answer: dict[str, list[int]] = defaultdict(list)
    missing = Counter[str]()
    for device_id, ticket_id, sent, latency in calls:
        phase = schedule.phase_of(sent)
        answer[phase].append(latency)
        expected = displays_of_zone.get(zone_of_counter[device_id.removeprefix("counter-")],
                                        set()) | displays_of_zone.get(None, set())
        got = seen.get(ticket_id, {})
        lost = expected - set(got)
        if lost:
            missing[phase] += len(lost)
            continue
        if expected:
            every[phase].append(max(got[d] for d in expected) - sent)
            each[phase] += [got[d] - sent for d in expected]
    call = {}
    for phase in ("busy", "fast", "throughput"):
        summary = latency_summary(every[phase], BUDGET_CALL_P99_MS)
        summary["calls"] = len(answer[phase])
        summary["missing_deliveries"] = missing[phase]
        summary["each_display_p50_ms"] = latency_summary(each[phase], None)["p50_ms"]
        summary["each_display_p99_ms"] = latency_summary(each[phase], None)["p99_ms"]
        summary["counter_result_p99_ms"] = latency_summary(answer[phase], None)["p99_ms"]
        if missing[phase]:
            summary["within_budget"] = False
        call[phase] = summary
    call["busy"]["displays_per_zone"] = {str(z): len(d) for z, d in displays_of_zone.items()}
    call["display_sequence_gaps"] = sum(r["gaps"] for r in results)
    call["display_stale_messages"] = sum(r.get("stale", 0) for r in results)

    rss_all = round(idle_rss / 1024, 1) if idle_rss else None
    rss_busy = sampler.max_rss_mb(schedule.busy_start, schedule.fast_start)
    memory = {
        "clients": sum(health.get("clients", {}).values()),
        "rss_mb_all_connected_idle": rss_all,
        "rss_mb_max_busy_phase": rss_busy,
        "rss_mb_max_whole_run": sampler.max_rss_mb(0, 2**63),
        "peak_hwm_mb": round(hwm / 1024, 1) if hwm else None,
        "budget_mb": BUDGET_RSS_MB,
        "within_budget": rss_busy is not None and rss_busy <= BUDGET_RSS_MB,
    }
    cpu = {
        "busy": sampler.cpu_percent(schedule.busy_start, schedule.fast_start),
        "fast": sampler.cpu_percent(schedule.fast_start, schedule.fast_end),
        "throughput": sampler.cpu_percent(schedule.throughput_start, schedule.throughput_end),
        "machine_total": 100 * (os.cpu_count() or 1),
    }
    if cpu["throughput"] and done_in_window:
        # what one ticket costs the hub, with every other device's traffic going on
        throughput["hub_cpu_ms_per_ticket"] = round(
            cpu["throughput"]["hub"] * 10 * args.throughput_duration / done_in_window, 2)
    errors: Counter[str] = Counter()
    for r in results:
        errors.update(r["errors"])
    frames: Counter[str] = Counter()
    for r in results:
        frames.update(r["frames"])
    return {
        "clients_connected": health.get("clients"),
        "connect_seconds": round(connect_seconds, 2),
        "call_to_every_display": call,
        "issue_to_result": issue,
        "throughput": throughput,
        "hub_memory": memory,
        "cpu_percent_of_one_core": cpu,
        "frames_received": dict(frames),
        "frames_per_ticket": frames_per_ticket(frames, throughput.get("tickets_issued_whole_run")),
        "request_errors": dict(sorted(errors.items())),
        "hub_stop_seconds": round(stop_seconds, 3),
    }


def frames_per_ticket(frames: Counter[str], tickets: int | None) -> dict[str, Any]:
    """Frames received per ticket issued in the whole run, per role and for screens but displays.

    Displays must each see every call of their zone, so their share grows with the number
    of displays by design; the budget is for everyone else (kiosks, counters, supervisors).
    """
    if not tickets:
        return {}
    per_role = {role: round(count / tickets, 2) for role, count in sorted(frames.items())}
    others = sum(count for role, count in frames.items() if role != "display") / tickets
    return {**per_role, "all_but_displays": round(others, 2),
            "budget_all_but_displays": BUDGET_FRAMES_PER_TICKET,
            "within_budget": others <= BUDGET_FRAMES_PER_TICKET}


# ======================================================================== restart


def build_day(config: Any, db: Path, tickets: int, seed: int) -> int:
    """Write a busy day (issue; call or finish at a random loket) with the real clock.

    Uses the engine and event log in-process like bench_eventlog, committing the
    commands in groups of a few hundred (the events are exactly what the hub logs).
    Returns the number of events.
    """
    from hub.core import HubCore
    from hub.engine import QueueError
    from hub.eventlog import Entry

    rng = random.Random(seed)
    core = HubCore.open(config, db)
    try:
        core.start_day_if_needed()
        engine, clock = core.engine, core.clock
        counters = [c.id for c in config.counters]
        services = [s.id for s in config.services]
        entries = [Entry(engine.open_counter(c, clock())) for c in counters]
        for _ in range(tickets):
            entries.append(Entry(engine.issue_ticket(rng.choice(services), clock())))
            counter = rng.choice(counters)
            with contextlib.suppress(QueueError):
                if engine.counters[counter].ticket_id is None:
                    entries.append(Entry(engine.call_next(counter, clock())))
                else:
                    entries.append(Entry(engine.finish(counter, clock())))
            if len(entries) >= 500:
                core.log.append(entries)
                entries = []
        if entries:
            core.log.append(entries)
        return core.log.last_seq
    finally:
        core.close()


def _welcome_seconds(url: str, device: Any, started_ns: int) -> float:
    from websockets.sync.client import connect

    with connect(url, proxy=None, open_timeout=30) as ws:
        ws.send(json.dumps({"type": "hello", "device_id": device.id, "token": device.token}))
        welcome = json.loads(ws.recv(30))
        done = time.monotonic_ns()
    if welcome.get("type") != "welcome":
        raise RuntimeError(f"{device.id} not welcomed after restart: {welcome}")
    return (done - started_ns) / NS


async def _welcome_everyone(url: str, devices: list[Any]) -> list[float]:
    """Connect every device at once (as after a restart); return each one's seconds."""
    from websockets.asyncio.client import connect

    started = time.monotonic()
    everyone_in = asyncio.Event()
    seconds: list[float] = []

    async def one(device: Any) -> None:
        async with connect(url, proxy=None, open_timeout=120, max_size=None) as ws:
            await ws.send(json.dumps({"type": "hello", "device_id": device.id,
                                      "token": device.token}))
            while True:
                message = json.loads(await asyncio.wait_for(ws.recv(), 120))
                if message.get("type") == "welcome":
                    break
                if message.get("type") == "error":
                    raise RuntimeError(f"{device.id} refused after restart: {message}")
            seconds.append(time.monotonic() - started)
            if len(seconds) == len(devices):
                everyone_in.set()
            await everyone_in.wait()  # stay connected until all are back, like real devices

    await asyncio.gather(*(one(d) for d in devices))
    return seconds


def bench_restart(config_path: Path, config: Any, folder: Path, tickets: int, seed: int,
                  hubs: list[HubProcess]) -> dict[str, Any]:
    """Time `python -m hub serve` from launch to /health and to a kiosk's welcome."""
    db = folder / "restart.db"
    log(f"writing a {tickets}-ticket day for the restart test")
    built = time.monotonic()
    events = build_day(config, db, tickets, seed)
    build_seconds = time.monotonic() - built
    first = HubProcess(config_path, db, folder, "hub-restart-1")
    hubs.append(first)
    first.start()
    first.wait_port()
    kiosk = next(d for d in config.devices if d.role == "kiosk")
    _welcome_seconds(first.url, kiosk, time.monotonic_ns())
    stop_seconds = first.stop()

    second = HubProcess(config_path, db, folder, "hub-restart-2")
    hubs.append(second)
    second.start()
    port = second.wait_port()
    port_ns = time.monotonic_ns()
    while get_health(port, timeout=1.0) is None:
        if second.process is not None and second.process.poll() is not None:
            raise RuntimeError(f"restarted hub exited:\n{second.log_tail()}")
        time.sleep(0.002)
    health_ns = time.monotonic_ns()
    to_welcome = _welcome_seconds(second.url, kiosk, second.started_ns)
    counter = next(d for d in config.devices if d.role == "counter")
    display = next(d for d in config.devices if d.role == "display")
    counter_welcome = _welcome_seconds(second.url, counter, time.monotonic_ns())
    display_welcome = _welcome_seconds(second.url, display, time.monotonic_ns())
    regular = [d for d in config.devices if not d.id.startswith("kiosk-extra-")]
    log(f"restart: {len(regular)} devices reconnect at once")
    storm = sorted(asyncio.run(_welcome_everyone(second.url, regular)))
    second.stop()
    rebuilt = re.search(r"rebuilt state from (\d+) events .* in ([\d.]+) s",
                        second.log_path.read_text(errors="replace"))
    return {
        "day_tickets": tickets,
        "day_events": events,
        "build_seconds": round(build_seconds, 2),
        "stop_seconds_sigterm": round(stop_seconds, 3),
        "launch_to_listening_s": round((port_ns - second.started_ns) / NS, 3),
        "launch_to_health_s": round((health_ns - second.started_ns) / NS, 3),
        "launch_to_kiosk_welcome_s": round(to_welcome, 3),
        "hub_rebuild_s": float(rebuilt.group(2)) if rebuilt else None,
        "replayed_events": int(rebuilt.group(1)) if rebuilt else None,
        "then_counter_welcome_s": round(counter_welcome, 3),
        "then_display_welcome_s": round(display_welcome, 3),
        "then_all_devices_reconnect": {
            "devices": len(storm),
            "median_welcome_s": round(storm[len(storm) // 2], 3),
            "last_welcome_s": round(storm[-1], 3),
        },
        "budget_s": BUDGET_RESTART_S,
        "within_budget": to_welcome <= BUDGET_RESTART_S,
    }


# =========================================================================== main


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.bench_hub",
        description="Benchmark the hub over websockets on loopback, every party in its own "
        "process: call → every display latency, issue → durable result latency, tickets "
        "per second with many kiosks, hub memory, restart time. Prints one JSON object; "
        "progress goes to stderr. Budgets: DESIGN.md.",
    )
    parser.add_argument("--quick", action="store_true",
                        help="a small, fast run for smoke testing (< 30 s): 20 counters, "
                        "10 displays, 4 kiosks, short phases, 2,000-ticket restart day")
    parser.add_argument("--duration", type=float, default=None,
                        help="seconds of the busy phase (default 60; quick 4)")
    parser.add_argument("--fast-duration", type=float, default=None,
                        help="seconds of the fast phase (default: duration / 3, ≥ 2)")
    parser.add_argument("--throughput-duration", type=float, default=None,
                        help="seconds of the throughput phase (default: duration / 3, ≥ 2)")
    parser.add_argument("--counters", type=int, default=None, help="counters (default 100)")
    parser.add_argument("--displays", type=int, default=None, help="displays (default 50)")
    parser.add_argument("--kiosks", type=int, default=None, help="kiosks (default 10)")
    parser.add_argument("--burst-kiosks", type=int, default=None,
                        help="extra kiosks that join for the throughput phase (default 90)")
    parser.add_argument("--workers", type=int, default=None,
                        help="load generator processes (default 4; quick 2)")
    parser.add_argument("--busy-rate", type=float, default=1.0,
                        help="tickets per second per kiosk in the busy phase (default 1)")
    parser.add_argument("--serve-min", type=float, default=2.0,
                        help="shortest time a counter serves a visitor, s (default 2)")
    parser.add_argument("--serve-max", type=float, default=6.0,
                        help="longest time a counter serves a visitor, s (default 6)")
    parser.add_argument("--idle-min", type=float, default=1.0,
                        help="shortest wait before calling again when nobody waits, s")
    parser.add_argument("--idle-max", type=float, default=3.0,
                        help="longest wait before calling again when nobody waits, s")
    parser.add_argument("--day-tickets", type=int, default=None,
                        help="tickets in the day the restart replays (default 20000; "
                        "quick 2000)")
    parser.add_argument("--no-restart", action="store_true", help="skip the restart test")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="copy the config, databases and hub logs to this folder")
    return parser


def _defaults(args: argparse.Namespace) -> argparse.Namespace:
    quick = args.quick
    fill = {"duration": 4.0 if quick else 60.0, "counters": 20 if quick else 100,
            "displays": 10 if quick else 50, "kiosks": 4 if quick else 10,
            "burst_kiosks": 16 if quick else 90, "workers": 2 if quick else 4,
            "day_tickets": 2000 if quick else 20000}
    for key, value in fill.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    for key in ("fast_duration", "throughput_duration"):
        if getattr(args, key) is None:
            setattr(args, key, max(2.0, args.duration / 3))
    return args


def _refuse_near_midnight(config: Any, seconds: float) -> None:
    """The hub uses the real clock: a run across local midnight would start a new day."""
    now = dt.datetime.now(ZoneInfo(config.mpp.timezone))
    end = now + dt.timedelta(seconds=seconds + 120)
    if end.date() != now.date() or end.time() >= dt.time(23, 59):
        raise SystemExit(f"bench_hub: it is {now:%H:%M} in {config.mpp.timezone}; the run "
                         "would cross the business day's end (23:59). Run it after 00:01.")


def _machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "python": platform.python_version(),
            "system": f"{platform.system()} {platform.release()}"}


def _within(result: dict[str, Any]) -> dict[str, bool | None]:
    checks = {
        "call_to_every_display_p99": result["call_to_every_display"]["busy"]["within_budget"],
        "issue_ack_p99_busy": result["issue_to_result"]["busy"]["within_budget"],
        "issue_ack_p99_fast": result["issue_to_result"]["fast"]["within_budget"],
        "issue_ack_p99_throughput": result["issue_to_result"]["throughput"]["within_budget"],
        "tickets_per_second": result["throughput"]["within_budget"],
        "hub_rss": result["hub_memory"]["within_budget"],
        "frames_per_ticket": result["frames_per_ticket"].get("within_budget", False),
    }
    if "restart" in result:
        checks["restart"] = result["restart"]["within_budget"]
    return checks


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its JSON."""
    args = _defaults(build_parser().parse_args(argv))
    if args.workers < 1 or args.kiosks < 1 or args.counters < 1 or args.displays < 1:
        raise SystemExit("bench_hub: workers, kiosks, counters and displays must be ≥ 1")

    def on_term(signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_term)
    started = time.monotonic()
    hubs: list[HubProcess] = []
    workers = Workers()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-hub-") as name:
            folder = Path(name)
            try:
                config_path = folder / "bench-mpp.toml"
                config = write_config(config_path, bench_config(
                    args.counters, args.displays, args.kiosks, args.burst_kiosks))
                _refuse_near_midnight(config, args.duration + args.fast_duration
                                      + args.throughput_duration + 60)
                hub = HubProcess(config_path, folder / "hub.db", folder)
                hubs.append(hub)
                hub.start()
                hub.wait_port()
                log(f"hub pid {hub.pid} on port {hub.port}: {len(config.counters)} counters, "
                    f"{len(config.services)} services, {len(config.zones)} zones")
                result: dict[str, Any] = {
                    "benchmark": "bench_hub",
                    "machine": _machine(),
                    "setup": {
                        "counters": args.counters, "displays": args.displays,
                        "kiosks": args.kiosks, "supervisors": 1,
                        "extra_kiosks_throughput_phase": args.burst_kiosks,
                        "load_processes": args.workers, "services": len(config.services),
                        "zones": len(config.zones),
                        "phases_s": {"busy": args.duration, "fast": args.fast_duration,
                                     "throughput": args.throughput_duration},
                        "busy_tickets_per_s_per_kiosk": args.busy_rate,
                        "kiosk_full_speed_cap_per_s": KIOSK_MAX_RATE,
                        "counter_serve_s": [args.serve_min, args.serve_max],
                        "clock": "time.monotonic_ns() (CLOCK_MONOTONIC, shared by all "
                                 "processes on Linux)",
                    },
                }
                result |= run_load(args, config, hub, workers)
                workers.stop()
                if not args.no_restart:
                    result["restart"] = bench_restart(config_path, config, folder,
                                                      args.day_tickets, args.seed, hubs)
                busy = [phase for phase, cpu in result["cpu_percent_of_one_core"].items()
                        if isinstance(cpu, dict) and cpu["other_processes"] > 20]
                if busy:
                    result["warnings"] = [
                        f"other processes used the machine during the {', '.join(busy)} "
                        "phase(s) (cpu_percent_of_one_core.other_processes): the numbers "
                        "are pessimistic; run again on a quiet machine"]
                result["within_budget"] = _within(result)
                result["all_within_budget"] = all(result["within_budget"].values())
                result["seconds"] = round(time.monotonic() - started, 1)
            except BaseException:
                workers.stop(grace=0.0)  # interrupted or failed: no point in waiting
                raise
            finally:
                workers.stop()
                for each in hubs:
                    each.stop()
                if args.keep is not None:
                    import shutil

                    shutil.copytree(folder, args.keep, dirs_exist_ok=True)
    except KeyboardInterrupt:
        log("interrupted; every process stopped and the temporary folder removed")
        return 130
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
