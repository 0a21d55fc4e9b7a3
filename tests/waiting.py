"""Waiting for what another process or thread does, within a bound."""

import time


def wait_for(predicate, timeout: float = 60.0, interval: float = 0.2):
    """The predicate's first truthy answer within ``timeout`` seconds, or None."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    return None
