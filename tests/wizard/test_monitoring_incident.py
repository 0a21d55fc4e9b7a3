"""The stream-down path asks monitoring first: an incident already open on
the customer's line (or a public one for the region) is told at once, with
its ticket, and the customer may add their details to that ticket instead
of filing a second P1, or file anyway."""

import datetime as dt
import re

import pytest

from kb.monitoring.incidents import incident_open, incident_ticket_ensure
from kb.monitoring.models import Incident
from kb.monitoring.services import line_create
from kb.tickets.models import Organization, Ticket, TicketEvent
from kb.wizard.models import WizardSession
from tests.clock import EU_WORKING_HOURS
from tests.wizard.test_views import answer

pytestmark = pytest.mark.django_db

# Wednesday 25 March 2026, 11:00 UTC (19:00 in Shanghai): Europe on duty.
NOW = EU_WORKING_HOURS
ONSET = NOW - dt.timedelta(minutes=20)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


def make_line(organization, **overrides):
    fields = {"name": "Berlin studio -> Frankfurt ingest", "from_region": "eu",
              "to_region": "eu", "kind": "dedicated", "host": "push.eu.example.com",
              "port": 1935, "protocol": "rtmp", "probe_by_site": False}
    return line_create(organization=organization, **{**fields, **overrides})


def line_down(organization, *, capture=None, **line_fields) -> Incident:
    """Monitoring's own path: the incident opened, its P1 filed (and paged
    when ``capture`` runs the commit callbacks)."""
    line = make_line(organization, **line_fields)
    incident = incident_open(line=line, severity="down", at=ONSET, evidence=[],
                             baseline_ms=40.0)
    if capture is None:
        incident_ticket_ensure(incident=incident)
    else:
        with capture(execute=True):
            incident_ticket_ensure(incident=incident)
    incident.refresh_from_db()
    return incident


def stream_down(client) -> WizardSession:
    response = client.post("/wizard/", {"stream_down": "yes"})
    assert response.status_code == 302
    return WizardSession.objects.get(id=response["Location"].split("/")[-2])


def page(client, session) -> str:
    return client.get(f"/wizard/s/{session.id}/").content.decode()


@pytest.fixture
def acme(member):
    return Organization.objects.get(members=member)


class TestSignedIn:
    def test_the_first_step_says_what_monitoring_found_and_that_the_engineer_was_paged(
            self, client, clock, member, acme, team_lead, django_capture_on_commit_callbacks):
        incident = line_down(acme, capture=django_capture_on_commit_callbacks)
        client.force_login(member)
        client.cookies["tz"] = "Asia/Shanghai"
        session = stream_down(client)
        text = page(client, session)
        assert 'data-testid="known-incident"' in text
        assert "your line Berlin studio -&gt; Frankfurt ingest" in text
        assert "is down, since 2026-03-25 18:40 CST" in text  # 10:40 UTC, viewer's zone
        assert (f"Ticket #{incident.ticket_id} is already open and the on-call engineer was "
                f"paged.") in text
        assert f'href="/support/tickets/{incident.ticket_id}/"' in text
        assert 'name="action" value="add_to_incident"' in text
        assert session.current_step == "stream-id"  # nothing more asked first

    def test_paged_is_said_only_once_a_page_went_out(self, client, clock, member, acme,
                                                      team_lead):
        incident = line_down(acme)  # the page is still waiting to be sent
        client.force_login(member)
        text = page(client, stream_down(client))
        assert "was paged" not in text
        assert (f"Ticket #{incident.ticket_id} is already open; the on-call engineer is being "
                f"paged now.") in text

    def test_adding_details_replies_on_that_ticket_and_files_nothing_new(
            self, client, clock, member, acme, team_lead):
        incident = line_down(acme)
        client.force_login(member)
        session = stream_down(client)
        answer(client, session, action="add_to_incident",
               details="match-01 black for viewers in Berlin since 10:41")
        assert Ticket.objects.count() == 1
        reply = TicketEvent.objects.get(ticket=incident.ticket, kind="comment")
        assert reply.actor == member and reply.public
        assert reply.text.startswith("match-01 black for viewers in Berlin since 10:41")
        assert str(session.id) in reply.text
        assert session.outcome == "escalated" and session.ticket_id == incident.ticket_id
        text = page(client, session)
        assert "Your details are on the ticket" in text
        assert f"Ticket #{incident.ticket_id}, priority P1" in text

    def test_with_htmx_the_step_box_says_the_details_are_on_the_ticket(
            self, client, clock, member, acme, team_lead):
        incident = line_down(acme)
        client.force_login(member)
        session = stream_down(client)
        response = client.post(f"/wizard/s/{session.id}/0/",
                               {"action": "add_to_incident", "details": "match-01 black"},
                               HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        text = response.content.decode()
        assert "Your details are on the ticket" in text and "known-incident" not in text
        assert f'href="/support/tickets/{incident.ticket_id}/"' in text

    def test_empty_details_are_refused_and_nothing_added(self, client, clock, member, acme,
                                                        team_lead):
        incident = line_down(acme)
        client.force_login(member)
        session = stream_down(client)
        response = answer(client, session, expect=400, action="add_to_incident", details=" ")
        assert "Say what you see" in response.content.decode()
        assert not TicketEvent.objects.filter(ticket=incident.ticket, kind="comment").exists()
        assert session.outcome == "open"

    def test_filing_anyway_still_files_a_p1_that_names_the_incident(
            self, client, clock, member, acme, team_lead):
        incident = line_down(acme)
        client.force_login(member)
        session = stream_down(client)
        answer(client, session, text="match-01")
        answer(client, session, choice="eu")
        assert 'data-testid="known-incident"' in page(client, session)
        answer(client, session, choice="same")
        answer(client, session, action="escalate", region="eu", stream_id="match-01")
        filed = Ticket.objects.exclude(pk=incident.ticket_id).get()
        assert filed.priority == "P1"
        assert (f"Monitoring already had an incident open when this was filed: Berlin studio "
                f"-> Frankfurt ingest (Down since 2026-03-25 10:40 UTC, incident "
                f"{incident.pk}); its ticket is #{incident.ticket_id}.") in filed.description

    def test_a_region_chosen_away_from_the_line_drops_the_notice(self, client, clock, member,
                                                                acme, team_lead):
        line_down(acme)
        client.force_login(member)
        session = stream_down(client)
        assert 'data-testid="known-incident"' in page(client, session)  # any line, at first
        answer(client, session, text="match-01")
        answer(client, session, choice="sea")
        assert 'data-testid="known-incident"' not in page(client, session)

    def test_another_organizations_incident_is_never_shown(
            self, client, clock, member, team_lead, django_user_model):
        line_down(Organization.objects.create(name="Globex Streams"), name="Globex backup")
        client.force_login(member)
        session = stream_down(client)
        answer(client, session, text="match-01")
        answer(client, session, choice="eu")
        text = page(client, session)
        assert "known-incident" not in text and "Globex" not in text
        answer(client, session, expect=409, action="add_to_incident", details="me too")
        assert not TicketEvent.objects.filter(kind="comment").exists()

    def test_a_resolved_incident_is_not_news(self, client, clock, member, acme, team_lead):
        incident = line_down(acme)
        Incident.objects.filter(pk=incident.pk).update(state="resolved", resolved_at=NOW)
        client.force_login(member)
        assert "known-incident" not in page(client, stream_down(client))

    def test_other_paths_do_not_ask_monitoring(self, client, clock, member, acme, team_lead):
        line_down(acme)
        client.force_login(member)
        response = client.post("/wizard/", {"flow": "push-cannot-publish"})
        assert "known-incident" not in client.get(response["Location"]).content.decode()


def region_incident(region="sea", *, public=True) -> Incident:
    return Incident.objects.create(line=None, region=region, severity="down", public=public,
                                   title="Singapore ingest unreachable", opened_at=ONSET)


class TestSignedOut:
    def test_a_public_region_incident_is_told_once_the_region_is_chosen(
            self, client, clock, site_content, member, acme, team_lead):
        line_down(acme, from_region="sea", to_region="sea")  # private: never shown
        region_incident()
        session = stream_down(client)
        assert "known-incident" not in page(client, session)
        answer(client, session, text="match-01")
        answer(client, session, choice="sea")
        text = page(client, session)
        assert "Monitoring sees an outage in Southeast Asia since 2026-03-25 10:40 UTC: " \
               "Singapore ingest unreachable." in text
        assert 'href="/status/"' in text
        assert "Berlin" not in text and "/support/tickets/" not in text
        assert 'value="add_to_incident"' not in text
        answer(client, session, expect=401, action="add_to_incident", details="me too")

    def test_a_private_region_incident_is_not_shown(self, client, clock, site_content):
        region_incident(public=False)
        session = stream_down(client)
        answer(client, session, text="match-01")
        answer(client, session, choice="sea")
        assert "known-incident" not in page(client, session)

    def test_the_contact_ticket_names_the_public_incident(self, client, clock, site_content,
                                                          team_lead):
        incident = region_incident()
        session = stream_down(client)
        answer(client, session, text="match-01")
        answer(client, session, choice="sea")
        answer(client, session, choice="same")
        answer(client, session, action="escalate", region="sea", stream_id="match-01",
               email="ops@example.com", organization="Acme Live")
        ticket = Ticket.objects.get()
        assert re.search(rf"Singapore ingest unreachable \(Down since 2026-03-25 10:40 UTC, "
                         rf"incident {incident.pk}\)\.", ticket.description)
