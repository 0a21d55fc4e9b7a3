"""Search results and articles as customers read them: one symptom apart from
the next, an article's symptoms in its own language, no problem codes."""

import re

import pytest
from playwright.sync_api import expect

from kb.search.indexing import index_rebuild
from tests.factories import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def server_offline(problems):
    """An English article listing a Chinese phrasing too (so a Chinese query
    finds it), and its Chinese version listing the English error."""
    code = problems["push.connect-refused"]
    make_article(problems=[code], slug="server-offline",
                 title="The encoder says the server is offline",
                 symptoms=["Failed to connect to server", "The server is offline",
                           "Try a different server", "服务器离线"])
    make_article(problems=[code], slug="server-offline", language="zh-hans",
                 title="编码器提示服务器离线", summary="编码器连不上推流服务器。",
                 body="## 现象\n\n编码器提示服务器离线。",
                 symptoms=["服务器离线", "Failed to connect to server"])
    index_rebuild()


def test_a_snippet_shows_each_symptom_apart(page, server_offline):
    page.goto("/search/?q=server+offline")
    snippet = page.locator(".search-results .snippet").first
    expect(snippet.locator(".snippet-part")).to_have_count(3)
    text = snippet.inner_text()
    assert "server · The server" in text or "offline · Try" in text, text
    assert "push.connect-refused" not in page.locator("main").inner_text()


def test_an_article_lists_the_symptoms_of_its_language(page, server_offline):
    page.goto("/search/?q=server+offline")
    page.get_by_role("link", name="The encoder says the server is offline").click()
    symptoms = page.locator(".symptoms li")
    expect(symptoms).to_have_text(["Failed to connect to server", "The server is offline",
                                   "Try a different server"])
    assert "push.connect-refused" not in page.locator("main").inner_text()
    page.get_by_role("link", name="阅读中文版").click()
    expect(page.locator(".symptoms li")).to_have_text(["服务器离线",
                                                       "Failed to connect to server"])


def test_a_fix_that_did_not_help_leads_to_the_wizard_and_support(page, server_offline,
                                                                  django_user_model):
    from kb.tickets.models import Organization

    user = django_user_model.objects.create_user("mei", "mei@example.com", "pw-mei-12345")
    Organization.objects.create(name="Acme Live").members.add(user)
    page.goto("/search/?q=server+offline")
    page.get_by_role("link", name="The encoder says the server is offline").click()
    page.get_by_label("No").check()
    page.get_by_role("button", name="Send feedback").click()
    steps = page.get_by_test_id("feedback-next-steps")
    expect(steps.get_by_role("link", name="Start the guided wizard")).to_be_visible()
    # Signed out: signing in leads on to the ticket form with the fix named.
    steps.get_by_role("link", name="Sign in to contact support").click()
    page.locator("#id_username").fill("mei")
    page.locator("#id_password").fill("pw-mei-12345")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_label("Subject")).to_have_value(
        "Did not fix it: The encoder says the server is offline")
    expect(page.get_by_label("Description")).to_have_value(re.compile(
        r"^I followed the fix http\S+/en/server-offline/ and the problem is still there\.$"))
