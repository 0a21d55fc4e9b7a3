"""Someone on a phone subscribes to the status page by e-mail and confirms
from the link the e-mail carries."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from kb.monitoring.models import StatusSubscriber
from kb.monitoring.status import status_cache_clear
from tests.browser.conftest import laid_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_the_screen(page) -> bool:
    laid_out(page)
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_subscribe_on_a_phone_then_confirm_from_the_email(phone):
    status_cache_clear()
    phone.goto("/status/")
    phone.get_by_role("link", name="Subscribe by e-mail").click()
    expect(phone.get_by_label("E-mail address")).to_be_in_viewport()
    assert fits_the_screen(phone)
    phone.get_by_label("E-mail address").fill("not an address")
    phone.get_by_role("button", name="Subscribe").click()
    expect(phone.get_by_role("alert")).to_contain_text("Enter a valid e-mail address")
    assert mail.outbox == []

    phone.get_by_label("E-mail address").fill("ops@acme.example")
    phone.get_by_role("button", name="Subscribe").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    expect(phone.get_by_role("status")).to_contain_text("We sent an e-mail to ops@acme.example")
    assert fits_the_screen(phone)

    (message,) = mail.outbox
    assert message.to == ["ops@acme.example"]
    link = re.search(r"https?://\S+/status/confirm/\S+", message.body).group(0)
    phone.context.clear_cookies()  # opened from the mail app, as a new visit
    phone.goto(urlsplit(link).path)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Confirm your subscription")
    assert StatusSubscriber.objects.get().confirmed_at is None  # opening it is not enough
    phone.get_by_role("button", name="Confirm subscription").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("You are subscribed")
    assert fits_the_screen(phone)
    assert StatusSubscriber.objects.get(email="ops@acme.example").confirmed_at is not None
