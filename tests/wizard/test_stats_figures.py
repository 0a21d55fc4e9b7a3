"""The wizard's figures are read once (kb.wizard.selectors.wizard_totals):
the wizard statistics and the learning dashboard show the same numbers."""

import datetime as dt
import re

import pytest

from tests.clock import EU_WORKING_HOURS
from tests.wizard.test_views import answer, start

pytestmark = pytest.mark.django_db


def _totals_table(html: str) -> str:
    return re.search(r'<table class="stats" id="wizard-totals">.*?</table>', html, re.S)[0]


def _cells(table: str, flow: str) -> list[str]:
    row = re.search(rf'<tr data-flow="{flow}">(.*?)</tr>', table, re.S)[1]
    return [re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]


def test_the_learning_dashboard_and_the_wizard_statistics_agree(
        client, member, django_user_model, time_machine):
    time_machine.move_to(EU_WORKING_HOURS - dt.timedelta(days=2))
    client.force_login(member)
    resolved = start(client, "push-cannot-publish")
    answer(client, resolved, choice="rtmp")
    answer(client, resolved, choice="already-publishing")
    answer(client, resolved, fixed="yes")
    after_fix = start(client, "push-cannot-publish")
    answer(client, after_fix, choice="rtmp")
    answer(client, after_fix, choice="key-rejected")
    start(client, "push-cannot-publish")  # left at the first question
    time_machine.move_to(EU_WORKING_HOURS)
    start(client, "push-cannot-publish")  # still in progress

    staff = django_user_model.objects.create_user("lead", password="x", is_staff=True)
    client.force_login(staff)
    stats = client.get("/wizard/stats/").content.decode()
    learning = client.get("/learning/").content.decode()

    assert _totals_table(learning) == _totals_table(stats)
    # started, in progress, resolved, escalated, probably resolved, abandoned, deflection
    assert _cells(_totals_table(stats), "all") == ["4", "1", "1", "0", "1", "1", "33 %"]
    assert _cells(_totals_table(stats), "push-cannot-publish")[0] == "4"
    assert "no wizard data yet" not in learning
    assert re.search(r"Wizard deflection: sessions resolved per session ended: "
                     r"<strong>33 %</strong>", learning)


def test_without_sessions_both_pages_say_so(client, django_user_model, site_content):
    staff = django_user_model.objects.create_user("lead", password="x", is_staff=True)
    client.force_login(staff)
    for url in ("/wizard/stats/", "/learning/"):
        assert "No wizard session has been started yet." in client.get(url).content.decode()
    assert "Wizard deflection: no wizard data yet." in client.get("/learning/").content.decode()
