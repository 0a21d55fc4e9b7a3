from kb.core.throttles import ScopedThrottle


class WizardThrottle(ScopedThrottle):
    """Wizard steps that change a session (answers, pastes, back, start over,
    a new session): each may read pasted output and diagnose it
    (``KB_WIZARD_RATE``, ``KB_WIZARD_ADDRESS_RATE``)."""

    scope = "wizard"
