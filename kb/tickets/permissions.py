"""What a person who can see a ticket may do with it: one rule for the API and the pages.

Who sees a ticket is the selectors' business (``ticket_list_visible_to``:
staff every ticket, a customer their organization's). Of those:

- working a ticket (acknowledge, locate, resolve, wait, assign, close, an
  internal note) is for those with the work permission, support engineers
  and leads;
- confirming the fix is the customer's: a member of the ticket's
  organization;
- replying, attaching logs and reopening belong to both sides of the
  conversation, the organization's members and those who work tickets.

Other staff (curators, reviewers) read tickets and do nothing else: a reply
from them would reach the customer as if from support.
"""

from django.utils.translation import gettext_lazy as _

from kb.core.exceptions import ApplicationError
from kb.tickets.models import Ticket
from kb.tickets.services import can_work_tickets

WORK = frozenset({"acknowledge", "locate", "resolve", "wait", "assign", "close", "note"})
CUSTOMER = frozenset({"confirm"})
CONVERSATION = frozenset({"comment", "attach", "reopen"})
OPERATIONS = WORK | CUSTOMER | CONVERSATION

REFUSALS = {
    "work": _("Only support engineers can do this."),
    "customer": _("Only the customer can confirm the fix; support closes it instead."),
    "conversation": _("Only the customer and support engineers can do this."),
}


def ticket_operation_refusal(*, user, ticket: Ticket, operation: str) -> str | None:
    """Why ``user`` may not do ``operation`` to ``ticket``; None when they may."""
    if operation in WORK:
        return None if can_work_tickets(user) else REFUSALS["work"]
    member = user is not None and ticket.organization.members.filter(pk=user.pk).exists()
    if operation in CUSTOMER:
        return None if member else REFUSALS["customer"]
    if operation in CONVERSATION:
        return None if member or can_work_tickets(user) else REFUSALS["conversation"]
    raise ValueError(f"Unknown ticket operation {operation!r}.")


def ticket_operation_allowed(*, user, ticket: Ticket, operation: str) -> bool:
    return ticket_operation_refusal(user=user, ticket=ticket, operation=operation) is None


def ticket_operation_ensure(*, user, ticket: Ticket, operation: str) -> None:
    """Refuse with 403 and the reason unless ``user`` may do ``operation``."""
    refusal = ticket_operation_refusal(user=user, ticket=ticket, operation=operation)
    if refusal is not None:
        raise ApplicationError(str(refusal), status_code=403)
