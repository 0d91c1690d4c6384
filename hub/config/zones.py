"""Zone membership: which counters a display of a zone shows.

One function for the hub (what it sends a zone's displays) and the apps (what the hall
draws), so the two can never disagree.
"""

from __future__ import annotations

from hub.config.models import MallConfig


def zone_counters(config: MallConfig, zone_id: str | None) -> list[str]:
    """Return the counters of a zone's tenants in configuration order (None: the whole hall)."""
    if zone_id is None:
        return [c.id for c in config.counters]
    tenants = set(config.zone(zone_id).tenants)
    return [c.id for c in config.counters if c.tenant in tenants]
