"""The status page's Atom feed: public incidents with their updates and public
maintenance, the latest changed first, in the language asked for."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings

from kb.monitoring.models import Incident, IncidentUpdate
from kb.monitoring.services import maintenance_create

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 2, 10, 30, tzinfo=dt.UTC)
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def published(time_machine):
    time_machine.move_to(NOW, tick=False)
    resolved = Incident.objects.create(
        region="eu", severity="down", public=True, state="resolved",
        title="Frankfurt ingest down", opened_at=NOW - dt.timedelta(days=2),
        down_at=NOW - dt.timedelta(days=2), resolved_at=NOW - dt.timedelta(days=2, hours=-1))
    IncidentUpdate.objects.create(incident=resolved, status="resolved",
                                  body="Power restored <script>alert(1)</script>",
                                  body_html="<p>Power restored</p>",
                                  created_at=resolved.resolved_at)
    active = Incident.objects.create(region="sea", severity="degraded", public=True,
                                     title="Packet loss into Southeast Asia",
                                     opened_at=NOW - dt.timedelta(minutes=30))
    IncidentUpdate.objects.create(incident=active, status="investigating",
                                  code="detected_down",
                                  params={"line": "Singapore ingest", "minutes": 3},
                                  created_at=NOW - dt.timedelta(minutes=30))
    IncidentUpdate.objects.create(incident=active, status="identified",
                                  body="A carrier card failed.",
                                  body_html="<p>A carrier card failed.</p>",
                                  created_at=NOW - dt.timedelta(minutes=10))
    Incident.objects.create(region="cn", severity="down", public=False,
                            title="Acme studio line down", opened_at=NOW)
    maintenance_create(title="Ingest upgrade in Singapore", regions=["sea"],
                       starts_at=NOW + dt.timedelta(days=1),
                       ends_at=NOW + dt.timedelta(days=1, hours=1))
    return active, resolved


def entries(response) -> list[dict]:
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return [{"title": entry.findtext(f"{ATOM}title"),
             "id": entry.findtext(f"{ATOM}id"),
             "updated": entry.findtext(f"{ATOM}updated"),
             "link": entry.find(f"{ATOM}link").get("href"),
             "summary": entry.findtext(f"{ATOM}summary")}
            for entry in root.findall(f"{ATOM}entry")]


def test_public_incidents_and_maintenance_newest_first(client, published,
                                                       django_assert_num_queries):
    # Incidents, their updates, maintenance: three queries however many.
    with django_assert_num_queries(3):
        response = client.get("/status/feed.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = entries(response)
    assert [entry["title"] for entry in feed] == [
        "Planned maintenance: Ingest upgrade in Singapore",
        "Packet loss into Southeast Asia: Identified",
        "Frankfurt ingest down: Resolved",
    ]
    assert "Acme studio line down" not in response.content.decode()
    active = feed[1]
    # The updates, newest first, monitoring's own rendered in words.
    assert active["summary"].index("A carrier card failed.") < active["summary"].index(
        "Monitoring detected Singapore ingest down")
    assert active["updated"] == "2026-12-02T10:20:00+00:00"
    assert active["link"] == f"{settings.KB_SITE_URL}/status/incidents/{published[0].pk}/"
    assert len({entry["id"] for entry in feed}) == 3
    assert "<script" not in feed[2]["summary"]


def test_the_feed_in_chinese(client, published):
    response = client.get("/status/feed.atom?lang=zh-hans")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-hans"
    titles = [entry["title"] for entry in entries(response)]
    assert titles[0] == "计划维护：Ingest upgrade in Singapore"
    assert titles[1] == "Packet loss into Southeast Asia：已定位"
    assert "监控发现 Singapore ingest 中断" in entries(response)[1]["summary"]


def test_an_unknown_language_is_refused_with_a_message(client, published):
    response = client.get("/status/feed.atom?lang=fr")
    assert response.status_code == 400
    assert "lang must be one of en, zh-hans." in response.content.decode()


def test_an_empty_feed_is_still_valid_atom(client, db):
    response = client.get("/status/feed.atom")
    assert response.status_code == 200
    assert entries(response) == []


def test_the_feed_is_built_at_most_every_30_seconds(client, published, time_machine,
                                                    django_assert_num_queries):
    client.get("/status/feed.atom")
    with django_assert_num_queries(0):
        assert client.get("/status/feed.atom").status_code == 200
    Incident.objects.create(region="eu", severity="down", public=True,
                            title="Frankfurt ingest down again", opened_at=NOW)
    assert "down again" not in client.get("/status/feed.atom").content.decode()
    time_machine.move_to(NOW + dt.timedelta(seconds=31), tick=False)
    assert "down again" in client.get("/status/feed.atom").content.decode()
