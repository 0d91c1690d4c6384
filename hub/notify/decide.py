"""Which notifications a command causes: read off the engine right after it ran.

The hub's core calls `Notifier.decide` with a command's logged events while the engine
holds the state they produced (HubCore._prepared), and writes what it returns with those
events. Nothing here orders a queue: a ticket's place is the engine's own count
(`waiting_positions`, the same as `ticket_position`: the people ahead its status page and
reprints show), so a change of queue rules changes the notifications with it.

- called: every TicketCalled of a ticket with a phone number (a resumed, parked ticket
  too: its visitor went away to fetch something).
- transferred: every TicketTransferred of such a ticket, with its new place.
- near: once per stint at a service (a transfer starts a new stint), the first time the
  ticket waits with `places_before` or fewer people ahead — at issue already, when it
  was taken that close to the front; not when its transfer's message said so already.

After a restart `rebuild` reads back from the outbox which tickets were told they are
near, so nobody is told twice; ids are derived from the events (`MALL:TICKET:KIND:N`),
so even a decision made twice is one row.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hub.config.models import MallConfig, Notifications
from hub.engine import QueueEngine
from hub.engine import events as ev
from hub.engine.records import Ticket, TicketStatus
from hub.eventlog import LoggedEvent
from hub.notify import texts
from hub.notify.outbox import Notification, written_on


@dataclass(frozen=True, slots=True)
class Recipient:
    """Where and in which language a ticket's notifications go."""

    contact: str
    language: str


class Notifier:
    """Decides a mall's notifications; one per hub core, used on the engine's thread."""

    def __init__(self, config: MallConfig) -> None:
        assert config.notifications is not None, "only made for a mall that notifies"
        self.config = config
        self.settings: Notifications = config.notifications
        self._recipients: dict[str, Recipient] = {}
        """Today's tickets with a phone number that may still be told something."""
        self._near_told: set[tuple[str, int]] = set()
        """(ticket, stint) already told it is near (by "near" or its transfer's message)."""
        self._day: object = None

    # ------------------------------------------------------------------ state

    def rebuild(self, engine: QueueEngine, connection: sqlite3.Connection) -> None:
        """Take up today's tickets and what the outbox says they were told (on start)."""
        self._recipients.clear()
        self._near_told.clear()
        self._day = engine.business_day
        if engine.business_day is None:
            return
        for ticket in engine.tickets.values():
            recipient = self._recipient(engine, ticket)
            if recipient is not None and not ticket.status.is_final:
                self._recipients[ticket.ticket_id] = recipient
        for ticket_id, kind, stint, ahead in written_on(connection,
                                                        engine.business_day.isoformat()):
            if kind == "near" or (kind == "transferred" and ahead is not None
                                  and ahead <= self.settings.places_before):
                self._near_told.add((ticket_id, stint))

    def _recipient(self, engine: QueueEngine, ticket: Ticket) -> Recipient | None:
        """The ticket's phone number (None: none given) and its visitor's language."""
        if ticket.contact is None:
            return None
        # The language chosen at the kiosk, on the phone or with the booking.
        return Recipient(ticket.contact, "en" if ticket.language == "en" else "id")

    # ---------------------------------------------------------------- decide

    def decide(self, engine: QueueEngine, logged: Sequence[LoggedEvent]
               ) -> list[Notification]:
        """The notifications caused by one command's events (already applied to `engine`)."""
        if not logged:
            return []
        if engine.business_day != self._day:  # a new day: yesterday's tickets are gone
            self._recipients.clear()
            self._near_told.clear()
            self._day = engine.business_day
        kinds = self.settings.kinds
        found: list[Notification] = []
        touched: set[str] = set()
        for item in logged:
            event = item.event
            ticket_id = getattr(event, "ticket_id", None)
            if not isinstance(ticket_id, str) or ticket_id not in engine.tickets:
                continue
            ticket = engine.tickets[ticket_id]
            touched.add(ticket.service_id)
            if isinstance(event, ev.TicketTransferred):
                touched.add(event.from_service_id)
            if isinstance(event, ev.TicketIssued):
                recipient = self._recipient(engine, ticket)
                if recipient is not None:
                    self._recipients[ticket_id] = recipient
            recipient = self._recipients.get(ticket_id)
            if recipient is None:
                continue
            if isinstance(event, ev.TicketCalled) and "called" in kinds:
                found.append(self._called(ticket, event, item.seq, recipient))
            elif isinstance(event, ev.TicketTransferred) and "transferred" in kinds:
                found.append(self._transferred(engine, ticket, event, item.seq, recipient))
        if "near" in kinds:
            found += self._near(engine, touched, logged[-1])
        for ticket_id in [t for t in self._recipients
                          if t not in engine.tickets or engine.tickets[t].status.is_final]:
            del self._recipients[ticket_id]
        return found

    def _near(self, engine: QueueEngine, touched: set[str],
              last: LoggedEvent) -> list[Notification]:
        """Tickets of the touched services that have just come within `places_before`."""
        found = []
        places: dict[str, dict[str, int]] = {}
        for ticket_id, recipient in self._recipients.items():
            ticket = engine.tickets.get(ticket_id)
            if (ticket is None or ticket.status != TicketStatus.WAITING
                    or ticket.service_id not in touched
                    or (ticket_id, ticket.transfer_count) in self._near_told):
                continue
            if ticket.service_id not in places:  # the engine's count, once per service
                places[ticket.service_id] = engine.waiting_positions(ticket.service_id)
            ahead = places[ticket.service_id].get(ticket_id)
            if ahead is None or ahead > self.settings.places_before:
                continue
            self._near_told.add((ticket_id, ticket.transfer_count))
            service = self.config.service(ticket.service_id).name.get(recipient.language)
            text = texts.near_text(recipient.language, self.config.mpp.short_name,
                                   ticket.label, service, ahead)
            found.append(self._make(ticket, "near", str(ticket.transfer_count), last,
                                    recipient, text, ahead, None))
        return found

    def _called(self, ticket: Ticket, event: ev.TicketCalled, seq: int,
                recipient: Recipient) -> Notification:
        counter = self.config.counter(event.counter_id)
        text = texts.called_text(recipient.language, self.config.mpp.short_name, ticket.label,
                                 counter.name)
        return self._make(ticket, "called", str(seq), LoggedEvent(seq, event), recipient,
                          text, None, counter.id)

    def _transferred(self, engine: QueueEngine, ticket: Ticket,
                     event: ev.TicketTransferred, seq: int,
                     recipient: Recipient) -> Notification:
        ahead: int | None = None
        if ticket.status == TicketStatus.WAITING:
            ahead, _ = engine.ticket_position(ticket.ticket_id, event.at)
            if ahead <= self.settings.places_before:
                self._near_told.add((ticket.ticket_id, ticket.transfer_count))
        service = self.config.service(event.to_service_id).name.get(recipient.language)
        counter = (self.config.counter(event.to_counter_id)
                   if event.to_counter_id is not None else None)
        text = texts.transferred_text(recipient.language, self.config.mpp.short_name,
                                      ticket.label, service, counter.name if counter else None,
                                      ahead)
        return self._make(ticket, "transferred", str(ticket.transfer_count),
                          LoggedEvent(seq, event), recipient, text, ahead,
                          counter.id if counter else None)

    def _make(self, ticket: Ticket, kind: str, n: str, cause: LoggedEvent,
              recipient: Recipient, text: str, ahead: int | None,
              counter_id: str | None) -> Notification:
        """One notification and the JSON body the gateway will send (docs/notifications.md)."""
        notification_id = f"{self.settings.mall_id}:{ticket.ticket_id}:{kind}:{n}"
        counter = self.config.counter(counter_id) if counter_id else None
        body: dict[str, Any] = {
            "id": notification_id,
            "kind": kind,
            "mall_id": self.settings.mall_id,
            "mall": self.config.mpp.short_name,
            "to": recipient.contact,
            "language": recipient.language,
            "text": text,
            "ticket": {"id": ticket.ticket_id, "label": ticket.label,
                       "service_id": ticket.service_id},
            "people_ahead": ahead,
            "counter": ({"id": counter.id, "name": counter.name, "number": counter.number}
                        if counter else None),
            "created_at": cause.event.at.isoformat(),
        }
        return Notification(notification_id, cause.seq, cause.event.at, ticket.ticket_id, kind,
                            ticket.transfer_count, ahead, recipient.contact,
                            recipient.language, body)
