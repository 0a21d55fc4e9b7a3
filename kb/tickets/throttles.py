from kb.core.throttles import ScopedThrottle


class TicketFilingThrottle(ScopedThrottle):
    """New tickets per customer and per address, from the portal, the API and
    the wizard; generous, it stops a runaway script (``KB_TICKET_RATE``,
    ``KB_TICKET_ADDRESS_RATE``). Reading tickets is not counted."""

    scope = "ticket"

    def applies_to(self, request) -> bool:
        return request.method == "POST"
