"""Helpers the counter terminal, hall display and dashboard share (no Qt)."""
