"""Rank "most common fixes" by use from the first request after the upgrade,
rather than from the next daily learning run: the same counts as
kb.learning.usage.article_use_refresh, from this installation's facts."""

import datetime as dt
from collections import Counter

from django.db import migrations
from django.db.models import Count
from django.utils import timezone

USE_WINDOW = dt.timedelta(days=30)
USE_FLOOR = 5


def fill(apps, schema_editor):
    article = apps.get_model("articles", "Article")
    use = apps.get_model("learning", "ArticleUse")
    wizard_fix = apps.get_model("learning", "WizardFix")
    search_query = apps.get_model("search", "SearchQuery")
    ticket = apps.get_model("tickets", "Ticket")
    now = timezone.now()
    since = now - USE_WINDOW
    opens = Counter(dict(
        search_query.objects.filter(created_at__gte=since, clicked_article__isnull=False)
        .values("clicked_article").annotate(n=Count("pk")).values_list("clicked_article", "n")))
    fixes = Counter(dict(
        wizard_fix.objects.filter(created_at__gte=since).values("article")
        .annotate(n=Count("pk")).values_list("article", "n")))
    resolved = Counter(dict(
        ticket.articles.through.objects.filter(
            ticket__status__in=["resolved", "closed"], ticket__resolved_at__gte=since)
        .values("article_id").annotate(n=Count("ticket_id", distinct=True))
        .values_list("article_id", "n")))
    rows = []
    for article_id in article.objects.filter(status="published").values_list("pk", flat=True):
        counts = {"opens": opens[article_id], "wizard_fixes": fixes[article_id],
                  "tickets_resolved": resolved[article_id]}
        total = sum(counts.values())
        rows.append(use(article_id=article_id, score=total if total >= USE_FLOOR else 0,
                        computed_at=now, **counts))
    use.objects.all().delete()
    use.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("learning", "0003_article_use"),
        ("search", "0003_ranking_signals"),
        ("tickets", "0014_team_chinese_name"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
