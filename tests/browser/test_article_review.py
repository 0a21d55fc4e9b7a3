"""A curator's edit of a published article waits for review; readers see it
only once a reviewer publishes it."""

import re

import pytest
from playwright.sync_api import expect

from kb.articles.models import Article
from tests.browser.conftest import admin_login, require_axe
from tests.factories import BODY_EN, make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OLD_STEP = "Allow TCP 1935 on the firewall."
NEW_STEP = "Allow TCP 1935 and TCP 443 on the firewall, then restart the encoder."


def test_edit_of_a_published_article_goes_live_only_when_a_reviewer_publishes(
    open_page, problems, curator, reviewer
):
    # bypass_csp: axe-core is injected into the reviewer's page.
    page = open_page(bypass_csp=True)
    article = make_article(
        author=curator, title="Encoder cannot reach the ingest",
        body=BODY_EN + "\n" + OLD_STEP + "\n", problems=[problems["push.connect-refused"]],
    )
    admin_login(page, "curator", "pw-curator")
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    page.fill("#id_body", BODY_EN + "\n" + NEW_STEP + "\n")
    page.click("input[name=_continue]")
    expect(page.get_by_text(
        "Your edit is waiting for review; readers still see version 1."
    ).first).to_be_visible()
    # The form goes on with the edit, not the published text.
    expect(page.locator("#id_body")).to_have_value(re.compile(re.escape(NEW_STEP)))

    page.context.clear_cookies()
    page.goto(article.get_absolute_url())
    expect(page.get_by_text(OLD_STEP)).to_be_visible()
    expect(page.get_by_text(NEW_STEP)).to_have_count(0)

    admin_login(page, "reviewer", "pw-reviewer")
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    expect(page.locator(".kb-pending-diff .add", has_text=NEW_STEP)).to_be_visible()
    # What this page adds to the Django admin: the waiting note, the diff and
    # the review buttons (the admin's own widgets are checked by the page tour).
    page.add_script_tag(path=str(require_axe()))
    found = page.evaluate(
        "async () => (await axe.run({include: [['#kb-edit-waiting'], ['.kb-pending-diff'],"
        " ['.kb-workflow']]}, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, nodes: v.nodes.map(n => n.target)}))"
    )
    assert found == [], found
    page.get_by_role("button", name="Publish the edit").click()
    expect(page.get_by_text("The edit is published: readers now see it.")).to_be_visible()

    page.context.clear_cookies()
    page.goto(article.get_absolute_url())
    expect(page.get_by_text(NEW_STEP)).to_be_visible()
    expect(page.get_by_text(OLD_STEP)).to_have_count(0)
    assert Article.objects.get(pk=article.pk).version == 2
