"""A device on the test LAN: `python -m tests.deploy.lan_device SETTINGS ACTION [ARG]`.

Run inside the devices' network namespace. It starts as every app does — from its
settings file only, the configuration from the hub's welcome, wss with the pinned
certificate — then does one thing and prints one JSON line per step on stdout:

    issue SERVICE   (kiosk)    take a ticket (print-first: pending, then confirmed)
    call            (counter)  open the counter and call the next visitor
    watch LABEL     (display)  print {"online"}, then wait until LABEL is called
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from pathlib import Path

from hub import protocol as p
from hub.client import HubClient
from hub.client.startup import DeviceStart, start_from_settings


def say(**fields: object) -> None:
    print(json.dumps(fields), flush=True)


async def act(start: DeviceStart, action: str, argument: str | None) -> None:
    called = asyncio.Event()

    def on_message(message: object) -> None:
        # The hall shows what the view's recent calls say (merged before listeners run).
        if any(call.label == argument for call in client.view.recent_calls):
            called.set()

    client = HubClient(start.hub_url, start.device.id, start.token, start.ssl_context,
                       mall_version=start.mall_version, on_message=on_message)
    running = asyncio.create_task(client.run())
    try:
        await client.wait_online(30)
        say(online=start.device.id, hub=start.hub_url, mpp=start.config.mpp.short_name)
        if action == "issue":
            issued = await client.send(p.IssueTicket, service_id=argument, await_print=True)
            ticket = issued.events[0]
            await client.send(p.ConfirmTicket, ticket_id=ticket["ticket_id"])
            say(issued=ticket["label"], ticket_id=ticket["ticket_id"], pending=ticket["pending"])
        elif action == "call":
            await client.send(p.OpenCounter, staff="Siti")
            result = await client.send(p.CallNext)
            say(called=[e["ticket_id"] for e in result.events if e["type"] == "ticket_called"])
        else:
            on_message(None)  # called before this display came online?
            await asyncio.wait_for(called.wait(), 30)
            say(seen=argument)
    finally:
        await client.close()
        await running


def main() -> int:
    settings, action, *rest = sys.argv[1:]
    role = {"issue": "kiosk", "call": "counter", "watch": "display"}[action]
    with tempfile.TemporaryDirectory() as cache:
        start = start_from_settings(Path(settings), role, Path(cache), wait_s=30)
    asyncio.run(act(start, action, rest[0] if rest else None))
    return 0


if __name__ == "__main__":
    sys.exit(main())
