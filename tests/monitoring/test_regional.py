"""Region incidents (kb.monitoring.regional): several lines to one region in
trouble at once are one public incident named for the region, on the status
page and its JSON, never naming a customer's line or organization."""

import datetime as dt
import json
import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.utils import translation

from kb.monitoring.evaluation import lines_evaluate
from kb.monitoring.models import Incident, IncidentUpdate
from kb.monitoring.regional import incident_title, regions_correlate
from kb.monitoring.status import status_cache_clear, status_overview
from kb.tickets.services import teams_demo_on_call_ensure
from tests.clock import EU_WORKING_HOURS
from tests.monitoring.conftest import make_line, record, sample

pytestmark = pytest.mark.django_db

M = dt.timedelta(minutes=1)
S = dt.timedelta(seconds=15)
T0 = EU_WORKING_HOURS

KINDS = {
    "ok": {"received": 20},
    "loss": {"received": 18},  # 10 %
    "dark": {"received": 0},
}


@pytest.fixture
def on_call(django_user_model, organisation):
    engineer = django_user_model.objects.create_user("oncall", email="oncall@example.com",
                                                     is_staff=True)
    teams_demo_on_call_ensure(engineer=engineer)
    return engineer


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(T0, tick=False)
    status_cache_clear()
    yield time_machine
    status_cache_clear()


@pytest.fixture
def two_customers(acme, globex, on_call):
    """Two organizations' lines into Southeast Asia, of both kinds."""
    studio = make_line(acme[0], name="Acme Shanghai studio -> Singapore ingest")
    encoder = make_line(globex[0], name="Globex Jakarta encoder", from_region="sea",
                        kind="internet", host="push2.sea.example.com")
    return studio, encoder


def play(script: dict, *, start, clock, capture) -> None:
    """One sample a minute per line (``script``: line -> kinds, None for no
    sample), evaluating after each minute as beat does; what the evaluation
    queues on commit (clearing the status page's cache) runs."""
    length = max(len(kinds) for kinds in script.values())
    for n in range(length):
        at = start + n * M
        record([sample(line, at, **KINDS[kinds[n]]) for line, kinds in script.items()
                if n < len(kinds) and kinds[n] is not None])
        clock.move_to(at + S, tick=False)
        with capture(execute=True):
            lines_evaluate()


def regional() -> Incident:
    return Incident.objects.get(line__isnull=True)


def codes(incident: Incident) -> list[tuple[str, str]]:
    return [(u.status, u.code) for u in incident.updates.all()]


class TestOpening:
    def test_two_organizations_lines_degrading_within_ten_minutes_are_one_public_incident(
            self, two_customers, clock, client, django_capture_on_commit_callbacks):
        studio, encoder = two_customers
        play({studio: ["loss"] * 8, encoder: ["ok"] * 5 + ["loss"] * 3}, start=T0,
             clock=clock, capture=django_capture_on_commit_callbacks)
        first, second = Incident.objects.filter(line__isnull=False).order_by("opened_at")
        assert (first.line, second.line) == (studio, encoder)
        assert second.opened_at - first.opened_at == 5 * M
        region = regional()
        assert (region.region, region.severity, region.state, region.public) == (
            "sea", "degraded", "open", True)
        assert region.title == "Degraded service to Southeast Asia"
        assert region.opened_at == first.opened_at and region.ticket is None
        assert set(region.line_incidents.all()) == {first, second}
        assert codes(region) == [("investigating", "regional_detected_degraded")]
        # Each customer still has their own ticket; the lines' incidents stay private.
        assert first.ticket.organization != second.ticket.organization
        assert not first.public and not second.public

        page = client.get("/status/").content.decode()
        assert "Degraded service to Southeast Asia" in page
        assert ("Monitoring detected degraded performance on 2 lines to Southeast Asia at "
                "once. We are investigating a problem in the region.") in page
        body = client.get("/api/v1/status/").content.decode()
        shown = json.loads(body)
        [incident] = shown["incidents"]
        assert (incident["title"], incident["severity"], incident["state"],
                incident["regions"], incident["route"]) == (
            "Degraded service to Southeast Asia", "degraded", "open", ["sea"], None)
        assert incident["opened_at"] == first.opened_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        sea = next(r for r in shown["regions"] if r["region"] == "sea")
        assert sea["state"] == "degraded" and sea["days"][-1]["state"] == "degraded"
        for text in (page, body):
            for private in ("Acme", "Globex", "Jakarta", "Shanghai studio", "push.sea"):
                assert private not in text

    def test_the_region_incident_reads_in_chinese(
            self, two_customers, clock, client, django_capture_on_commit_callbacks):
        studio, encoder = two_customers
        play({studio: ["loss"] * 3, encoder: ["loss"] * 3}, start=T0, clock=clock,
             capture=django_capture_on_commit_callbacks)
        page = client.get("/status/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "监控发现有 2 条通往东南亚的线路同时质量下降" in page
        shown = json.loads(client.get("/api/v1/status/",
                                      HTTP_ACCEPT_LANGUAGE="zh-hans").content)
        assert "监控发现有 2 条通往东南亚的线路同时质量下降" in shown[
            "incidents"][0]["updates"][0]["text"]
        # Its title as well, on the page, its own page and in the JSON.
        assert shown["incidents"][0]["title"] == "通往东南亚的服务质量下降"
        assert "通往东南亚的服务质量下降" in page
        incident_page = client.get(f"/status/incidents/{shown['incidents'][0]['id']}/",
                                   HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "<h1>通往东南亚的服务质量下降</h1>" in incident_page
        # The region's name too, though the overview was cached for everyone.
        assert [r["name"] for r in shown["regions"]] == ["东南亚"]
        english = json.loads(client.get("/api/v1/status/").content)
        assert [r["name"] for r in english["regions"]] == ["Southeast Asia"]

    def test_a_single_line_in_trouble_is_no_region_incident(
            self, two_customers, clock, django_capture_on_commit_callbacks):
        studio, encoder = two_customers
        play({studio: ["dark"] * 6, encoder: ["ok"] * 6}, start=T0, clock=clock,
             capture=django_capture_on_commit_callbacks)
        assert Incident.objects.get().line == studio
        assert not Incident.objects.filter(line__isnull=True).exists()
        assert status_overview().active == []  # a customer's own incident is not public

    def test_two_lines_thirty_minutes_apart_are_two_line_problems(
            self, two_customers, clock, django_capture_on_commit_callbacks):
        studio, encoder = two_customers
        play({studio: ["loss"] * 36, encoder: ["ok"] * 30 + ["loss"] * 6}, start=T0,
             clock=clock, capture=django_capture_on_commit_callbacks)
        first, second = Incident.objects.order_by("opened_at")
        assert (first.state, second.state) == ("open", "open")
        assert second.opened_at - first.opened_at == 30 * M
        assert not Incident.objects.filter(line__isnull=True).exists()

    def test_lines_to_different_regions_are_no_region_incident(
            self, acme, globex, on_call, clock, django_capture_on_commit_callbacks):
        to_sea = make_line(acme[0], name="To Singapore")
        to_eu = make_line(globex[0], name="To Frankfurt", to_region="eu")
        play({to_sea: ["dark"] * 3, to_eu: ["dark"] * 3}, start=T0, clock=clock,
             capture=django_capture_on_commit_callbacks)
        assert Incident.objects.count() == 2
        assert not Incident.objects.filter(line__isnull=True).exists()

    def test_a_line_that_degrades_later_joins_the_open_region_incident(
            self, two_customers, globex, clock, django_capture_on_commit_callbacks):
        studio, encoder = two_customers
        third = make_line(globex[0], name="Globex Manila encoder", from_region="sea")
        play({studio: ["loss"] * 40, encoder: ["loss"] * 40,
              third: ["ok"] * 30 + ["loss"] * 10}, start=T0, clock=clock,
             capture=django_capture_on_commit_callbacks)
        region = regional()
        assert region.line_incidents.count() == 3
        assert Incident.objects.get(line=third).regional == region

    def test_running_the_evaluation_twice_opens_one_region_incident(
            self, two_customers, clock, django_capture_on_commit_callbacks):
        studio, encoder = two_customers
        play({studio: ["loss"] * 3, encoder: ["loss"] * 3}, start=T0, clock=clock,
             capture=django_capture_on_commit_callbacks)
        counts = (Incident.objects.count(), IncidentUpdate.objects.count())
        report = lines_evaluate()
        assert (report.regional_opened, report.regional_attached, report.regional_escalated,
                report.regional_resolved) == (0, 0, 0, 0)
        assert counts == (Incident.objects.count(), IncidentUpdate.objects.count()) == (3, 3)


class TestEscalationAndResolution:
    def test_a_child_going_down_takes_the_region_incident_down(
            self, two_customers, clock, django_capture_on_commit_callbacks):
        studio, encoder = two_customers
        play({studio: ["loss"] * 6, encoder: ["loss"] * 3 + ["dark"] * 3}, start=T0,
             clock=clock, capture=django_capture_on_commit_callbacks)
        child = Incident.objects.get(line=encoder)
        assert child.severity == "down"
        region = regional()
        assert region.severity == "down" and region.down_at == child.down_at
        assert region.title == "Service to Southeast Asia is down"
        assert codes(region) == [("investigating", "regional_detected_degraded"),
                                 ("investigating", "regional_escalated_down")]
        assert region.updates.last().params == {"region": "sea", "down": 1, "lines": 2}
        assert status_overview().regions[0].state == "down"

    def test_the_region_incident_resolves_only_when_its_last_line_recovers(
            self, two_customers, clock, client, django_capture_on_commit_callbacks):
        studio, encoder = two_customers
        # The studio recovers first (ten good minutes), the encoder later.
        play({studio: ["loss"] * 3 + ["ok"] * 15, encoder: ["loss"] * 15 + ["ok"] * 3},
             start=T0, clock=clock, capture=django_capture_on_commit_callbacks)
        first = Incident.objects.get(line=studio)
        assert first.state == "resolved"
        region = regional()
        assert region.state == "open"
        assert codes(region)[-1] == ("monitoring", "regional_recovering")
        assert "Service to Southeast Asia is recovering: 1 of the 2 affected lines are " \
               "healthy again." in client.get("/status/").content.decode()
        play({studio: ["ok"] * 12, encoder: ["ok"] * 12}, start=T0 + 18 * M, clock=clock,
             capture=django_capture_on_commit_callbacks)
        last = Incident.objects.get(line=encoder)
        region.refresh_from_db()
        assert last.state == "resolved"
        assert region.state == "resolved" and region.resolved_at == last.resolved_at
        assert codes(region) == [("investigating", "regional_detected_degraded"),
                                 ("monitoring", "regional_recovering"),
                                 ("resolved", "regional_recovered")]
        # The page was read while it was open: it shows the resolution at once.
        page = client.get("/status/").content.decode()
        assert "Service to Southeast Asia has recovered: all 2 affected lines are healthy " \
               "again." in page
        overview = status_overview()
        assert overview.active == [] and overview.past == [region]
        # A line in trouble again later is its own problem until another joins it.
        play({studio: ["loss"] * 3}, start=T0 + 30 * M, clock=clock,
             capture=django_capture_on_commit_callbacks)
        assert Incident.objects.filter(line__isnull=True).count() == 1
        assert Incident.objects.get(line=studio, state="open").regional is None


class TestStaffDeclared:
    def test_lines_join_a_declared_region_incident_which_only_staff_resolve(
            self, two_customers, clock, django_capture_on_commit_callbacks):
        studio, encoder = two_customers
        staff = get_user_model().objects.create_user("noc", is_staff=True)
        declared = Incident.objects.create(
            region="sea", severity="degraded", public=True, created_by=staff,
            title="Carrier works in Singapore", opened_at=T0)
        play({studio: ["loss"] * 3 + ["ok"] * 12, encoder: ["dark"] * 3 + ["ok"] * 12},
             start=T0, clock=clock, capture=django_capture_on_commit_callbacks)
        assert Incident.objects.filter(line__isnull=True).get() == declared
        declared.refresh_from_db()
        assert {i.line for i in declared.line_incidents.all()} == {studio, encoder}
        assert all(i.state == "resolved" for i in declared.line_incidents.all())
        # Staff tell its story and resolve it: monitoring changed nothing.
        assert (declared.state, declared.severity, declared.title) == (
            "open", "degraded", "Carrier works in Singapore")
        assert not declared.updates.exists()


class TestUptime:
    def test_a_regions_bars_count_its_incident_once_beside_its_ingest_lines(
            self, acme, two_customers, clock, django_capture_on_commit_callbacks):
        studio, _ = two_customers
        ingest = make_line(acme[0], name="Singapore ingest", kind="internet", public=True,
                           host="ingest.sea.example.com")
        # Both dark from the same minute for 30 minutes, then well again.
        play({studio: ["dark"] * 30 + ["ok"] * 12, ingest: ["dark"] * 30 + ["ok"] * 12},
             start=T0, clock=clock, capture=django_capture_on_commit_callbacks)
        region = regional()
        own = Incident.objects.get(line=ingest)
        assert region.state == own.state == "resolved"
        assert own.public and own.regional == region
        overview = status_overview()
        # One story on the page: the ingest's own incident is told by the region's.
        assert overview.past == [region]
        [sea] = overview.regions
        down = (region.resolved_at - region.down_at).total_seconds()
        assert sea.days[-1].down_seconds == down
        assert down == (own.resolved_at - own.down_at).total_seconds()


class TestTitle:
    def test_monitorings_region_title_reads_in_the_readers_language_staffs_as_written(
            self, two_customers, clock, django_capture_on_commit_callbacks):
        studio, encoder = two_customers
        play({studio: ["dark"] * 3, encoder: ["dark"] * 3}, start=T0, clock=clock,
             capture=django_capture_on_commit_callbacks)
        region = regional()
        assert region.title == "Service to Southeast Asia is down"
        with translation.override("zh-hans"):
            assert incident_title(region) == "通往东南亚的服务中断"
            assert incident_title(Incident.objects.get(line=studio)) == studio.name
            region.title = "Carrier works in Singapore"
            assert incident_title(region) == "Carrier works in Singapore"


@pytest.mark.django_db(transaction=True)
def test_concurrent_evaluations_open_one_region_incident(two_customers, clock):
    """Needs PostgreSQL (row locks; SQLite serializes every write anyway):
    run with ``DATABASE_URL=postgres://...``; skipped on SQLite."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks: set DATABASE_URL=postgres://...")
    for n, line in enumerate(two_customers):
        Incident.objects.create(line=line, severity="degraded", title=line.name,
                                opened_at=T0 + n * M)
    runs = 4
    barrier = threading.Barrier(runs)
    reports, errors = [], []

    def correlate() -> None:
        try:
            barrier.wait()
            reports.append(regions_correlate(now=T0 + 2 * M))
        except Exception as exc:  # reported below; a thread cannot fail the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=correlate) for _ in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sum(r.opened for r in reports) == 1 and not any(r.failed for r in reports)
    region = regional()
    assert region.line_incidents.count() == 2 and region.updates.count() == 1
