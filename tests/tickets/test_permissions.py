"""Who may do what to a ticket, on the API and on the pages: one table each.

The two surfaces answer differently (the API 401 / 403 with a message, the
pages a sign-in redirect / 404 "No such action"), but they allow the same
people the same operations:

- working a ticket (acknowledge, locate, resolve, wait, assign, close, an
  internal note) is for support engineers and leads (``tickets.work_ticket``);
- confirming the fix is the customer's (a member of the ticket's organization);
- replying and reopening belong to both sides of the conversation;
- curators (staff without the work permission) read tickets, nothing more;
- another organization's customer does not even see the ticket (404).
"""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from kb.tickets.models import Organization, Ticket
from kb.tickets.services import (
    ticket_acknowledge,
    ticket_create,
    ticket_resolve,
)
from tests.clock import EU_WORKING_HOURS

pytestmark = pytest.mark.django_db

ROLES = ("customer", "other_customer", "curator", "engineer", "lead", "anonymous")

# Expected status per operation, in the order of ROLES:
#   customer  other_customer  curator  engineer  lead  anonymous
API = {
    "list":             (200, 200, 200, 200, 200, 401),
    "detail":           (200, 404, 200, 200, 200, 401),
    "file":             (201, 201, 403, 403, 403, 401),
    "acknowledge":      (403, 404, 403, 200, 200, 401),
    "locate":           (403, 404, 403, 200, 200, 401),
    "resolve":          (403, 404, 403, 200, 200, 401),
    "wait":             (403, 404, 403, 200, 200, 401),
    "assign":           (403, 404, 403, 200, 200, 401),
    "close":            (403, 404, 403, 200, 200, 401),
    "confirm":          (200, 404, 403, 403, 403, 401),
    "reopen":           (200, 404, 403, 200, 200, 401),
    "comment_public":   (200, 404, 403, 200, 200, 401),
    "comment_internal": (403, 404, 403, 200, 200, 401),
}
PAGES = {
    "list":             (200, 200, 200, 200, 200, 302),
    "detail":           (200, 404, 200, 200, 200, 302),
    "file":             (302, 302, 403, 403, 403, 302),
    "acknowledge":      (404, 404, 404, 302, 302, 302),
    "locate":           (404, 404, 404, 302, 302, 302),
    "resolve":          (404, 404, 404, 302, 302, 302),
    "wait":             (404, 404, 404, 302, 302, 302),
    "assign":           (404, 404, 404, 302, 302, 302),
    "close":            (404, 404, 404, 302, 302, 302),
    "confirm":          (302, 404, 404, 404, 404, 302),
    "reopen":           (302, 404, 404, 302, 302, 302),
    "comment_public":   (302, 404, 404, 302, 302, 302),
    "comment_internal": (404, 404, 404, 302, 302, 302),
}

TICKET = {"subject": "Push refused since 10:00", "description": "OBS: Failed to connect",
          "priority": "P3", "region": "eu"}

# operation: (the ticket's status before, API action, API body, page action, form)
ACTIONS = {
    "acknowledge": ("new", "acknowledge", {}, "acknowledge", {}),
    "locate": ("acknowledged", "locate", {"problems": ["push.connect-refused"]},
               "locate", {"problems": ["push.connect-refused"]}),
    "resolve": ("acknowledged", "resolve", {"summary": "Key rotated."},
                "resolve", {"summary": "Key rotated."}),
    "wait": ("acknowledged", "wait", {"text": "Which encoder?"},
             "wait", {"text": "Which encoder?"}),
    "assign": ("new", "assign", {"team": "na"}, "assign", {"team": "na"}),
    "close": ("resolved", "close", {}, "close", {}),
    "confirm": ("resolved", "confirm", {}, "confirm", {}),
    "reopen": ("resolved", "reopen", {"text": "Drops again at 21:00"},
               "reopen", {"text": "Drops again at 21:00"}),
    "comment_public": ("new", "comment", {"text": "Any news?", "public": True},
                       "reply", {"text": "Any news?"}),
    "comment_internal": ("new", "comment", {"text": "Old key in use", "public": False},
                         "reply", {"text": "Old key in use", "internal": "on"}),
}


def _cases():
    for surface, table in (("api", API), ("pages", PAGES)):
        for operation, expected in table.items():
            for role, status in zip(ROLES, expected, strict=True):
                yield pytest.param(surface, operation, role, status,
                                   id=f"{surface}-{operation}-{role}")


@pytest.fixture
def people(django_user_model, groups, organisation, problems):
    def staff(username: str, group: str):
        user = django_user_model.objects.create_user(username, is_staff=True)
        user.groups.add(groups[group])
        return user

    def customer(username: str, organization: str):
        user = django_user_model.objects.create_user(username)
        Organization.objects.create(name=organization).members.add(user)
        return user

    return {
        "customer": customer("alice", "Acme Live"),
        "other_customer": customer("bob", "Globex Streams"),
        "curator": staff("curator", "Curators"),
        "engineer": staff("engineer", "Support engineers"),
        "lead": staff("lead", "Support leads"),
        "anonymous": None,
    }


def _ticket_in(status: str, people) -> Ticket:
    alice, engineer = people["customer"], people["engineer"]
    ticket = ticket_create(requester=alice, organization=alice.organizations.get(), **TICKET)
    if status in {"acknowledged", "resolved"}:
        ticket_acknowledge(ticket=ticket, actor=engineer)
    if status == "resolved":
        ticket_resolve(ticket=ticket, actor=engineer, summary="Key rotated.")
    ticket.refresh_from_db()
    assert ticket.status == status
    return ticket


def _state(ticket: Ticket) -> tuple:
    ticket.refresh_from_db()
    return (ticket.status, ticket.team_id, ticket.assignee_id, ticket.events.count())


def _request(surface: str, user, method: str, path: str, data: dict | None = None):
    if surface == "api":
        api = APIClient()
        if user is not None:
            api.force_authenticate(user)
        return getattr(api, method)(f"/api/v1/tickets/{path}", data, format="json")
    client = Client()
    if user is not None:
        client.force_login(user)
    return getattr(client, method)(f"/support/tickets/{path}", data or {})


@pytest.mark.parametrize("surface, operation, role, expected", list(_cases()))
def test_every_role_may_do_exactly_what_its_table_says(surface, operation, role, expected,
                                                        people, time_machine):
    # The Europe team is on duty: the ticket is routed to "eu" (assign moves it).
    time_machine.move_to(EU_WORKING_HOURS, tick=False)
    user = people[role]
    if operation == "list":
        ticket = _ticket_in("new", people)
        response = _request(surface, user, "get", "")
        if expected == 200:
            visible = (response.json() if surface == "api"
                       else list(response.context["page"].object_list))
            assert len(visible) == (0 if role == "other_customer" else 1)
    elif operation == "detail":
        ticket = _ticket_in("new", people)
        response = _request(surface, user, "get", f"{ticket.pk}/")
    elif operation == "file":
        before = Ticket.objects.count()
        response = (_request(surface, user, "post", "", TICKET) if surface == "api"
                    else _request(surface, user, "post", "new/", {**TICKET, "pasted_log": ""}))
        assert Ticket.objects.count() == before + (expected in {201, 302}
                                                   and role != "anonymous")
    else:
        status, api_action, body, page_action, form = ACTIONS[operation]
        ticket = _ticket_in(status, people)
        before = _state(ticket)
        if surface == "api":
            response = _request(surface, user, "post", f"{ticket.pk}/{api_action}/", body)
        else:
            response = _request(surface, user, "post", f"{ticket.pk}/{page_action}/", form)
        allowed = expected == 200 or (expected == 302 and role != "anonymous")
        # Refused means nothing happened; allowed means something did.
        assert (_state(ticket) != before) == allowed
    assert response.status_code == expected, response.content[:300]
    if surface == "pages" and role == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
