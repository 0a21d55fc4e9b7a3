"""Links from a search's results that record which result was opened.

A click is recorded on the search's log entry, so the link carries a token
signed with the site's secret (salted for this use) over the log entry, the
article and the rank: only the page that showed those results can make it,
and nobody can point other searches at an article to inflate its count. A
link without a valid token still opens the article; it records nothing.
"""

from __future__ import annotations

from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.http import urlencode

from kb.core.params import whole_number

SALT = "kb.search.click"
MAX_RANK = 1000


def _value(log_id: int, article_id: int, rank: int | None) -> str:
    return f"{log_id}:{article_id}:{'' if rank is None else rank}"


def click_token(*, log_id: int, article_id: int, rank: int | None) -> str:
    return signing.Signer(salt=SALT).signature(_value(log_id, article_id, rank))


def click_token_valid(token: str, *, log_id: int, article_id: int, rank: int | None) -> bool:
    if not token:
        return False
    expected = click_token(log_id=log_id, article_id=article_id, rank=rank)
    return constant_time_compare(token, expected)


def click_url(*, log_id: int, article_id: int, rank: int | None) -> str:
    """The result link: the click view records it, then opens the article."""
    query = {"t": click_token(log_id=log_id, article_id=article_id, rank=rank)}
    if rank is not None:
        query = {"rank": rank, **query}
    return reverse("search-click", args=[log_id, article_id]) + "?" + urlencode(query)


def parse_rank(text: str) -> int | None:
    return whole_number(text, high=MAX_RANK - 1)
