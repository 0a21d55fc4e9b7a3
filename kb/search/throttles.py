from kb.core.throttles import ScopedThrottle


class SearchThrottle(ScopedThrottle):
    """Searches per client and per address, for the API and the page
    (``KB_SEARCH_RATE``, ``KB_SEARCH_ADDRESS_RATE``)."""

    scope = "search"
