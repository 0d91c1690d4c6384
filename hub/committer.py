"""Group commit: prepared entries written in order, many requests per fsync, off the loop.

The event loop prepares requests (engine applied, seqs reserved) and hands their
entries here; one writer thread appends whatever has queued up in a single
transaction while the loop goes on serving. Each request learns its entries are
durable when its future resolves — only then may it be told or broadcast. If the disk
refuses, the core reloads from the log and every request not yet written fails.
"""

from __future__ import annotations

import asyncio
import logging

from hub.core import HubCore
from hub.eventlog import Entry

log = logging.getLogger(__name__)


class GroupCommitter:
    """Writes the hub's prepared entries, in the order they were prepared."""

    def __init__(self, core: HubCore) -> None:
        self.core = core
        self._queue: list[tuple[list[Entry], asyncio.Future[None]]] = []
        self._task: asyncio.Task[None] | None = None

    def submit(self, entries: list[Entry]) -> asyncio.Future[None]:
        """Queue entries for the next batch; the future resolves once they are on disk."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if not entries:
            future.set_result(None)
            return future
        self._queue.append((entries, future))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._write_batches())
        return future

    async def drain(self) -> None:
        """Wait until everything submitted so far is written (or failed)."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)

    async def _write_batches(self) -> None:
        while self._queue:
            batch, self._queue = self._queue, []
            entries = [entry for items, _ in batch for entry in items]
            try:
                await asyncio.to_thread(self.core.write, entries)
            except Exception as error:
                log.exception("could not write the event log; reloading state from it")
                failed, self._queue = batch + self._queue, []
                self.core.reload_after_failed_write()
                for _, future in failed:
                    if not future.done():
                        future.set_exception(error)
                return
            for _, future in batch:
                if not future.done():
                    future.set_result(None)
