import datetime as dt

from django.db.models import Count, F, Max, Q, QuerySet
from django.utils import timezone

from kb.search.models import SearchQuery


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
