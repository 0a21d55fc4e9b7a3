"""Test data built through the services, as the site itself builds it."""

import itertools

from django.utils import timezone

from kb.articles import services
from kb.articles.models import Article

_counter = itertools.count(1)

BODY_EN = """## Symptoms

OBS shows **Failed to connect to server**.

## How to confirm

```bash
nc -vz push.example.com 1935
```

## Fix

Open port 1935 on the firewall.

## Verify the fix

The stream goes live.

## When to escalate

P1 when the stream is down; attach the OBS log.
"""


def make_article(
    *,
    problems=(),
    language: str = "en",
    slug: str | None = None,
    status: str = Article.Status.PUBLISHED,
    author=None,
    **overrides,
) -> Article:
    n = next(_counter)
    fields = {
        "title": f"Encoder cannot connect {n}",
        "summary": "The encoder cannot reach the ingest server.",
        "body": BODY_EN,
        "symptoms": ["Failed to connect to server", "Connection refused"],
        "area": "push",
        "roles": ["publisher"],
        "protocols": ["rtmp"],
        "encoders": ["obs"],
        # Verified today: fresh whenever the suite runs (staleness tests pass a date).
        "last_verified": timezone.localdate(),
    }
    home_position = overrides.pop("home_position", None)
    fields.update(overrides)
    article = services.article_create(
        author=author,
        slug=slug or f"article-{n}",
        language=language,
        problems=list(problems),
        status=status,
        **fields,
    )
    if home_position is not None:
        Article.objects.filter(pk=article.pk).update(home_position=home_position)
        article.home_position = home_position
    return article


def make_translated_pair(*, problems=(), slug: str | None = None, **overrides):
    slug = slug or f"pair-{next(_counter)}"
    en = make_article(problems=problems, slug=slug, **overrides)
    zh = make_article(
        problems=problems,
        slug=slug,
        language="zh-hans",
        title=f"编码器无法连接 {slug}",
        summary="推流端无法连接推流服务器。",
        body=BODY_EN.replace("## Symptoms", "## 现象"),
        **{k: v for k, v in overrides.items() if k not in {"title", "summary", "body"}},
    )
    return en, zh
