"""Panels other apps add to the staff ticket page.

An app above tickets (monitoring, say) knows things about a ticket that
tickets must not import; it registers a panel here from its AppConfig's
``ready()``, and the ticket page renders them in the order they were
registered: a staff panel for staff only, a reader's panel for anyone who
may read the ticket (it must show nothing the customer may not see). A
panel is ``func(ticket, request)`` returning rendered HTML, or None when
it has nothing to say about that ticket (or to that reader).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from kb.tickets.models import Ticket

TicketPanel = Callable[[Ticket, HttpRequest], str | None]

# Each panel, and whether only staff may see it.
_panels: dict[TicketPanel, bool] = {}


def register_ticket_panel(func: TicketPanel, *, staff_only: bool = True) -> TicketPanel:
    """Add a panel (once: ``ready()`` may run again in tests)."""
    _panels.setdefault(func, staff_only)
    return func


def unregister_ticket_panel(func: TicketPanel) -> None:
    _panels.pop(func, None)


def ticket_panels_render(*, ticket: Ticket, request: HttpRequest) -> list[SafeString]:
    """The HTML of every panel this reader may see: all of them for staff,
    the readers' panels for anyone else who may read the ticket."""
    staff = request.user.is_authenticated and request.user.is_staff
    rendered = []
    for panel, staff_only in _panels.items():
        if staff_only and not staff:
            continue
        html = panel(ticket, request)
        if html:
            # A panel renders its own template, which escapes what it shows.
            rendered.append(mark_safe(html))
    return rendered
