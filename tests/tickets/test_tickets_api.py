import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework.test import APIClient

from kb.tickets.models import Organization, Ticket
from kb.tickets.selectors import sla_preview
from kb.tickets.services import sla_policies_ensure, teams_load_fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation(db):
    teams_load_fixture(path=settings.KB_FIXTURES_DIR / "teams.toml")
    sla_policies_ensure()


@pytest.fixture
def acme(django_user_model, organisation):
    org = Organization.objects.create(name="Acme Live")
    user = django_user_model.objects.create_user("alice", password="pw-alice")
    org.members.add(user)
    return org, user


@pytest.fixture
def globex(django_user_model, organisation):
    org = Organization.objects.create(name="Globex Streams")
    user = django_user_model.objects.create_user("bob", password="pw-bob")
    org.members.add(user)
    return org, user


def client_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


TICKET = {"subject": "Push refused since 10:00", "description": "OBS: Failed to connect",
          "priority": "P2", "region": "eu", "stream_id": "live/acme-main", "protocol": "rtmp",
          "role": "publisher"}


class TestFilingTickets:
    def test_new_ticket_gets_exactly_the_previewed_due_times(self, acme):
        _, alice = acme
        before = timezone.now()
        response = client_for(alice).post("/api/v1/tickets/", TICKET, format="json")
        assert response.status_code == 201
        ticket = Ticket.objects.get()
        preview = sla_preview(priority="P2", region="eu", at=ticket.created_at)
        assert ticket.team.code == preview["team"]
        assert ticket.acknowledge_due == preview["targets"]["acknowledge"]["due"]
        assert ticket.resolve_due == preview["targets"]["resolve"]["due"]
        assert before <= ticket.created_at <= timezone.now()
        data = response.json()
        assert data["due"]["acknowledge"].endswith("Z")
        assert data["organization"] == "Acme Live"
        assert ticket.events.get().kind == "created"

    def test_p1_is_due_in_five_wall_clock_minutes(self, acme):
        _, alice = acme
        client_for(alice).post("/api/v1/tickets/", {**TICKET, "priority": "P1"}, format="json")
        ticket = Ticket.objects.get()
        assert ticket.acknowledge_due - ticket.created_at == dt.timedelta(minutes=5)

    @pytest.mark.parametrize("change, field", [
        ({"priority": "P0"}, "priority"), ({"region": "moon"}, "region"),
        ({"subject": ""}, "subject"), ({"protocol": "rtsp"}, "protocol"),
        ({"description": "x" * 20_001}, "description"),
    ])
    def test_invalid_ticket_is_400_and_nothing_is_stored(self, acme, change, field):
        _, alice = acme
        response = client_for(alice).post("/api/v1/tickets/", {**TICKET, **change},
                                          format="json")
        assert response.status_code == 400
        assert field in response.json()
        assert not Ticket.objects.exists()

    def test_user_without_organization_is_told_why(self, django_user_model, organisation):
        loner = django_user_model.objects.create_user("loner")
        response = client_for(loner).post("/api/v1/tickets/", TICKET, format="json")
        assert response.status_code == 403
        assert "no organization" in response.json()["detail"]

    def test_anonymous_cannot_file_or_list(self, organisation):
        api = APIClient()
        assert api.post("/api/v1/tickets/", TICKET, format="json").status_code in (401, 403)
        assert api.get("/api/v1/tickets/").status_code in (401, 403)


class TestOrganizationsAreIsolated:
    def test_another_organizations_ticket_is_not_found(self, acme, globex):
        _, alice = acme
        _, bob = globex
        client_for(alice).post("/api/v1/tickets/", TICKET, format="json")
        ticket = Ticket.objects.get()
        assert client_for(bob).get(f"/api/v1/tickets/{ticket.pk}/").status_code == 404
        assert client_for(bob).get("/api/v1/tickets/").json() == []
        mine = client_for(alice).get(f"/api/v1/tickets/{ticket.pk}/")
        assert mine.status_code == 200
        assert [e["kind"] for e in mine.json()["events"]] == ["created"]

    def test_staff_see_every_ticket(self, acme, curator):
        _, alice = acme
        client_for(alice).post("/api/v1/tickets/", TICKET, format="json")
        assert len(client_for(curator).get("/api/v1/tickets/").json()) == 1
