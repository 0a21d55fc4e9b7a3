"""The public status page: regions and routes with 90 days of uptime bars,
incidents with their story, maintenance."""

import datetime as dt

import pytest

from kb.monitoring.models import Incident, IncidentUpdate
from kb.monitoring.services import maintenance_create
from kb.monitoring.status import status_cache_clear
from tests.monitoring.conftest import make_line

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 2, 10, 30, tzinfo=dt.UTC)


@pytest.fixture
def public(time_machine, acme):
    time_machine.move_to(NOW - dt.timedelta(days=120), tick=False)
    ingest = make_line(acme[0], name="Singapore ingest", kind="internet", public=True)
    route = make_line(acme[0], name="Shanghai -> Singapore dedicated", public=True)
    make_line(acme[0], name="Acme private studio line")
    time_machine.move_to(NOW, tick=False)
    down = Incident.objects.create(
        line=route, severity="down", title="Dedicated route down", public=True,
        state="resolved", opened_at=NOW - dt.timedelta(days=3, hours=2),
        down_at=NOW - dt.timedelta(days=3, hours=2),
        resolved_at=NOW - dt.timedelta(days=3, hours=1))
    IncidentUpdate.objects.create(incident=down, status="investigating",
                                  code="detected_down", params={"line": route.name,
                                                                "minutes": 3},
                                  created_at=down.opened_at)
    IncidentUpdate.objects.create(incident=down, status="resolved",
                                  body="Fibre cut repaired by the carrier.",
                                  body_html="<p>Fibre cut repaired by the carrier.</p>",
                                  created_at=down.resolved_at)
    Incident.objects.create(region="sea", severity="degraded", public=True,
                            title="Packet loss into Southeast Asia", opened_at=NOW - dt.timedelta(
                                minutes=20))
    maintenance_create(title="Ingest upgrade in Singapore", regions=["sea"],
                       starts_at=NOW + dt.timedelta(days=1),
                       ends_at=NOW + dt.timedelta(days=1, hours=1))
    status_cache_clear()
    yield ingest, route
    status_cache_clear()


def test_anyone_sees_regions_routes_uptime_and_incidents(client, public):
    response = client.get("/status/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Southeast Asia" in page and "Shanghai -&gt; Singapore dedicated" in page
    assert "Acme private studio line" not in page
    assert page.count('class="chart-svg pygal-chart chart-uptime"') == 2
    assert "uptime over the last 90 days" in page
    # The day of the one-hour outage: its bar is down and says so.
    assert f"{(NOW - dt.timedelta(days=3)).date().isoformat()}: 95.83 % uptime; down 60 min" \
        in page
    assert "Packet loss into Southeast Asia" in page  # active, regional
    assert "Monitoring detected Shanghai -&gt; Singapore dedicated down" in page
    assert "<p>Fibre cut repaired by the carrier.</p>" in page
    assert "Ingest upgrade in Singapore" in page
    assert "<style" not in page and ' style="' not in page


def test_the_status_page_in_chinese(client, public):
    page = client.get("/status/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<html lang="zh-hans">' in page
    assert "系统状态" in page and "System status" not in page


def test_nothing_public_yet_says_so(client, db):
    status_cache_clear()
    page = client.get("/status/").content.decode()
    assert "No region is monitored publicly yet." in page
    assert "No active incident." in page
