"""docs/notifications.md's webhook example is what the hub writes and the sender signs."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

from hub.core import HubCore
from hub.notify.gateway import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, signature
from tests.factories import at
from tests.hub.harness import FakeClock
from tests.notify.helpers import SECRET, notify_mall

DOC = (Path(__file__).resolve().parents[2] / "docs" / "notifications.md").read_text()


def block(marker: str) -> str:
    """The fenced block after `<!-- marker -->`."""
    after = DOC.split(f"<!-- {marker} -->", 1)[1]
    found = re.search(r"```[a-z]*\n(.*?)\n```", after, re.S)
    assert found is not None
    return found[1]


def test_the_documented_body_is_the_hubs_and_its_signature_checks(tmp_path: Path) -> None:
    core = HubCore.open(notify_mall("http://127.0.0.1:9/x"), tmp_path / "hub.db",
                        FakeClock(at(9)))
    for n in range(4):
        contact = "0812-3456-7890" if n == 3 else None
        core.execute(lambda e, t, c=contact: e.issue_ticket("pbg", t, contact=c))
    core.execute(lambda e, t: e.open_counter("c4", t))
    core.execute(lambda e, t: e.call_next("c4", t))
    core.close()
    db = sqlite3.connect(tmp_path / "hub.db")
    (stored,) = db.execute("SELECT body FROM notification_outbox").fetchone()
    db.close()
    documented = block("webhook-body")
    assert documented == stored  # byte for byte what the webhook POSTs
    headers = dict(line.split(": ", 1) for line in block("webhook-headers").splitlines())
    assert headers[IDEMPOTENCY_HEADER] == json.loads(documented)["id"]
    assert headers[SIGNATURE_HEADER] == signature(SECRET.encode(), documented.encode())
    assert f"`{SECRET}`" in DOC


def test_every_body_field_is_documented(tmp_path: Path) -> None:
    fields = set(json.loads(block("webhook-body")))
    table = DOC.split("| field | type | meaning |", 1)[1].split("\n\n", 1)[0]
    documented = set()
    for line in table.splitlines()[2:]:
        documented |= set(re.findall(r"`([a-z_]+)`", line.split("|")[1]))
    assert documented == fields


def test_docs_configuration_lists_every_notifications_key() -> None:
    from hub.config.models import Notifications, WebhookGateway

    config_doc = (Path(__file__).resolve().parents[2] / "docs" / "configuration.md").read_text()
    section = config_doc.split('## `[notifications]`', 1)[1].split("\n## ", 1)[0]
    main, webhook = section.split("### `[notifications.webhook]`", 1)

    def keys(text: str) -> set[str]:
        return set(re.findall(r"^\| `([a-z_]+)` \|", text, re.M))

    assert keys(main) == set(Notifications.model_fields) - {"webhook"}
    assert keys(webhook) == set(WebhookGateway.model_fields)
