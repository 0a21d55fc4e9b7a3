""""Most common fixes" on the home page: ranked by real use, not by votes."""

import datetime as dt
import importlib

import pytest

from kb.articles.models import Article, ArticleFeedback
from kb.learning.effectiveness import effectiveness_record_wizard_fix
from kb.learning.tasks import content_health_task
from kb.learning.usage import USE_FLOOR, article_use_refresh
from kb.search.models import SearchQuery
from tests.clock import EU_WORKING_HOURS
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def _opened_from_search(article, times: int) -> None:
    for _ in range(times):
        SearchQuery.objects.create(query="encoder", normalized="encoder", language="en",
                                   result_count=3, clicked_article=article, clicked_rank=1)


def _popular(client, **headers) -> list[str]:
    return [a.title for a in client.get("/", **headers).context["popular"]]


def test_a_fresh_article_with_helpful_votes_does_not_outrank_a_much_used_one(
        client, problems, time_machine):
    time_machine.move_to(EU_WORKING_HOURS)
    used = make_article(title="Much used fix", last_verified=dt.date(2026, 1, 5))
    fresh = make_article(title="Fresh and liked", last_verified=dt.date(2026, 3, 24))
    for _ in range(4):
        ArticleFeedback.objects.create(article=fresh, helpful=True)
    _opened_from_search(used, 9)
    effectiveness_record_wizard_fix(article=used, session_ref="s-1")
    _opened_from_search(fresh, 2)  # below the floor: chance, not evidence

    content_health_task()

    assert _popular(client)[:2] == ["Much used fix", "Fresh and liked"]
    assert used.use.score == 10 and used.use.opens == 9 and used.use.wizard_fixes == 1
    fresh.refresh_from_db()
    assert fresh.use.opens == 2 and fresh.use.score == 0


def test_tickets_resolved_with_the_article_count_as_use(close_ticket, problems, time_machine):
    time_machine.move_to(EU_WORKING_HOURS)
    article = make_article(title="Resolves tickets")
    for n in range(USE_FLOOR):
        close_ticket(subject=f"Encoder refused {n}", article=article)
    article_use_refresh()
    article.refresh_from_db()
    assert article.use.tickets_resolved == USE_FLOOR
    assert article.use.score == USE_FLOOR


def test_use_older_than_the_window_no_longer_counts(client, problems, time_machine):
    time_machine.move_to(EU_WORKING_HOURS - dt.timedelta(days=40))
    old_favourite = make_article(title="Used last quarter", last_verified=dt.date(2026, 3, 1))
    _opened_from_search(old_favourite, 20)
    time_machine.move_to(EU_WORKING_HOURS)
    recent = make_article(title="Used this month", last_verified=dt.date(2026, 2, 1))
    _opened_from_search(recent, USE_FLOOR)
    article_use_refresh()
    assert _popular(client)[:2] == ["Used this month", "Used last quarter"]


def test_ties_go_to_the_most_recently_verified(client, problems, time_machine):
    time_machine.move_to(EU_WORKING_HOURS)
    make_article(title="Verified long ago", last_verified=dt.date(2025, 6, 1))
    make_article(title="Verified yesterday", last_verified=dt.date(2026, 3, 24))
    article_use_refresh()
    assert _popular(client) == ["Verified yesterday", "Verified long ago"]


def test_the_list_shows_only_the_readers_language(client, problems, time_machine):
    time_machine.move_to(EU_WORKING_HOURS)
    en = make_article(title="Encoder refused (en)")
    zh = make_article(title="编码器连接被拒绝", language="zh-hans")
    _opened_from_search(en, 30)
    _opened_from_search(zh, USE_FLOOR)
    article_use_refresh()
    assert _popular(client, HTTP_ACCEPT_LANGUAGE="zh-hans") == ["编码器连接被拒绝"]
    assert _popular(client, HTTP_ACCEPT_LANGUAGE="en") == ["Encoder refused (en)"]


def test_a_rerun_gives_the_same_numbers(problems, time_machine):
    time_machine.move_to(EU_WORKING_HOURS)
    article = make_article()
    _opened_from_search(article, 7)
    assert article_use_refresh() == 1
    assert article_use_refresh() == 1
    article.refresh_from_db()
    assert article.use.score == 7


def test_the_upgrade_ranks_by_use_before_the_first_daily_run(client, problems, time_machine):
    from django.apps import apps

    fill = importlib.import_module("kb.learning.migrations.0004_article_use_fill").fill
    time_machine.move_to(EU_WORKING_HOURS)
    make_article(title="Verified today, unused")
    used = make_article(title="Used", last_verified=dt.date(2025, 1, 1))
    _opened_from_search(used, 6)
    fill(apps, None)
    used.refresh_from_db()
    assert used.use.score == 6
    assert _popular(client)[0] == "Used"


def test_before_anybody_used_a_fix_the_home_page_does_not_call_them_most_common(
        client, problems, time_machine):
    time_machine.move_to(EU_WORKING_HOURS)
    make_article(title="Verified last week", last_verified=dt.date(2026, 3, 18))
    make_article(title="Verified long ago", last_verified=dt.date(2025, 6, 1))
    page = client.get("/").content.decode()
    assert "Recently verified fixes" in page and "Most common fixes" not in page
    assert _popular(client) == ["Verified last week", "Verified long ago"]
    _opened_from_search(Article.objects.get(title="Verified long ago"), USE_FLOOR)
    content_health_task()
    page = client.get("/").content.decode()
    assert "Most common fixes" in page and "Recently verified fixes" not in page
    assert _popular(client) == ["Verified long ago", "Verified last week"]


def test_recommended_fixes_lead_until_use_ranks_a_fix(client, problems, time_machine):
    time_machine.move_to(EU_WORKING_HOURS)
    make_article(title="Verified last week", last_verified=dt.date(2026, 3, 18))
    make_article(title="Recommended second", last_verified=dt.date(2025, 6, 1), home_position=2)
    make_article(title="Recommended first", last_verified=dt.date(2025, 6, 1), home_position=1)
    page = client.get("/").content.decode()
    assert "Recommended fixes" in page and "Most common fixes" not in page
    assert _popular(client) == ["Recommended first", "Recommended second", "Verified last week"]
    _opened_from_search(Article.objects.get(title="Verified last week"), USE_FLOOR)
    content_health_task()
    page = client.get("/").content.decode()
    assert "Most common fixes" in page and "Recommended fixes" not in page
    assert _popular(client) == ["Verified last week", "Recommended first", "Recommended second"]
