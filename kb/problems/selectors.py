from django.db.models import Count, Q, QuerySet

from kb.problems.models import Problem


def problem_list(*, area: str | None = None) -> QuerySet[Problem]:
    from kb.articles.models import Article  # articles depend on problems, not back

    qs = Problem.objects.annotate(
        published_article_count=Count(
            "articles", filter=Q(articles__status=Article.Status.PUBLISHED), distinct=True
        )
    )
    return qs.filter(area=area) if area else qs
