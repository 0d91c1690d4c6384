"""A simulated business day: virtual visitors, kiosks and staff against a real hub.

Everything goes through real websocket clients (hub.client) so the day exercises the
same paths as the mall; the hub runs with an accelerated clock. See model.py for the
day's randomness (seeded) and day.py for the actors.
"""
