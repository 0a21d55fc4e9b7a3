"""Every page a person uses, in English and Chinese, on a desk and on a phone:
axe-core finds no accessibility violation, and each is kept as a screenshot
under var/screenshots/pages/ (``make screenshots`` runs only this tour).

Customers' pages are read signed in as a customer, staff pages as a support
lead, and the admin's article form as a curator.
"""

import datetime as dt

import pytest
from playwright.sync_api import expect

from kb.articles.models import Article
from kb.core.choices import Region
from kb.monitoring.models import Incident
from kb.monitoring.status import status_cache_clear
from kb.search.indexing import index_rebuild
from kb.tickets.models import Organization, Team
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS, axe_violations, format_violations
from tests.monitoring.conftest import make_line, minutes, record, sample
from tests.wizard.conftest import escalate_a_stutter, load_site_content

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOW = dt.datetime(2026, 12, 2, 6, 30, tzinfo=dt.UTC)  # 14:30 in Shanghai, a Wednesday
TOUR = SCREENSHOTS / "pages"


@pytest.fixture
def site(django_user_model, groups, time_machine):
    time_machine.move_to(NOW, tick=True)
    load_site_content()
    index_rebuild()
    customer = django_user_model.objects.create_user("mei", "mei@example.com", "pw-mei-12345")
    organization = Organization.objects.create(name="Demo Streaming Co.")
    organization.members.add(customer)
    ticket = escalate_a_stutter(customer)
    lead = django_user_model.objects.create_user("lead", "lead@example.com", "pw-lead-12345",
                                                 is_staff=True)
    lead.groups.add(groups["Support leads"])
    for team in Team.objects.all():
        team.members.add(lead)
    curator = django_user_model.objects.create_user("cur", "cur@example.com", "pw-cur-12345",
                                                    is_staff=True)
    curator.groups.add(groups["Curators"])
    line = make_line(organization)
    start = NOW - dt.timedelta(minutes=90)
    record(sample(line, at) for at in minutes(start, 90))
    Incident.objects.create(region=Region.SEA, severity="degraded", public=True,
                            title="Packet loss into Southeast Asia",
                            opened_at=NOW - dt.timedelta(minutes=20))
    status_cache_clear()
    article = Article.objects.filter(status="published", language="en").order_by("slug")[0]
    yield {"ticket": ticket, "line": line, "article": article}
    status_cache_clear()


def sign_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    expect(page.locator("#id_username")).to_have_count(0)


def visit(page, path: str, name: str, *, prefix: str, violations: dict) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, (path, response and response.status)
    page.wait_for_load_state("networkidle")
    TOUR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(TOUR / f"{prefix}-{name}.png"), full_page=True)
    found = axe_violations(page)
    if found:
        violations[f"{prefix} {name} {path}"] = found


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_every_page_has_no_accessibility_violation(open_page, site, language, width):
    options = {"viewport": DESKTOP} if width == "desktop" else {
        "viewport": PHONE, "is_mobile": True, "has_touch": True}
    locale = "zh-CN" if language == "zh-hans" else "en-US"
    prefix = f"{language}-{width}"
    violations: dict = {}
    ticket, line, article = site["ticket"], site["line"], site["article"]
    if language == "zh-hans":
        article = Article.objects.get(translation_group=article.translation_group,
                                      language="zh-hans", status="published")

    anonymous = open_page(locale=locale, bypass_csp=True, **options)
    for path, name in [("/", "home"), ("/search/?q=rtmp+connection+refused", "search"),
                       (article.get_absolute_url(), "article"), ("/wizard/", "wizard"),
                       ("/status/", "status"), ("/support/response-times/", "response-times"),
                       ("/accounts/login/", "login")]:
        visit(anonymous, path, name, prefix=prefix, violations=violations)

    customer = open_page(locale=locale, bypass_csp=True, **options)
    sign_in(customer, "mei", "pw-mei-12345")
    for path, name in [("/support/tickets/", "tickets"), ("/support/tickets/new/", "ticket-new"),
                       (f"/support/tickets/{ticket.pk}/", "ticket"),
                       ("/monitoring/", "monitoring"),
                       (f"/monitoring/lines/{line.pk}/", "line")]:
        visit(customer, path, name, prefix=prefix, violations=violations)

    lead = open_page(locale=locale, bypass_csp=True, **options)
    sign_in(lead, "lead", "pw-lead-12345")
    for path, name in [("/support/tickets/queue/", "queue"),
                       (f"/support/tickets/{ticket.pk}/", "ticket-staff"),
                       ("/learning/", "learning"), ("/wizard/stats/", "wizard-stats")]:
        visit(lead, path, name, prefix=prefix, violations=violations)

    if width == "desktop":
        curator = open_page(locale=locale, bypass_csp=True, **options)
        sign_in(curator, "cur", "pw-cur-12345")
        visit(curator, f"/admin/articles/article/{article.pk}/change/", "admin-article",
              prefix=prefix, violations=violations)

    assert not violations, format_violations(violations)
