"""The SKM survey tablet at a counter: rate the visit that was just finished there."""
