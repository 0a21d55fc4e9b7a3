"""A reader who answers "No" to "Did this help?" is asked what was missing;
the answer reaches the curators' feedback list, as plain text."""

import pytest
from playwright.sync_api import expect

from kb.articles.models import ArticleFeedback
from tests.browser.conftest import admin_login, axe_violations, format_violations
from tests.factories import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def article(problems):
    return make_article(problems=[problems["push.connect-refused"]], slug="server-offline",
                        title="The encoder says the server is offline")


def test_a_no_asks_what_was_missing_and_curators_read_it(open_page, article, curator):
    page = open_page(bypass_csp=True)  # for axe-core's injected script
    page.goto(article.get_absolute_url())
    page.get_by_label("No").check()
    page.get_by_role("button", name="Send feedback").click()

    expect(page.get_by_role("heading", name="What was missing?")).to_be_visible()
    # The wizard and a ticket are offered at once, whether or not the reader answers.
    steps = page.get_by_test_id("feedback-next-steps")
    expect(steps.get_by_role("link", name="Start the guided wizard")).to_be_visible()
    assert axe_violations(page) == [], format_violations(axe_violations(page))

    answer = page.get_by_label("What did you look for that the article does not say?")
    page.get_by_role("button", name="Send", exact=True).click()
    # Nothing typed: the browser asks for it and nothing is sent.
    expect(page.get_by_role("heading", name="What was missing?")).to_be_visible()
    answer.fill("<i>Settings for vMix</i>, not only OBS")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_role("status")).to_have_text(
        "Thank you: the article's curators will read it.")
    expect(page.get_by_role("heading", name="What was missing?")).to_have_count(0)
    expect(steps.get_by_role("link", name="Start the guided wizard")).to_be_visible()
    assert ArticleFeedback.objects.get().missing == "<i>Settings for vMix</i>, not only OBS"

    curator_page = open_page()
    admin_login(curator_page, "curator", "pw-curator")
    curator_page.goto("/admin/articles/articlefeedback/")
    curator_page.get_by_role("link", name="Said what was missing").click()
    row = curator_page.locator("#result_list tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("td.field-short_missing")).to_have_text(
        "<i>Settings for vMix</i>, not only OBS")


def test_without_script_the_question_still_comes(open_page, article):
    page = open_page(java_script_enabled=False)
    page.goto(article.get_absolute_url())
    page.get_by_label("No").check()
    page.get_by_role("button", name="Send feedback").click()
    page.get_by_label("What did you look for that the article does not say?").fill(
        "The Chinese firewall case")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text("Thank you: the article's curators will read it.")).to_be_visible()
    assert ArticleFeedback.objects.get().missing == "The Chinese firewall case"
