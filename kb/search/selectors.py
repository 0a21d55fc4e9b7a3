import datetime as dt
from itertools import islice

from django.db.models import Count, F, Max, Q, QuerySet
from django.utils import timezone

from kb.search.models import SearchQuery
from kb.search.topics import account_words


def search_gap_list(*, days: int = 30, min_searches: int = 1) -> QuerySet:
    """What customers searched for and did not find, most asked first.

    A gap is a query (grouped by its normalized text and language) that found
    nothing, or whose results were never opened.
    """
    since = timezone.now() - dt.timedelta(days=days)
    return (
        SearchQuery.objects.filter(created_at__gte=since)
        .values("normalized", "language")
        .annotate(
            searches=Count("id"),
            without_results=Count("id", filter=Q(result_count=0)),
            without_click=Count("id", filter=Q(clicked_article__isnull=True)),
            last_searched=Max("created_at"),
        )
        .filter(Q(without_results__gt=0) | Q(without_click=F("searches")))
        .filter(searches__gte=min_searches)
        .order_by("-searches", "-last_searched")
    )


def search_gap_rows(*, days: int = 30, min_searches: int = 1, limit: int) -> list[dict]:
    """The first ``limit`` rows of :func:`search_gap_list` that a fix could
    answer: a question about an account or billing (kb.search.topics) is
    sent to support by the search page, not a fix the articles lack."""
    rows = search_gap_list(days=days, min_searches=min_searches).iterator(chunk_size=limit)
    # The account questions are skipped before counting, so that they do not
    # take places among the first ``limit``.
    return list(islice((row for row in rows if not account_words(row["normalized"])), limit))
