"""Reads of the knowledge base, aware of who is asking."""

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from kb.articles.models import Article, ArticleRevision
from kb.problems.models import Problem


def _base() -> QuerySet[Article]:
    return Article.objects.select_related("owner", "reviewer").prefetch_related("problems")


def article_list_visible_to(*, user) -> QuerySet[Article]:
    """Staff see every article; everyone else sees only published ones."""
    qs = _base()
    if user is not None and user.is_authenticated and user.is_staff:
        return qs
    return qs.filter(status=Article.Status.PUBLISHED)


def article_get_visible(*, user, language: str, slug: str) -> Article | None:
    return article_list_visible_to(user=user).filter(language=language, slug=slug).first()


def _language_first(qs: QuerySet[Article], language: str) -> QuerySet[Article]:
    return qs.annotate(
        language_rank=Case(
            When(language=language, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).order_by("language_rank", "title")


def article_list_for_area(*, area: str, language: str) -> QuerySet[Article]:
    """Published fixes of one area, the reader's language first."""
    qs = article_list_visible_to(user=None).filter(area=area)
    return _language_first(qs, language)


# How articles are used is known higher up (the learning loop counts opens,
# wizard fixes and resolved tickets); it hands its ranking in at start-up, so
# this layer orders "most common fixes" by use without importing it.
PopularRanker = Callable[[QuerySet[Article]], QuerySet[Article]]
_popular_ranker: PopularRanker | None = None


def popular_ranker_register(ranker: PopularRanker) -> None:
    global _popular_ranker
    _popular_ranker = ranker


# After use (the registered ranker), the home page's order: the fixes the
# curators recommend, in their order, then the most recently verified.
POPULAR_FALLBACK_ORDER = (F("home_position").asc(nulls_last=True),
                          F("last_verified").desc(nulls_last=True), "title")


def article_list_popular(*, language: str, limit: int = 8) -> list[Article]:
    """The most common fixes in ``language``: the most used first (as the
    registered ranker sees it, which gives each article its ``use_score``),
    then the recommended ones, then the most recently verified. Helpful
    votes do not rank: a few kind votes are not use."""
    qs = article_list_visible_to(user=None).filter(language=language)
    if _popular_ranker is not None:
        qs = _popular_ranker(qs)
    else:
        qs = qs.order_by(*POPULAR_FALLBACK_ORDER)
    return list(qs[:limit])


def popular_kind(articles: list[Article]) -> str:
    """What ordered the home page's list, for its heading: ``used`` (use
    ranked some of them: "most common"), ``recommended`` (no use yet, the
    curators' picks lead) or ``recent`` (neither: the most recently
    verified). Before anybody used a fix the list may not say "most common"."""
    if any(getattr(article, "use_score", 0) > 0 for article in articles):
        return "used"
    if any(article.home_position is not None for article in articles):
        return "recommended"
    return "recent"


def area_counts(*, language: str) -> dict[str, int]:
    rows = (
        article_list_visible_to(user=None)
        .filter(language=language)
        .values("area")
        .annotate(n=Count("id"))
    )
    return {row["area"]: row["n"] for row in rows}


def article_translation(*, article: Article, user=None) -> Article | None:
    return (
        article_list_visible_to(user=user)
        .filter(translation_group=article.translation_group)
        .exclude(pk=article.pk)
        .first()
    )


def stale_cutoff(*, today: dt.date | None = None) -> dt.date:
    """Articles last verified before this date are stale."""
    return (today or timezone.localdate()) - dt.timedelta(days=settings.KB_STALE_AFTER_DAYS)


def article_list_stale(*, today: dt.date | None = None) -> QuerySet[Article]:
    """Published articles not verified within ``KB_STALE_AFTER_DAYS``."""
    cutoff = stale_cutoff(today=today)
    return (
        _base()
        .filter(status=Article.Status.PUBLISHED)
        .filter(Q(last_verified__isnull=True) | Q(last_verified__lt=cutoff))
        .order_by("last_verified", "title")
    )


def article_feedback_summary(*, article: Article) -> dict[str, int]:
    counts = article.feedback.aggregate(
        yes=Count("id", filter=Q(helpful=True)), no=Count("id", filter=Q(helpful=False))
    )
    return {"helpful": counts["yes"], "not_helpful": counts["no"]}


def revision_pair(*, article: Article, version: int, against: int | None):
    """The revision at ``version`` and the one to compare it with."""
    revisions = ArticleRevision.objects.filter(
        article=article, state=ArticleRevision.State.SAVED
    )
    new = revisions.filter(version=version).first()
    if new is None:
        return None, None
    if against is None:
        old = revisions.filter(version__lt=version).order_by("-version").first()
    else:
        old = revisions.filter(version=against).first()
    return new, old


def article_search_database(*, query: str, language: str, limit: int = 20) -> list[Article]:
    """The plain fallback: case-insensitive substring match on the words."""
    words = [w for w in query.split() if len(w) >= 2][:8]
    if not words:
        return []
    condition = Q()
    for word in words:
        condition |= (
            Q(title__icontains=word)
            | Q(symptoms__icontains=word)
            | Q(summary__icontains=word)
            | Q(body__icontains=word)
        )
    qs = article_list_visible_to(user=None).filter(condition)
    return list(_language_first(qs, language)[:limit])


def article_list_for_problems(*, codes: list[str], language: str) -> dict[str, list[Article]]:
    """Published fixes per problem code, the reader's language first."""
    qs = _language_first(
        article_list_visible_to(user=None).filter(problems__code__in=codes).distinct(), language
    )
    by_code: dict[str, list[Article]] = {code: [] for code in codes}
    for article in qs:
        for problem in article.problems.all():
            if problem.code in by_code:
                by_code[problem.code].append(article)
    return by_code


def problem_list_with_fix_counts(*, area: str | None = None) -> QuerySet[Problem]:
    """The taxonomy's problem codes, each with how many published fixes it has."""
    qs = Problem.objects.annotate(
        published_article_count=Count(
            "articles", filter=Q(articles__status=Article.Status.PUBLISHED), distinct=True
        )
    )
    return qs.filter(area=area) if area else qs
