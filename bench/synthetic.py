"""Synthetic bilingual knowledge bases for the benchmarks: articles
generated from the launch content's own vocabulary (English and Chinese
words drawn with Zipf frequencies, real error strings in the symptoms,
bodies of realistic length), half English, half Chinese, paired as
translations. Import after ``django.setup()``."""

from __future__ import annotations

import random
from pathlib import Path

from django.db import transaction

from kb.articles.fixture_files import find_article_files, parse_article_file
from kb.articles.models import Article
from kb.problems.models import Problem
from kb.search.analysis import surface_words

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


class Vocabulary:
    """Words of the launch content by language, drawn with Zipf weights."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        words: dict[str, dict[str, int]] = {"en": {}, "zh-hans": {}}
        self.symptoms: dict[str, list[str]] = {"en": [], "zh-hans": []}
        for path in find_article_files(FIXTURES / "articles"):
            item = parse_article_file(path)
            counts = words[item.language]
            for original, _word in surface_words(item.body + " " + item.title):
                counts[original] = counts.get(original, 0) + 1
            self.symptoms[item.language].extend(item.symptoms)
        self.ranked = {
            lang: [w for w, _ in sorted(c.items(), key=lambda kv: -kv[1])]
            for lang, c in words.items()
        }
        self.weights = {
            lang: [1.0 / (rank + 1) ** 1.07 for rank in range(len(ranked))]
            for lang, ranked in self.ranked.items()
        }

    def words(self, lang: str, n: int) -> list[str]:
        return self.rng.choices(self.ranked[lang], weights=self.weights[lang], k=n)

    def text(self, lang: str, n: int) -> str:
        sep = "" if lang == "zh-hans" else " "
        words = self.words(lang, n)
        sentences, out = [], []
        for i, word in enumerate(words, start=1):
            out.append(word)
            if i % self.rng.randint(8, 16) == 0:
                sentences.append(sep.join(out) + ("。" if lang == "zh-hans" else "."))
                out = []
        sentences.append(sep.join(out))
        return (" " if lang == "en" else "").join(sentences)


def generate(n_articles: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    vocab = Vocabulary(rng)
    problems = list(Problem.objects.all())
    through = Article.problems.through
    batch, links = [], []
    for i in range(n_articles // 2):
        problem = rng.choice(problems)
        slug = f"synthetic-{i}"
        for lang in ("en", "zh-hans"):
            body_words = rng.randint(700, 1400) if lang == "en" else rng.randint(500, 1000)
            sections = ["Symptoms", "How to confirm", "Fix", "Verify the fix", "When to escalate"]
            body = "\n\n".join(
                f"## {heading}\n\n{vocab.text(lang, body_words // 5)}" for heading in sections
            )
            symptoms = rng.sample(vocab.symptoms[lang], k=min(4, len(vocab.symptoms[lang])))
            batch.append(Article(
                slug=slug, language=lang, translation_group=slug,
                title=vocab.text(lang, rng.randint(6, 12)).rstrip(".。"),
                summary=vocab.text(lang, rng.randint(20, 35))[:480],
                body=body, symptoms="\n".join(symptoms), area=problem.area,
                status=Article.Status.PUBLISHED,
            ))
            links.append(problem.pk)
        if len(batch) >= 1000:
            _flush(batch, links, through)
            batch, links = [], []
    _flush(batch, links, through)


def _flush(batch: list[Article], problem_ids: list[int], through) -> None:
    with transaction.atomic():
        created = Article.objects.bulk_create(batch)
        pairs = zip(created, problem_ids, strict=True)
        through.objects.bulk_create(
            [through(article_id=a.pk, problem_id=pid) for a, pid in pairs]
        )
