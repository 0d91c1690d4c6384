"""Run in a child process by test_crash: issue tickets as fast as possible, print each ack.

A line "ACK <request_id> <label>" is printed and flushed only after the ticket is
durably in the log — exactly what a kiosk would be told.
"""

from __future__ import annotations

import datetime as dt
import itertools
import sys

from hub.core import HubCore
from hub.eventlog import RequestKey
from tests.factories import at, small_mall


def main(db_path: str) -> None:
    ticks = itertools.count()

    def clock() -> dt.datetime:
        return at(9) + dt.timedelta(microseconds=next(ticks))

    core = HubCore.open(small_mall(), db_path, clock)
    services = itertools.cycle(["ktp", "kk", "pbg"])
    for n in itertools.count():
        request = RequestKey("kiosk-1", f"burst-{n}")
        service = next(services)
        outcome = core.execute(
            lambda engine, now, s=service: engine.issue_ticket(s, now), request
        )
        label = outcome.response["events"][-1]["label"]
        sys.stdout.write(f"ACK {request.request_id} {label}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1])
