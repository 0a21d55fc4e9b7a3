from kb.core.throttles import ScopedThrottle


class DiagnoseThrottle(ScopedThrottle):
    """Diagnoses per client and per address (``KB_DIAGNOSE_RATE``,
    ``KB_DIAGNOSE_ADDRESS_RATE``)."""

    scope = "diagnose"


class WizardThrottle(ScopedThrottle):
    """Wizard steps that change a session (answers, pastes, back, start over,
    a new session): each may read pasted output and diagnose it
    (``KB_WIZARD_RATE``, ``KB_WIZARD_ADDRESS_RATE``)."""

    scope = "wizard"
