"""Every flow of fixtures/flows walked through the pages to each of its ends."""

import pytest
from django.core.management import call_command

from kb.tickets.models import Ticket
from kb.wizard.models import Flow
from kb.wizard.services import session_start
from tests.wizard.walk import edges, flow_definitions, walk_once

pytestmark = pytest.mark.django_db

DEFINITIONS = flow_definitions()


def test_check_flows_passes_on_the_launch_flows(site_content, capsys):
    call_command("check_flows")
    assert "valid" in capsys.readouterr().out


def test_flows_cover_all_five_areas_and_the_emergency_path():
    areas = {d["area"] for d in DEFINITIONS.values() if not d["emergency"]}
    assert areas >= {"push", "network", "encoder", "playback", "operations"}
    assert sum(d["emergency"] for d in DEFINITIONS.values()) == 1


@pytest.mark.parametrize("name", sorted(DEFINITIONS))
def test_every_way_through_the_flow_reaches_an_end(name, client, member, team_lead,
                                                   unthrottled_wizard):
    client.force_login(member)
    definition = DEFINITIONS[name]
    flow = Flow.objects.get(slug=definition["slug"])
    uncovered = edges(definition)
    ends = set()
    for _ in range(60):
        if not uncovered:
            break
        session = session_start(flow=flow, language="en", user=member)
        outcome, path = walk_once(client, session, uncovered)
        ends.add(outcome)
        session.refresh_from_db()
        if outcome == "resolved":
            assert session.resolved_article is not None
        else:
            ticket = session.ticket
            assert ticket is not None and ticket.requester == member
            assert "Guided diagnosis" in ticket.description
            if definition["emergency"]:
                assert ticket.priority == "P1"
    assert not uncovered, f"never walked: {sorted(uncovered)}"
    assert "escalated" in ends
    assert definition["emergency"] or "resolved" in ends
    assert Ticket.objects.count() >= 1
