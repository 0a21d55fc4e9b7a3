"""A customer reads their lines' monitoring in the browser, on a desk and on a phone."""

import datetime as dt

import pytest
from django.conf import settings
from playwright.sync_api import expect

from kb.monitoring.models import Incident
from kb.tickets.models import Organization
from kb.tickets.services import sla_policies_ensure, teams_load_fixture
from tests.browser.conftest import PHONE, laid_out
from tests.browser.test_tickets import sign_in
from tests.monitoring.conftest import make_line, minutes, record, sample

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOW = dt.datetime(2026, 12, 2, 10, 30, tzinfo=dt.UTC)


@pytest.fixture
def lines(django_user_model, time_machine):
    time_machine.move_to(NOW, tick=True)
    teams_load_fixture(path=settings.KB_FIXTURES_DIR / "teams.toml")
    sla_policies_ensure()
    acme = Organization.objects.create(name="Acme Live")
    alice = django_user_model.objects.create_user("alice", "alice@example.com", "pw-alice-4242")
    acme.members.add(alice)
    line = make_line(acme)
    start = NOW - dt.timedelta(minutes=90)
    record(sample(line, at) for at in minutes(start, 60))
    record(sample(line, at, received=0) for at in minutes(start + dt.timedelta(minutes=60), 5))
    Incident.objects.create(line=line, severity="down", title="Line down: no reply",
                            opened_at=start + dt.timedelta(minutes=62),
                            resolved_at=start + dt.timedelta(minutes=75))
    make_line(Organization.objects.create(name="Globex"), name="Globex backup path")
    return line


def test_customer_reads_a_lines_charts_switches_range_and_downloads(page, lines):
    sign_in(page, "alice", "pw-alice-4242")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Line monitoring").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Line monitoring")
    row = page.locator(f"tr[data-line='{lines.pk}']")
    expect(row).to_contain_text("No data")
    expect(page.locator("main")).not_to_contain_text("Globex backup path")
    row.get_by_role("link", name="Shanghai studio -> Singapore ingest").click()
    rtt = page.get_by_role("img", name="Round-trip time over the last 24 hours")
    expect(rtt).to_be_visible()
    expect(page.get_by_role("img", name="Packet loss over the last 24 hours")).to_be_visible()
    expect(page.get_by_role("img", name="Jitter over the last 24 hours")).to_be_visible()
    # The incident is marked on the time axis, named for a pointer or a screen reader.
    expect(rtt.locator("rect.chart-incident > title")).to_contain_text(
        "Incident (down): Line down: no reply")
    expect(page.get_by_role("list").filter(has_text="Line down: no reply")).to_be_visible()
    page.get_by_role("link", name="7 days").click()
    expect(page.get_by_role("img", name="Round-trip time over the last 7 days")).to_be_visible()
    expect(page.get_by_role("link", name="7 days")).to_have_attribute("aria-current", "page")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    assert download.value.suggested_filename == f"line-{lines.pk}-7d.csv"


def test_the_charts_fit_a_phone(open_page, lines):
    phone = open_page(viewport=PHONE, is_mobile=True, has_touch=True)
    phone.goto(f"/accounts/login/?next=/monitoring/lines/{lines.pk}/")
    phone.get_by_label("Username").fill("alice")
    phone.get_by_label("Password").fill("pw-alice-4242")
    phone.get_by_role("button", name="Sign in").click()
    chart = phone.get_by_role("img", name="Round-trip time over the last 24 hours")
    expect(chart).to_be_visible()
    laid_out(phone)
    box = chart.bounding_box()
    assert 300 < box["width"] <= 390
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    # Axis text stays legible when the chart is drawn this narrow.
    label = chart.locator(".axis.y text").first
    assert label.evaluate("t => t.getBoundingClientRect().height") >= 9


def test_another_organizations_line_is_not_found(page, lines):
    sign_in(page, "alice", "pw-alice-4242")
    other = lines.__class__.objects.get(name="Globex backup path")
    assert page.goto(f"/monitoring/lines/{other.pk}/").status == 404


@pytest.fixture
def status(time_machine, django_user_model):
    from kb.monitoring.status import status_cache_clear

    time_machine.move_to(NOW - dt.timedelta(days=100), tick=False)
    teams_load_fixture(path=settings.KB_FIXTURES_DIR / "teams.toml")
    sla_policies_ensure()
    provider = Organization.objects.create(name="Streamline network")
    make_line(provider, name="Singapore ingest", kind="internet", public=True)
    time_machine.move_to(NOW, tick=True)
    Incident.objects.create(region="sea", severity="degraded", public=True,
                            title="Packet loss into Southeast Asia",
                            opened_at=NOW - dt.timedelta(minutes=20))
    status_cache_clear()
    yield
    status_cache_clear()


def test_anyone_reads_the_status_page_from_the_footer(open_page, status):
    phone = open_page(viewport=PHONE, is_mobile=True, has_touch=True)
    phone.goto("/")
    phone.get_by_role("contentinfo").get_by_role("link", name="System status").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("System status")
    expect(phone.locator("main")).to_contain_text("Packet loss into Southeast Asia")
    bars = phone.get_by_role("img", name="Southeast Asia: uptime over the last 90 days")
    expect(bars).to_be_visible()
    laid_out(phone)
    assert bars.bounding_box()["width"] <= 390
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    expect(bars.locator(".chart-day-degraded rect > title")).to_have_count(1)
