import re

import pytest
from playwright.sync_api import expect

from kb.articles.models import Article, ArticleFeedback
from tests.browser.conftest import admin_login, switch_language
from tests.factories import BODY_EN, make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY_ZH = """## 现象

OBS 提示 **无法连接到服务器**。

## 如何确认

```bash
nc -vz push.example.com 1935
```

## 解决步骤

在防火墙放行 1935 端口。

## 验证修复

推流成功。

## 何时升级

直播中断时按 P1 提交工单,附上 OBS 日志。
"""


@pytest.fixture
def connect_refused_pair(problems):
    en = make_article(
        problems=[problems["push.connect-refused"]], slug="push-connection-refused",
        title="Encoder cannot connect: connection refused", body=BODY_EN,
    )
    zh = make_article(
        problems=[problems["push.connect-refused"]], slug="push-connection-refused",
        language="zh-hans", title="推流端无法连接:连接被拒绝", body=BODY_ZH,
        summary="推流端无法连接推流服务器。",
    )
    return en, zh


def test_customer_browses_reads_switches_language_and_answers(page, connect_refused_pair):
    en, zh = connect_refused_pair
    page.goto("/")
    expect(page.get_by_role("heading", name="Browse fixes by area")).to_be_visible()
    page.get_by_role("link", name="Push 1 fix").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Push fixes")
    page.get_by_role("link", name=en.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(en.title)
    expect(page.locator(".article-body strong")).to_have_text("Failed to connect to server")

    switch_language(page, "zh-hans")
    page.wait_for_url(f"**{zh.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_have_text(zh.title)
    expect(page.get_by_role("heading", name="这篇文章有帮助吗？")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    page.get_by_label("没有帮助").check()
    page.get_by_label("还有什么需要补充或修正？（选填）").fill("请补充 vMix 的设置")
    page.get_by_role("button", name="提交反馈").click()
    expect(page.get_by_text("感谢你的反馈。")).to_be_visible()
    feedback = ArticleFeedback.objects.get()
    assert (feedback.article_id, feedback.helpful, feedback.comment) == (
        zh.pk, False, "请补充 vMix 的设置"
    )


def test_home_page_in_chinese_lists_chinese_fixes(page, connect_refused_pair):
    en, zh = connect_refused_pair
    page.goto("/")
    switch_language(page, "zh-hans")
    expect(page.get_by_role("heading", name="按问题领域浏览")).to_be_visible()
    expect(page.get_by_role("link", name=zh.title)).to_be_visible()
    expect(page.get_by_role("link", name=en.title)).to_have_count(0)


def test_curator_writes_with_preview_and_reviewer_publishes(page, problems, curator, reviewer):
    admin_login(page, "curator", "pw-curator")
    page.goto("/admin/articles/article/add/")
    page.fill("#id_slug", "udp-blocked-demo")
    page.select_option("#id_language", "en")
    page.fill("#id_title", "SRT cannot connect: UDP is blocked")
    page.fill("#id_summary", "Your network blocks UDP; use RTMPS on TCP 443 instead.")
    page.fill("#id_symptoms", "Connection setup failure: connection timed out")
    page.fill("#id_body", "## Symptoms\n\nSRT times out.\n\n<script>alert(1)</script>")
    expect(page.locator("#kb-preview h2")).to_have_text("Symptoms")
    assert page.locator("#kb-preview script").count() == 0
    page.get_by_role("checkbox", name=re.compile(r"^net\.udp-blocked: ")).check()
    page.select_option("#id_area", "network")
    page.click("input[name=_continue]")
    expect(page.locator("#kb-status")).to_have_text("Draft")
    page.get_by_role("button", name="Send to review").click()
    expect(page.get_by_text("Sent to review.")).to_be_visible()
    expect(page.get_by_role("button", name="Publish")).to_have_count(0)

    page.context.clear_cookies()
    admin_login(page, "reviewer", "pw-reviewer")
    article = Article.objects.get(slug="udp-blocked-demo")
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    expect(page.locator("#kb-status")).to_have_text("In review")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published.")).to_be_visible()
    expect(page.locator("#kb-status")).to_have_text("Published")

    page.context.clear_cookies()
    page.goto(article.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "SRT cannot connect: UDP is blocked"
    )
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert [p.code for p in article.problems.all()] == ["net.udp-blocked"]


@pytest.fixture
def launch_content(problems):
    from django.conf import settings

    from kb.articles.fixture_files import articles_load_fixtures

    articles_load_fixtures(root=settings.KB_FIXTURES_DIR / "articles")


def test_launch_content_reads_in_both_languages(page, launch_content):
    from kb.articles.models import Article

    network = Article.objects.filter(area="network", status=Article.Status.PUBLISHED)
    assert network.count() >= 20  # ten fixes or more, in both languages
    page.goto("/areas/network/")
    expect(page.locator(".article-item")).to_have_count(network.count())
    page.get_by_role("link", name="Packet loss on the first hops", exact=False).first.click()
    expect(page.get_by_role("heading", name="How to confirm")).to_be_visible()
    expect(page.locator(".article-body pre").first).to_be_visible()
    page.get_by_role("link", name="阅读中文版").click()
    expect(page.get_by_role("heading", name="如何确认")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")  # the interface stays
    switch_language(page, "zh-hans")
    expect(page.get_by_role("heading", name="这篇文章有帮助吗？")).to_be_visible()


def test_feedback_spam_gets_a_clear_message(page, connect_refused_pair, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"feedback": "1/hour"}}
    en, _zh = connect_refused_pair
    page.goto(en.get_absolute_url())
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_text("Thank you for your feedback.")).to_be_visible()
    page.reload()
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_role("alert")).to_contain_text("Please try again in")
    assert ArticleFeedback.objects.count() == 1
