"""The hall display in a browser: `GET /display/<device id>` for any smart TV.

The page is static HTML, CSS and JavaScript with the mall's names baked in (counter
names, tenants, the running text: what the welcome snapshot leaves to the
configuration). Everything live comes over the websocket exactly as for the Qt
display: the page sends `hello` with the display's id and token, and follows the
welcome snapshot, `seq`/`prev_seq` with a resync on a gap, and reconnects with backoff.

The token never travels in a request line: it is given in the URL's fragment
(`/display/display-lantai-1#token=…`, which browsers do not send to the hub), or typed
once into the page's form on a TV whose address bar is awkward to edit; either way the
browser keeps it in its storage for the next start. There is no shorter pairing code:
the hub keeps only the tokens' hashes, so it has no token to hand to a TV that proves
a code (that would need the hub to mint and store a new token for it).
"""

from __future__ import annotations

import html
import json
from typing import Any

from hub.config import Device, MallConfig

PATH_PREFIX = "/display/"


def display_device(config: MallConfig, device_id: str) -> Device | None:
    """The display device of that id, or None (unknown, or another role)."""
    try:
        device = config.device(device_id)
    except KeyError:
        return None
    return device if device.role == "display" else None


def page_config(config: MallConfig, device: Device, languages: str) -> dict[str, Any]:
    """What the page needs from the configuration (nothing secret: no token here)."""
    tenants = set(config.zone(device.zone).tenants) if device.zone else None
    counters = [{"id": c.id, "name": c.name, "number": c.number,
                 "tenant": config.tenant(c.tenant).short_name}
                for c in config.counters if tenants is None or c.tenant in tenants]
    zone = config.zone(device.zone).name if device.zone else "Semua loket"
    return {
        "device_id": device.id,
        "mpp": config.mpp.name,
        "short_name": config.mpp.short_name,
        "subtitle": f"{zone} · Nomor antrean yang dilayani",
        "counters": counters,
        "running_text": {"id": config.mpp.running_text.id, "en": config.mpp.running_text.en},
        "logo": bool(config.mpp.logo),
        "languages": languages,
        "protocol": 2,
    }


def page(config: MallConfig, device: Device, languages: str = "id") -> str:
    """The TV page. `languages` ("id" or "id,en") are those the announcements speak."""
    data = json.dumps(page_config(config, device, languages), ensure_ascii=False)
    data = data.replace("</", "<\\/")
    title = html.escape(f"{config.mpp.short_name} — layar antrean")
    return (
        "<!doctype html><html lang=id><head><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width, initial-scale=1'>"
        f"<title>{title}</title><link rel=stylesheet href=/web/display.css></head>"
        "<body><div id=app></div>"
        f"<script type=application/json id=display-config>{data}</script>"
        "<script src=/web/display.js defer></script></body></html>"
    )
