from kb.core.throttles import ScopedThrottle


class DiagnoseThrottle(ScopedThrottle):
    """Diagnoses per client and per address (``KB_DIAGNOSE_RATE``,
    ``KB_DIAGNOSE_ADDRESS_RATE``)."""

    scope = "diagnose"
