"""A search result's link records the click only with the token its page
signed for that search, article and rank."""

import re

import pytest

from kb.search.clicks import click_token
from kb.search.models import SearchQuery

pytestmark = pytest.mark.django_db


@pytest.fixture
def searched(client, kb_articles, build_index):
    build_index()
    html = client.get("/search/", {"q": "Already publishing"}).content.decode()
    log = SearchQuery.objects.get()
    article = kb_articles["duplicate"]
    match = re.search(rf'href="(/search/go/{log.pk}/{article.pk}/\?[^"]+)"', html)
    assert match, "the result links through the click recorder"
    return log, article, match.group(1).replace("&amp;", "&")


def test_the_link_on_the_results_page_records_the_click(client, searched):
    log, article, link = searched
    opened = client.get(link)
    assert opened.status_code == 302 and opened["Location"] == article.get_absolute_url()
    log.refresh_from_db()
    assert (log.clicked_article, log.clicked_rank) == (article, 1)


def test_a_link_without_a_token_opens_the_article_and_records_nothing(client, searched):
    log, article, _link = searched
    opened = client.get(f"/search/go/{log.pk}/{article.pk}/?rank=1")
    assert opened.status_code == 302 and opened["Location"] == article.get_absolute_url()
    log.refresh_from_db()
    assert log.clicked_article is None


def test_a_token_for_another_article_or_rank_records_nothing(client, searched, kb_articles):
    log, article, link = searched
    other = kb_articles["refused"]
    token = click_token(log_id=log.pk, article_id=article.pk, rank=1)
    for url in (f"/search/go/{log.pk}/{other.pk}/?rank=1&t={token}",
                f"/search/go/{log.pk}/{article.pk}/?rank=2&t={token}",
                f"/search/go/{log.pk}/{article.pk}/?rank=1&t=forged"):
        assert client.get(url).status_code == 302
    log.refresh_from_db()
    assert log.clicked_article is None


def test_someone_elses_search_cannot_be_pointed_at_an_article(client, searched, kb_articles):
    log, _article, _link = searched
    other_search = SearchQuery.objects.create(query="buffering", normalized="buffering",
                                              language="en", result_count=3)
    target = kb_articles["refused"]
    client.get(f"/search/go/{other_search.pk}/{target.pk}/?rank=1")
    other_search.refresh_from_db()
    assert other_search.clicked_article is None


def test_a_token_signed_with_another_salt_is_refused(client, searched):
    from django.core import signing

    log, article, _link = searched
    foreign = signing.Signer(salt="something-else").signature(f"{log.pk}:{article.pk}:1")
    client.get(f"/search/go/{log.pk}/{article.pk}/?rank=1&t={foreign}")
    log.refresh_from_db()
    assert log.clicked_article is None


@pytest.mark.parametrize("rank", ["²", "٣", "1" * 5000, "-1", "1000"])
def test_a_rank_that_is_no_rank_opens_the_article_and_records_nothing(client, searched, rank):
    log, article, _link = searched
    opened = client.get(f"/search/go/{log.pk}/{article.pk}/", {"rank": rank, "t": "x"})
    assert opened.status_code == 302 and opened["Location"] == article.get_absolute_url()
    log.refresh_from_db()
    assert log.clicked_article is None
