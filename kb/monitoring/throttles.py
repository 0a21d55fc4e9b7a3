from kb.core.throttles import ScopedThrottle


class SampleIngestThrottle(ScopedThrottle):
    """Sample batches per token (``KB_MONITORING_SAMPLES_RATE``): a probe
    agent sends one a minute, and its backlog in batches of 1,000 after an
    outage; a runaway loop meets 429 and its ``Retry-After``."""

    scope = "monitoring_samples"


class LineCreateThrottle(ScopedThrottle):
    """New lines per client (``KB_MONITORING_LINES_RATE``)."""

    scope = "monitoring_lines"
