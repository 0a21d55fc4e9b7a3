"""Search keeps its own copy of what ranks an article (kb.search.boosts): fill
it from what this installation has learned so far."""

from collections import defaultdict

from django.db import migrations

PHRASE_MIN_TICKETS = 2
MAX_PHRASES_PER_ARTICLE = 20


def copy_to_search(apps, schema_editor):
    effectiveness = apps.get_model("learning", "ArticleEffectiveness")
    phrase = apps.get_model("learning", "LearnedPhrase")
    boost = apps.get_model("search", "ArticleBoost")
    article_phrase = apps.get_model("search", "ArticlePhrase")
    boost.objects.bulk_create(
        [boost(article_id=row.article_id, problem_code=row.problem_code,
               success_rate=row.success_rate) for row in effectiveness.objects.all()],
        ignore_conflicts=True, batch_size=1000)
    phrases = defaultdict(list)
    for article_id, text in phrase.objects.filter(
            status="active", ticket_count__gte=PHRASE_MIN_TICKETS).order_by(
            "article_id", "-ticket_count", "text").values_list("article_id", "text"):
        if len(phrases[article_id]) < MAX_PHRASES_PER_ARTICLE:
            phrases[article_id].append(text)
    article_phrase.objects.bulk_create(
        [article_phrase(article_id=a, text=text, position=n)
         for a, texts in phrases.items() for n, text in enumerate(texts)],
        ignore_conflicts=True, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0001_initial"),
        ("search", "0003_ranking_signals"),
    ]

    operations = [migrations.RunPython(copy_to_search, migrations.RunPython.noop)]
