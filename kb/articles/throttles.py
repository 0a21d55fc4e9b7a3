from kb.core.throttles import ScopedThrottle, throttle_wait


class FeedbackThrottle(ScopedThrottle):
    """Limits "Did this help?" answers per client and per address, for the
    page and the API (``KB_FEEDBACK_RATE``, ``KB_FEEDBACK_ADDRESS_RATE``).

    The client is identified only for the cache key's lifetime; nothing
    about it is stored with the feedback.
    """

    scope = "feedback"


def feedback_allowed(request) -> tuple[bool, float | None]:
    """Count one attempt; return whether it is allowed and the wait if not."""
    wait = throttle_wait(request, [FeedbackThrottle])
    return wait is None, wait
