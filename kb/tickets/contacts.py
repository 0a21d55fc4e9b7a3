"""Signed links for the people behind a ticket who have no account.

A P1 filed without signing in (``services.ticket_create_for_contact``) is
followed through a link e-mailed to the contact: opening it confirms the
address and lets that browser read the ticket. The link carries the ticket
and the address, signed with the site's secret (salted for this use), so it
cannot be made for another ticket or another address; it expires after
``FOLLOW_MAX_AGE``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.urls import reverse

from kb.tickets.models import Ticket

SALT = "kb.tickets.contact-follow"
FOLLOW_MAX_AGE = dt.timedelta(days=90)
# The session key listing the tickets this browser may follow.
SESSION_KEY = "kb_followed_tickets"


def follow_token(ticket: Ticket) -> str:
    return signing.TimestampSigner(salt=SALT).sign_object(
        {"t": ticket.pk, "e": ticket.contact_email.lower()}, compress=True)


def follow_path(ticket: Ticket) -> str:
    return reverse("tickets:follow", args=[ticket.pk, follow_token(ticket)])


def follow_url(ticket: Ticket) -> str:
    """The absolute link for e-mails (sent by the worker, outside a request)."""
    return f"{settings.KB_SITE_URL}{follow_path(ticket)}"


def follow_token_valid(token: str, *, ticket: Ticket) -> bool:
    try:
        value = signing.TimestampSigner(salt=SALT).unsign_object(
            token, max_age=FOLLOW_MAX_AGE)
    except signing.BadSignature:
        return False
    return (isinstance(value, dict) and value.get("t") == ticket.pk
            and value.get("e") == ticket.contact_email.lower() and bool(ticket.contact_email))


def followed_ticket_ids(session) -> list[int]:
    return [int(i) for i in session.get(SESSION_KEY, []) if str(i).isdigit()]


def follow_in_session(session, ticket: Ticket) -> None:
    followed = followed_ticket_ids(session)
    if ticket.pk not in followed:
        session[SESSION_KEY] = [*followed, ticket.pk][-50:]
