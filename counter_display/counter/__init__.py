"""The counter terminal (staff at a loket): state, controller, window."""
