"""The supervisor dashboard: live queues, counters, devices; today's settings; reports."""
