"""What ranks an article besides its words: its success rate and the wording
learned from the tickets it resolved.

Search owns these tables; the learning loop (which works out the figures
from closed tickets, wizard fixes and votes) writes them through the two
setters here, so a search never reads the learning loop's tables and the
learning loop never reaches into search's internals.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from kb.articles.models import Article
from kb.search.models import ArticleBoost, ArticlePhrase

log = logging.getLogger(__name__)

# The rate of an article nobody has judged yet: the middle, so a new fix is
# shown. The learning loop's smoothing uses it as its prior.
UNJUDGED_RATE = 0.6
MAX_PHRASES_PER_ARTICLE = 20


def article_success_rates(article_ids: Iterable[int], *,
                          problem_code: str = "") -> dict[int, float]:
    """The success rate of each article (for ``problem_code``, or overall)."""
    ids = [int(i) for i in article_ids]
    if not ids:
        return {}
    if not problem_code:
        stored = _overall_rates()
    else:
        stored = dict(ArticleBoost.objects.filter(article_id__in=ids, problem_code=problem_code)
                      .values_list("article_id", "success_rate"))
    return {i: stored.get(i, UNJUDGED_RATE) for i in ids}


# Every search multiplies by the overall rates, and they change only when the
# learning loop writes them: each process keeps them all (one float per
# judged article) and reads them again when the version in the shared cache
# (KB_CACHE_URL) changes, or after RATES_MAX_AGE_S should that key be lost.
# It looks at the version at most every RATES_CHECK_INTERVAL_S (on Redis a
# look is a round trip, and new rates come every few minutes at most); the
# process that writes them reads them at once.
RATES_VERSION_KEY = "kb.search.boosts.version"
RATES_MAX_AGE_S = 300.0
RATES_CHECK_INTERVAL_S = 1.0


@dataclass
class _Rates:
    version: str
    loaded: float  # time.monotonic()
    checked: float  # time.time(), so a test's time machine moves it
    rates: dict[int, float]


_rates: _Rates | None = None
_rates_lock = threading.Lock()


def _overall_rates() -> dict[int, float]:
    global _rates
    held = _rates
    if held is not None and time.monotonic() - held.loaded >= RATES_MAX_AGE_S:
        held = None  # read them again whatever the version says
    if held is not None and 0 <= time.time() - held.checked < RATES_CHECK_INTERVAL_S:
        return held.rates
    try:
        version = cache.get(RATES_VERSION_KEY)
        if version is None:
            cache.add(RATES_VERSION_KEY, uuid.uuid4().hex, timeout=None)
            version = cache.get(RATES_VERSION_KEY)
    except Exception:  # the shared cache is down: read them, keep nothing
        log.warning("boosts_version_unreadable", exc_info=True)
        return dict(ArticleBoost.objects.filter(problem_code="")
                    .values_list("article_id", "success_rate"))
    if held is not None and held.version == version:
        held.checked = time.time()
        return held.rates
    rates = dict(ArticleBoost.objects.filter(problem_code="")
                 .values_list("article_id", "success_rate"))
    with _rates_lock:
        _rates = _Rates(version=version, loaded=time.monotonic(), checked=time.time(),
                        rates=rates)
    return rates


def rates_reload() -> None:
    """Read the rates again on this process's next search."""
    global _rates
    _rates = None


def _rates_changed() -> None:
    rates_reload()
    try:
        cache.set(RATES_VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # other processes then read them within RATES_MAX_AGE_S
        log.warning("boosts_version_unwritable", exc_info=True)


@transaction.atomic
def article_boosts_set(*, rates: dict[tuple[int, str], float]) -> int:
    """Store success rates, keyed by (article id, problem code); returns how
    many. Articles deleted meanwhile are skipped."""
    if not rates:
        return 0
    existing = set(Article.objects.filter(pk__in={a for a, _ in rates})
                   .values_list("pk", flat=True))
    now = timezone.now()
    rows = [ArticleBoost(article_id=a, problem_code=code, success_rate=rate, updated_at=now)
            for (a, code), rate in sorted(rates.items()) if a in existing]
    ArticleBoost.objects.bulk_create(rows, update_conflicts=True,
                                     unique_fields=["article", "problem_code"],
                                     update_fields=["success_rate", "updated_at"],
                                     batch_size=1000)
    # Now for this transaction's own searches, and after the commit for
    # every process (one may have read the old rates in between).
    _rates_changed()
    transaction.on_commit(_rates_changed)
    return len(rows)


def article_phrases_for(article_ids: Iterable[int]) -> dict[int, list[str]]:
    """The learned phrases of each article that has any, in order."""
    found: dict[int, list[str]] = defaultdict(list)
    for article_id, text in ArticlePhrase.objects.filter(
            article_id__in=list(article_ids)).order_by("article_id", "position").values_list(
            "article_id", "text"):
        found[article_id].append(text)
    return dict(found)


@transaction.atomic
def article_phrases_set(*, phrases: dict[int, list[str]], reindex: bool = True) -> int:
    """Replace the learned phrases of these articles (an empty list removes
    them) and re-index the articles whose phrases changed (in this
    transaction, or after the commit: kb.search.backends). Returns how many
    articles changed."""
    if not phrases:
        return 0
    wanted = {a: [t[:200] for t in texts[:MAX_PHRASES_PER_ARTICLE]]
              for a, texts in phrases.items()}
    existing = set(Article.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    current = article_phrases_for(wanted)
    changed = sorted(a for a in wanted if a in existing and current.get(a, []) != wanted[a])
    if not changed:
        return 0
    ArticlePhrase.objects.filter(article_id__in=changed).delete()
    ArticlePhrase.objects.bulk_create(
        [ArticlePhrase(article_id=a, text=text, position=n)
         for a in changed for n, text in enumerate(wanted[a])], batch_size=2000)
    if reindex:
        from kb.search.backends import search_backend
        from kb.search.tasks import index_article_task

        backend = search_backend()
        for article_id in changed:
            if backend.writes_in_transaction:
                backend.index_article(article_id=article_id)
            else:
                transaction.on_commit(partial(index_article_task.delay, article_id=article_id))
    return len(changed)
