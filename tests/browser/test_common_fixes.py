""""Most common fixes" on the home page: the fix customers use most comes
first, not the one that collected a few helpful votes last week."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from kb.articles.models import ArticleFeedback
from kb.learning.effectiveness import effectiveness_record_wizard_fix
from kb.learning.tasks import content_health_task
from kb.search.models import SearchQuery
from tests.browser.conftest import switch_language
from tests.clock import EU_WORKING_HOURS
from tests.factories import make_article, make_translated_pair

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _opened_from_search(article, times: int) -> None:
    for _ in range(times):
        SearchQuery.objects.create(query="encoder", normalized="encoder",
                                   language=article.language, result_count=2,
                                   clicked_article=article, clicked_rank=1)


def test_the_most_used_fix_tops_the_list_in_each_language(page, time_machine):
    time_machine.move_to(EU_WORKING_HOURS, tick=True)
    used = make_article(title="Encoder refused: open port 1935",
                        last_verified=dt.date(2026, 1, 10))
    liked = make_article(title="A new fix with kind votes", last_verified=dt.date(2026, 3, 24))
    for _ in range(3):
        ArticleFeedback.objects.create(article=liked, helpful=True)
    _opened_from_search(used, 8)
    effectiveness_record_wizard_fix(article=used, session_ref="wizard-1")
    chinese = make_article(title="编码器连接被拒绝", language="zh-hans")
    _opened_from_search(chinese, 6)
    content_health_task()

    page.goto("/")
    fixes = page.locator("section[aria-labelledby=popular-heading] .article-item > a")
    expect(fixes).to_have_text(["Encoder refused: open port 1935",
                                "A new fix with kind votes"])

    switch_language(page, "zh-hans")
    expect(fixes).to_have_text(["编码器连接被拒绝"])


def test_before_any_use_the_recommended_fixes_lead_in_each_language(page, time_machine):
    time_machine.move_to(EU_WORKING_HOURS, tick=True)
    make_article(title="Verified yesterday", last_verified=dt.date(2026, 3, 24))
    make_translated_pair(slug="port-1935", title="Encoder refused: open port 1935",
                         last_verified=dt.date(2026, 1, 10), home_position=1)

    page.goto("/")
    heading = page.locator("#popular-heading")
    fixes = page.locator("section[aria-labelledby=popular-heading] .article-item > a")
    expect(heading).to_have_text("Recommended fixes")
    expect(fixes).to_have_text(["Encoder refused: open port 1935", "Verified yesterday"])

    switch_language(page, "zh-hans")
    expect(heading).to_have_text("推荐的解决方案")
    expect(fixes.first).to_have_text("编码器无法连接 port-1935")
