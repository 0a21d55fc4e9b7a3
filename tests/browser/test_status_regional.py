"""Two customers' lines into one region degrade together: a reader of the
status page sees one incident for the region, in English and in Chinese,
and nothing of whose lines they are."""

import datetime as dt

import pytest
from django.conf import settings
from playwright.sync_api import expect

from kb.monitoring.evaluation import lines_evaluate
from kb.monitoring.models import Incident
from kb.monitoring.status import status_cache_clear
from kb.tickets.models import Organization
from kb.tickets.services import sla_policies_ensure, teams_load_fixture
from tests.browser.conftest import switch_language
from tests.monitoring.conftest import make_line, record, sample

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOW = dt.datetime(2026, 12, 2, 10, 30, tzinfo=dt.UTC)
M = dt.timedelta(minutes=1)


@pytest.fixture
def regional(time_machine):
    start = NOW - 10 * M
    time_machine.move_to(start - M, tick=False)
    teams_load_fixture(path=settings.KB_FIXTURES_DIR / "teams.toml")
    sla_policies_ensure()
    studio = make_line(Organization.objects.create(name="Acme Live"),
                       name="Acme Shanghai studio -> Singapore ingest")
    encoder = make_line(Organization.objects.create(name="Globex Streams"),
                        name="Globex Jakarta encoder", from_region="sea", kind="internet")
    # Both lose 10 % of their probes for three minutes, evaluated each minute.
    for n in range(3):
        at = start + n * M
        record([sample(studio, at, received=18), sample(encoder, at, received=18)])
        time_machine.move_to(at + dt.timedelta(seconds=15), tick=False)
        lines_evaluate()
    time_machine.move_to(NOW, tick=True)
    status_cache_clear()
    yield Incident.objects.get(line__isnull=True)
    status_cache_clear()


def test_a_reader_sees_one_incident_for_the_region_in_english_and_chinese(page, regional):
    page.goto("/status/")
    incident = page.locator(".status-incident", has_text="Degraded service to Southeast Asia")
    expect(incident).to_have_count(1)
    expect(incident).to_contain_text("Investigating")
    expect(incident).to_contain_text("Monitoring detected degraded performance on 2 lines to "
                                     "Southeast Asia at once.")
    bars = page.get_by_role("img", name="Southeast Asia: uptime over the last 90 days")
    expect(bars).to_be_visible()
    expect(bars.locator(".chart-day-degraded rect > title")).to_have_count(1)
    main = page.locator("main")
    for private in ("Acme", "Globex", "Jakarta", "Shanghai studio"):
        expect(main).not_to_contain_text(private)

    switch_language(page, "zh-hans")
    expect(page.get_by_role("heading", level=1)).to_have_text("系统状态")
    incident = page.locator(".status-incident").first
    expect(incident).to_contain_text("排查中")
    expect(incident).to_contain_text("监控发现有 2 条通往东南亚的线路同时质量下降")
    expect(page.get_by_role("img", name="东南亚：最近 90 天的可用率")).to_be_visible()
