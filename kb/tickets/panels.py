"""Panels other apps add to the staff ticket page.

An app above tickets (monitoring, say) knows things about a ticket that
tickets must not import; it registers a panel here from its AppConfig's
``ready()``, and the ticket page renders every panel for staff only, in
the order they were registered. A panel is ``func(ticket, request)``
returning rendered HTML, or None when it has nothing to say about that
ticket.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from kb.tickets.models import Ticket

TicketPanel = Callable[[Ticket, HttpRequest], str | None]

_panels: list[TicketPanel] = []


def register_ticket_panel(func: TicketPanel) -> TicketPanel:
    """Add a panel (once: ``ready()`` may run again in tests); usable as a
    decorator."""
    if func not in _panels:
        _panels.append(func)
    return func


def unregister_ticket_panel(func: TicketPanel) -> None:
    if func in _panels:
        _panels.remove(func)


def ticket_panels_render(*, ticket: Ticket, request: HttpRequest) -> list[SafeString]:
    """Every registered panel's HTML for a staff reader; nothing for anyone
    else (the panels may show what a customer must not see)."""
    if not (request.user.is_authenticated and request.user.is_staff):
        return []
    rendered = []
    for panel in _panels:
        html = panel(ticket, request)
        if html:
            # A panel renders its own template, which escapes what it shows.
            rendered.append(mark_safe(html))
    return rendered
