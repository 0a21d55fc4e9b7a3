"""What every page shares: the site's name, the language switch, the header
and the first screen on a 390 px phone."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, switch_language
from tests.factories import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_TITLE = ("Encoder cannot connect to the ingest server: connection refused, timed out "
              "or reset by a firewall between the studio and the nearest ingest")


def test_sign_in_and_password_reset_say_streamline_kb(page, django_user_model, mailoutbox):
    django_user_model.objects.create_user("mei", "mei@example.com", "pw-mei-12345")
    page.goto("/accounts/login/")
    expect(page).to_have_title("Sign in · Streamline KB")
    expect(page.locator(".brand")).to_have_text("Streamline KB")
    page.goto("/accounts/password_reset/")
    expect(page.locator(".brand")).to_have_text("Streamline KB")
    page.get_by_label("E-mail").fill("mei@example.com")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/password_reset/done/")
    assert [m.subject for m in mailoutbox] == ["Reset your Streamline KB password"]
    assert "on Streamline KB" in mailoutbox[0].body


def test_the_language_changes_only_when_asked(page):
    page.goto("/")
    select = page.locator("#language-select")
    select.focus()
    page.keyboard.press("ArrowDown")  # moving through the list changes nothing yet
    expect(select).to_have_value("zh-hans")
    page.wait_for_timeout(500)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    with page.expect_navigation():
        page.get_by_role("button", name="Switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("button", name="搜索")).to_be_visible()


def test_a_phone_gets_one_header_row_and_a_search_box_that_fits(phone):
    phone.goto("/")
    header = phone.locator(".site-header").bounding_box()
    assert header["height"] < 64, header  # brand and Menu: one row
    search_link = phone.locator(".site-header nav").get_by_role("link", name="Search")
    expect(search_link).to_be_hidden()
    phone.get_by_role("button", name="Menu").click()
    expect(search_link).to_be_visible()
    card = phone.locator(".hero").bounding_box()
    button = phone.locator(".search-box button").bounding_box()
    assert button["x"] + button["width"] <= card["x"] + card["width"], (button, card)
    assert card["x"] + card["width"] <= PHONE["width"]
    switch_language(phone, "zh-hans")  # through the menu
    expect(phone.locator("html")).to_have_attribute("lang", "zh-hans")


def test_a_long_article_title_leaves_the_first_screen_for_the_fix(phone, problems):
    article = make_article(problems=[problems["push.connect-refused"]], title=LONG_TITLE)
    phone.goto(article.get_absolute_url())
    title = phone.get_by_role("heading", level=1).bounding_box()
    assert title["height"] < 0.2 * PHONE["height"], title
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_phone_never_scrolls_sideways(phone, problems):
    """A long address in a sentence and the response-time tables fit (the
    tables scroll inside their box)."""
    from kb.tickets.services import sla_policies_ensure

    sla_policies_ensure()
    body = ("## Fix\n\nSet the server to "
            "`rtmps://pusheucentral.example.com:443/live/averylongapplicationnamewithoutanybreak` "
            "and press Start.")
    article = make_article(problems=[problems["push.connect-refused"]], body=body)
    for url in (article.get_absolute_url(), "/support/response-times/"):
        phone.goto(url)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (url, width)
