from rest_framework.throttling import SimpleRateThrottle


class FeedbackThrottle(SimpleRateThrottle):
    """Limits "Did this help?" answers per client, for the page and the API.

    The client is identified by address only for the cache key's lifetime;
    nothing about it is stored with the feedback.
    """

    scope = "feedback"

    def get_rate(self):
        # Read at call time, not import time, so a changed setting applies.
        from rest_framework.settings import api_settings

        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def feedback_allowed(request) -> tuple[bool, float | None]:
    """Count one attempt; return whether it is allowed and the wait if not."""
    throttle = FeedbackThrottle()
    if throttle.allow_request(request, None):
        return True, None
    return False, throttle.wait()
