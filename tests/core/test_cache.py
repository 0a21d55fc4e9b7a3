"""The shared cache helps and is never needed: with its Redis down, the
fixes and the status page still answer, made again on each request."""

import pytest

from kb.core.cache import cache_forget, cached
from kb.monitoring.status import status_cache_clear
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def cache_down(take_the_cache_down):
    take_the_cache_down()


def test_a_value_is_made_once_and_kept_until_it_is_forgotten():
    made = []

    def make() -> str:
        made.append(1)
        return f"made {len(made)}"

    assert [cached("k", make, 60), cached("k", make, 60)] == ["made 1", "made 1"]
    cache_forget("k")
    assert cached("k", make, 60) == "made 2"


@pytest.mark.usefixtures("cache_down")
def test_with_the_cache_down_each_reader_makes_the_value_and_the_log_says_so(caplog):
    made = []
    assert [cached("k", lambda: made.append(1) or len(made), 60) for _ in range(2)] == [1, 2]
    cache_forget("k")  # does not raise
    assert "cache_unavailable op=get key=k" in caplog.text
    assert "cache_unavailable op=delete key=k" in caplog.text


@pytest.mark.usefixtures("cache_down")
def test_with_the_cache_down_the_fixes_and_the_status_page_still_answer(client, problems):
    article = make_article(slug="push-connection-refused")
    for url in ("/status/", "/status/feed.atom", "/support/response-times/"):
        assert client.get(url).status_code == 200, url
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200 and article.title in page.content.decode()
    status_cache_clear()  # what opening an incident calls: does not raise
