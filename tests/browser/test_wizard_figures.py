"""A lead reading the learning dashboard sees the wizard's figures exactly as
the wizard statistics show them (one source), in English and in Chinese."""

import datetime as dt

import pytest
from django.test import Client
from playwright.sync_api import expect

from kb.tickets.models import Organization
from tests.browser.conftest import admin_login, switch_language
from tests.clock import EU_WORKING_HOURS
from tests.wizard.conftest import load_site_content
from tests.wizard.test_views import answer, start

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_dashboard_shows_the_wizard_statistics_figures(page, django_user_model,
                                                          time_machine):
    time_machine.move_to(EU_WORKING_HOURS - dt.timedelta(days=2), tick=True)
    load_site_content()
    customer = django_user_model.objects.create_user("mei", password="pw-mei-12345")
    Organization.objects.create(name="Acme Live").members.add(customer)
    client = Client()
    client.force_login(customer)
    resolved = start(client, "push-cannot-publish")
    answer(client, resolved, choice="rtmp")
    answer(client, resolved, choice="already-publishing")
    answer(client, resolved, fixed="yes")
    start(client, "push-cannot-publish")  # left at the first question
    time_machine.move_to(EU_WORKING_HOURS, tick=True)
    start(client, "push-cannot-publish")  # still in progress
    django_user_model.objects.create_user("lead", password="pw-lead-12345", is_staff=True,
                                          is_superuser=True)

    admin_login(page, "lead", "pw-lead-12345")
    all_flows = page.locator("#wizard-totals tfoot tr td")
    figures = ["3", "1", "1", "0", "0", "1", "50 %"]
    for url in ("/wizard/stats/", "/learning/"):
        page.goto(url)
        expect(all_flows).to_have_text(figures)
    expect(page.get_by_text("no wizard data yet")).to_have_count(0)

    switch_language(page, "zh-hans")
    expect(page.locator("#wizard-totals caption")).to_have_text("向导会话（全部流程）")
    expect(all_flows).to_have_text(figures)
