"""``{% page_status ticket %}``: what a P1's page really did, on any page.

The ticket page passes the same state from its view; other pages that show a
just-filed ticket (the wizard's last step) load this tag instead of saying
that someone was paged.
"""

from django import template

from kb.tickets.selectors import ticket_page_status

register = template.Library()


@register.inclusion_tag("tickets/_page_status.html")
def page_status(ticket) -> dict:
    return {"ticket": ticket, "page_status": ticket_page_status(ticket=ticket)}
