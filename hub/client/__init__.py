"""Client side of the hub protocol: the asyncio client and (in qt_bridge) its Qt wrapper.

The hub server never imports this package's Qt module.
"""

from hub.client.connection import ConnectionState, HubClient, HubRequestError, HubUnavailable

__all__ = ["ConnectionState", "HubClient", "HubRequestError", "HubUnavailable"]
