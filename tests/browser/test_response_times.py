import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from kb.tickets.calendars import add_wall_minutes
from kb.tickets.models import Organization, Team, Ticket
from kb.tickets.services import sla_policies_ensure, teams_load_fixture
from tests.browser.conftest import laid_out, switch_language

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def p1_tickets(django_user_model):
    """P1 tickets (wall-clock targets, so no calendar makes the test flaky)."""
    teams_load_fixture(path=settings.KB_FIXTURES_DIR / "teams.toml")
    sla_policies_ensure()
    org = Organization.objects.create(name="Acme Live")
    alice = django_user_model.objects.create_user("alice")
    team = Team.objects.get(code="eu")
    now = timezone.now()
    for days_ago, minutes in ((2, 3), (3, 4), (4, 12), (60, 2)):
        created = now - dt.timedelta(days=days_ago)
        Ticket.objects.create(
            organization=org, requester=alice, subject="Stream down", description="black",
            priority="P1", region="eu", team=team, created_at=created,
            acknowledge_due=add_wall_minutes(created, 5),
            locate_due=add_wall_minutes(created, 30),
            resolve_due=add_wall_minutes(created, 240),
            acknowledged_at=created + dt.timedelta(minutes=minutes),
        )


def test_customer_sees_the_chart_and_switches_to_90_days(page, p1_tickets):
    page.goto("/")
    page.get_by_role("contentinfo").get_by_role("link", name="Support response times").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Support response times")
    chart = page.get_by_role("img", name="P1: measured time against the target")
    expect(chart).to_be_visible()
    # Only acknowledge is measured: one median bar, named in its tooltip.
    expect(chart.locator(".chart-median rect > title")).to_have_text(
        ["Acknowledge, Median: 4 min"])
    laid_out(page)
    assert chart.bounding_box()["width"] > 300
    p1 = page.locator("section[aria-labelledby=priority-p1]")
    expect(p1.locator(".clock")).to_contain_text("3 tickets in this window")
    acknowledge = p1.locator("tr[data-stage=acknowledge]")
    expect(acknowledge).to_contain_text("4 min")  # median of 3, 4, 12
    expect(acknowledge).to_contain_text("66%")

    page.get_by_role("link", name="Last 90 days").click()
    page.wait_for_url("**/support/response-times/?window=90")
    expect(page.get_by_role("link", name="Last 90 days")).to_have_attribute(
        "aria-current", "page")
    expect(p1.locator(".clock")).to_contain_text("4 tickets in this window")
    expect(acknowledge).to_contain_text("75%")


def test_chinese_axis_labels_stay_inside_the_chart(page, p1_tickets):
    page.goto("/support/response-times/")
    switch_language(page, "zh-hans")
    chart = page.locator("#timing-p1")
    expect(chart).to_be_visible()
    labels = chart.locator(".axis.y text")
    expect(labels).to_contain_text(["解决（暂无可统计的工单）", "定位（暂无可统计的工单）", "受理"])
    left = chart.bounding_box()["x"]
    for box in (labels.nth(i).bounding_box() for i in range(labels.count())):
        assert box["x"] >= left, box  # pygal measured a Chinese character at 0.6 em
