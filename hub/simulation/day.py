"""The actors of a simulated day: kiosks issuing, staff calling and serving, tablets rating.

Each actor is a real `HubClient`. Time is the hub's accelerated clock: the actors
sleep `hub seconds / speed` of real time. The simulation keeps its own count of what
happened (`Truth`) so the day's report can be checked against it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import random
import time
from collections import Counter as Tally
from dataclasses import dataclass, field
from typing import Any

from hub import protocol as p
from hub.client import HubClient, HubRequestError
from hub.config import MallConfig
from hub.simulation.model import Arrival, service_seconds, survey_answers, survey_profile

log = logging.getLogger(__name__)

RECALL_AFTER_S = 45.0
"""Hub seconds staff wait for a called visitor before recalling."""
COMPLAINT_SHARE = 0.1
"""Of the survey respondents, this share also leaves a complaint or a suggestion."""
INCOMPLETE_SHARE = 0.06
"""Of the visits to a service that publishes requirements, this share ends "berkas tidak
lengkap": one or two of them missing."""
COMPLAINT_TEXTS = ("Antrean terlalu lama.", "Ruang tunggu panas, mohon tambah kipas.",
                   "Petugas ramah dan cepat.", "Mohon tambah kursi di ruang tunggu.",
                   "Persyaratan kurang jelas di papan informasi.")


@dataclass
class Truth:
    """What the simulation itself saw happen, to check the report against."""

    issued: int = 0
    refused: Tally[str] = field(default_factory=Tally)
    served: int = 0
    no_show: int = 0
    transferred: int = 0
    cancelled: int = 0
    not_served: int = 0
    """Visitors with a ticket whom no counter finished or marked absent by closing."""
    surveys: list[list[int]] = field(default_factory=list)
    profiles: list[dict[str, str | None]] = field(default_factory=list)
    complaints: int = 0
    """Complaints and suggestions the tablets got stored."""
    incomplete: int = 0
    """Visits finished as incomplete documents (they count as served too)."""
    missing: Tally[str] = field(default_factory=Tally)
    """How often each requirement was the missing one."""
    waits_s: list[float] = field(default_factory=list)

    @property
    def mean_wait_minutes(self) -> float:
        """Mean time from ticket to first call, in minutes."""
        return sum(self.waits_s) / len(self.waits_s) / 60 if self.waits_s else 0.0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {"issued": self.issued, "refused": dict(self.refused), "served": self.served,
                "no_show": self.no_show, "not_served": self.not_served,
                "transferred": self.transferred, "surveys": len(self.surveys),
                "complaints": self.complaints, "incomplete_documents": self.incomplete,
                "mean_wait_minutes": round(self.mean_wait_minutes, 2)}


class SimClock:
    """Maps hub time to real time for an accelerated hub clock."""

    def __init__(self, start: dt.datetime, speed: float) -> None:
        self.start, self.speed = start, speed
        self.origin = time.monotonic()

    def now(self) -> dt.datetime:
        """The hub's current time."""
        return self.start + dt.timedelta(seconds=(time.monotonic() - self.origin) * self.speed)

    async def until(self, moment: dt.datetime) -> None:
        """Sleep until the hub's clock reaches `moment`."""
        delay = (moment - self.now()).total_seconds() / self.speed
        if delay > 0:
            await asyncio.sleep(delay)

    async def wait(self, hub_seconds: float) -> None:
        """Sleep for `hub_seconds` of hub time."""
        await asyncio.sleep(max(0.0, hub_seconds) / self.speed)


class SimulatedDay:
    """Kiosks, staff and survey tablets working through one planned day."""

    def __init__(self, config: MallConfig, url: str, arrivals: list[Arrival], clock: SimClock,
                 seed: int = 7, kiosk_devices: list[str] | None = None,
                 staff_devices: list[str] | None = None) -> None:
        self.config, self.url, self.arrivals, self.clock = config, url, arrivals, clock
        self.kiosk_devices = kiosk_devices
        self.staff_devices = staff_devices
        last = arrivals[-1].at if arrivals else clock.now()
        self.closing = last.replace(hour=16, minute=30, second=0, microsecond=0)
        """Staff stop calling at 16:30 (the latest close in the example's schedule)."""
        self.rng = random.Random(seed)
        self.documents_rng = random.Random(seed + 1)
        """Its own stream: which visits lack documents leaves the rest of the day as it was."""
        self.truth = Truth()
        self.by_ticket: dict[str, Arrival] = {}
        self.issued_at: dict[str, asyncio.Future[dt.datetime]] = {}
        """When each ticket was issued; a counter may call a ticket before the kiosk that
        asked for it has read its answer, so staff await this."""
        self.transferred: set[str] = set()
        self.ended: set[str] = set()
        """Tickets a counter finished or marked absent."""
        self.arrivals_done = False
        self.clients: dict[str, HubClient] = {}
        self.mid_day = asyncio.Event()

    def _client(self, device_id: str, on_message: Any = None) -> HubClient:
        device = self.config.device(device_id)
        if device.token is None:  # only a hashed token in the file: the simulation cannot log in
            raise ValueError(f"device {device_id} has no plain token for the simulation")
        client = HubClient(self.url, device.id, device.token, on_message=on_message,
                           backoff_initial=0.05, backoff_max=0.5)
        self.clients[device_id] = client
        return client

    async def run(self) -> Truth:
        """Run the whole day; return what happened."""
        kiosks = [self._client(d.id) for d in self.config.devices if d.role == "kiosk"
                  and (self.kiosk_devices is None or d.id in self.kiosk_devices)]
        staff = [d for d in self.config.devices if d.role == "counter"
                 and (self.staff_devices is None or d.id in self.staff_devices)]
        wakeups = {d.counter: asyncio.Event() for d in staff if d.counter}
        for device in staff:
            assert device.counter is not None
            wake = wakeups[device.counter]
            self._client(device.id, on_message=lambda _m, w=wake: w.set())
        for device in self.config.devices:
            if device.role == "survey":
                self._client(device.id)
        tasks = [asyncio.create_task(c.run()) for c in self.clients.values()]
        try:
            await asyncio.gather(*(c.wait_online(10) for c in self.clients.values()))
            workers = [asyncio.create_task(self._staff(d.id, d.counter or "", wakeups))
                       for d in staff]
            await self._kiosks(kiosks)
            self.arrivals_done = True
            for wake in wakeups.values():
                wake.set()
            await asyncio.gather(*workers)
            self.truth.not_served = len(set(self.by_ticket) - self.ended)
        finally:
            for client in self.clients.values():
                await client.close()
            await asyncio.gather(*tasks, return_exceptions=True)
        return self.truth

    async def _kiosks(self, kiosks: list[HubClient]) -> None:
        half = self.arrivals[len(self.arrivals) // 2].at if self.arrivals else None
        for index, arrival in enumerate(self.arrivals):
            await self.clock.until(arrival.at)
            if half is not None and arrival.at >= half:
                self.mid_day.set()
            kiosk = kiosks[index % len(kiosks)]
            try:
                result = await kiosk.send(p.IssueTicket, service_id=arrival.service_id,
                                          priority_kind=arrival.priority_kind)
            except HubRequestError as error:
                self.truth.refused[error.error.reason or error.code] += 1
                continue
            issued = next(e for e in result.events if e["type"] == "ticket_issued")
            self.by_ticket[issued["ticket_id"]] = arrival
            self._issued(issued["ticket_id"]).set_result(dt.datetime.fromisoformat(issued["at"]))
            self.truth.issued += 1
        self.mid_day.set()

    def _waiting_for(self, client: HubClient, counter_id: str) -> int:
        view = client.view
        counter = view.counter(counter_id)
        mine = self.config.counter(counter_id).services
        return (sum(state.waiting for s in mine if (state := view.service(s)) is not None)
                + (counter.reserved if counter is not None else 0))

    async def _staff(self, device_id: str, counter_id: str,
                     wakeups: dict[str, asyncio.Event]) -> None:
        client = self.clients[device_id]
        wake = wakeups[counter_id]
        await client.send(p.OpenCounter, staff=f"Petugas {counter_id}")
        while not self._day_is_over():
            if self._waiting_for(client, counter_id) == 0:
                wake.clear()
                with contextlib.suppress(TimeoutError):  # re-check the end of the day
                    await asyncio.wait_for(wake.wait(), 1.0)
                continue
            try:
                result = await client.send(p.CallNext)
            except HubRequestError as error:
                if error.code == "on_break":  # the hub says until when: pray or eat, then back
                    await client.send(p.PauseCounter, reason="istirahat")
                    ends_at = error.error.ends_at
                    if ends_at is not None:
                        await self.clock.until(dt.datetime.fromisoformat(ends_at))
                    await client.send(p.ResumeCounter)
                elif error.code == "queue_empty":
                    # The figures we saw were older than the hub's (they come coalesced):
                    # wait for the next message before asking again, as staff would.
                    wake.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(wake.wait(), 1.0)
                else:
                    log.warning("%s: %s", counter_id, error.error.message_en)
                continue
            called = result.events[-1]
            await self._serve(client, counter_id, called["ticket_id"],
                              dt.datetime.fromisoformat(called["at"]))
        await client.send(p.CloseCounter)

    def _day_is_over(self) -> bool:
        """Staff go home when every visitor is done, or at closing time with a queue left.

        Whoever still waits at closing stays in the log as waiting (expired at the next
        day start); the simulation counts them as not served, like the report does.
        """
        if not self.arrivals_done:
            return False
        return self._nobody_waits() or self.clock.now() >= self.closing

    def _issued(self, ticket_id: str) -> asyncio.Future[dt.datetime]:
        future = self.issued_at.get(ticket_id)
        if future is None:
            future = self.issued_at[ticket_id] = asyncio.get_running_loop().create_future()
        return future

    async def _finish(self, client: HubClient, requirements: list[str]) -> None:
        """Served — or, now and then, sent home for a missing document or two."""
        if requirements and self.documents_rng.random() < INCOMPLETE_SHARE:
            count = min(len(requirements), self.documents_rng.choice((1, 1, 2)))
            missing = sorted(self.documents_rng.sample(range(len(requirements)), count))
            await client.send(p.Finish, outcome="incomplete_documents",
                              missing_requirements=[requirements[i] for i in missing])
            self.truth.incomplete += 1
            for i in missing:
                self.truth.missing[requirements[i]] += 1
            return
        await client.send(p.Finish)

    def _nobody_waits(self) -> bool:
        view = next(c.view for c in self.clients.values()
                    if c.view.snapshot.services is not None)
        return (sum(s.waiting for s in view.services.values()) == 0
                and sum(c.reserved for c in view.counters.values()) == 0)

    async def _serve(self, client: HubClient, counter_id: str, ticket_id: str,
                     called_at: dt.datetime) -> None:
        if ticket_id not in self.transferred:
            issued_at = await asyncio.wait_for(self._issued(ticket_id), 30)
            self.truth.waits_s.append((called_at - issued_at).total_seconds())
        arrival = self.by_ticket.get(ticket_id)
        if arrival is not None and not arrival.shows_up:
            for _ in range(self.config.queue.no_show_min_recalls):
                await self.clock.wait(RECALL_AFTER_S)
                await client.send(p.Recall)
            await self.clock.wait(RECALL_AFTER_S)
            await client.send(p.MarkNoShow)
            self.truth.no_show += 1
            self.ended.add(ticket_id)
            return
        service = self.config.service(self._current_service(client, counter_id))
        await self.clock.wait(service_seconds(self.rng, service.service_minutes))
        target = self._transfer_target(service.id)
        if arrival is not None and arrival.transfer and ticket_id not in self.transferred \
                and target is not None:
            self.transferred.add(ticket_id)
            self.truth.transferred += 1
            await client.send(p.Transfer, to_service_id=target)
            return
        await self._finish(client, service.requirements.id)
        self.truth.served += 1
        self.ended.add(ticket_id)
        survey = self.clients.get(f"survey-{counter_id}")
        if arrival is not None and arrival.answers_survey and survey is not None:
            answers = survey_answers(self.rng)
            profile = survey_profile(self.rng)
            try:
                await survey.send(p.SubmitSurvey, ticket_id=ticket_id, answers=answers,
                                  age_band=profile["age_band"], gender=profile["gender"],
                                  education=profile["education"],
                                  occupation=profile["occupation"])
                self.truth.surveys.append(answers)
                self.truth.profiles.append(profile)
            except HubRequestError as error:
                log.warning("survey refused: %s", error.error.message_en)
            if self.rng.random() < COMPLAINT_SHARE:
                await self._complain(survey)

    async def _complain(self, survey: HubClient) -> None:
        """A respondent also leaves a complaint or a suggestion on the tablet."""
        categories = [c.id for c in self.config.mpp.complaints.categories]
        feedback = self.rng.choice(("complaint", "suggestion"))
        try:
            await survey.send(p.SubmitComplaint, feedback=feedback,
                              category=self.rng.choice(categories),
                              text=self.rng.choice(COMPLAINT_TEXTS))
            self.truth.complaints += 1
        except HubRequestError as error:
            log.warning("complaint refused: %s", error.error.message_en)

    def _current_service(self, client: HubClient, counter_id: str) -> str:
        desk = client.view.counter(counter_id)
        if desk is not None and desk.ticket is not None:
            return desk.ticket.service_id
        return self.config.counter(counter_id).services[0]

    def _transfer_target(self, service_id: str) -> str | None:
        """Another service of the same tenant (the visitor needs a second step there)."""
        tenant = self.config.service(service_id).tenant
        others = [s.id for s in self.config.services_of(tenant) if s.id != service_id]
        return others[0] if others else None
