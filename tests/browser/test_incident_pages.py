"""Staff tell the public about an incident from its page; a signed-out reader
follows it on the status page."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from kb.monitoring.models import Incident
from kb.monitoring.status import status_cache_clear
from tests.browser.conftest import PHONE, laid_out
from tests.browser.test_tickets import sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOW = dt.datetime(2026, 12, 2, 10, 30, tzinfo=dt.UTC)


@pytest.fixture
def incident(time_machine, django_user_model):
    time_machine.move_to(NOW, tick=True)
    django_user_model.objects.create_user("noc", "noc@example.com", "pw-noc-4242",
                                          is_staff=True)
    status_cache_clear()
    yield Incident.objects.create(region="sea", severity="degraded", public=True,
                                  title="Packet loss into Southeast Asia",
                                  opened_at=NOW - dt.timedelta(minutes=20))
    status_cache_clear()


def test_staff_post_an_update_and_a_postmortem_that_readers_see(page, open_page, incident):
    sign_in(page, "noc", "pw-noc-4242")
    page.goto("/status/")
    page.get_by_role("link", name="Packet loss into Southeast Asia").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Packet loss into Southeast Asia")
    # Nothing to write a postmortem about while the incident is open.
    expect(page.get_by_label("Postmortem (Markdown)")).to_have_count(0)

    page.get_by_label("Status").select_option("Identified")
    page.get_by_label("Update (Markdown)").fill(
        "A carrier's **fibre** into Singapore is cut; traffic moves to the second path.")
    page.get_by_role("button", name="Post the update").click()
    expect(page.get_by_role("status")).to_contain_text("The update is on the incident's story.")
    story = page.locator(".incident-story")
    expect(story.locator("li")).to_have_count(1)
    expect(story.locator("strong", has_text="fibre")).to_be_visible()

    page.get_by_label("Status").select_option("Resolved")
    page.get_by_label("Update (Markdown)").fill("Loss is back to zero.")
    page.get_by_role("button", name="Post the update").click()
    expect(page.get_by_role("status")).to_contain_text("the incident is resolved")

    page.get_by_label("Postmortem (Markdown)").fill(
        "## Cause\n\nA fibre cut near Singapore.\n\n## What changes\n\n"
        "- A second carrier on the route\n<script>alert(1)</script>")
    page.get_by_role("button", name="Save the postmortem").click()
    expect(page.get_by_role("status")).to_contain_text("The postmortem is saved.")
    postmortem = page.get_by_role("region", name="Postmortem")
    expect(postmortem.get_by_role("heading", name="What changes")).to_be_visible()
    sign_out(page)

    reader = open_page()
    reader.goto("/status/")
    past = reader.locator(".status-incident", has_text="Packet loss into Southeast Asia")
    expect(past).to_contain_text("A carrier's fibre into Singapore is cut")
    expect(past).to_contain_text("Loss is back to zero.")
    past.get_by_text("Postmortem").click()
    expect(past.get_by_text("A second carrier on the route")).to_be_visible()
    past.get_by_role("link", name="Packet loss into Southeast Asia").click()
    expect(reader.get_by_role("region", name="Postmortem")).to_contain_text(
        "A fibre cut near Singapore.")
    expect(reader.locator("main")).not_to_contain_text("alert(1)")
    expect(reader.get_by_role("button", name="Post the update")).to_have_count(0)


def test_the_incident_page_and_its_forms_fit_a_phone(open_page, incident):
    phone = open_page(viewport=PHONE, is_mobile=True, has_touch=True)
    phone.goto(f"/accounts/login/?next=/status/incidents/{incident.pk}/")
    phone.get_by_label("Username").fill("noc")
    phone.get_by_label("Password").fill("pw-noc-4242")
    phone.get_by_role("button", name="Sign in").click()
    body = phone.get_by_label("Update (Markdown)")
    expect(body).to_be_visible()
    laid_out(phone)
    assert body.bounding_box()["width"] <= 390
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
