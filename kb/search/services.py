"""Searching the knowledge base, and what each search leaves behind (the log)."""

import html
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from functools import partial

from kb.articles.models import Article
from kb.articles.selectors import article_search_database
from kb.core.after_response import after_response
from kb.core.metrics import SEARCH_SECONDS, timed
from kb.search import store
from kb.search.analysis import jieba_dictionary
from kb.search.backends import SearchView, search_backend
from kb.search.boosts import UNJUDGED_RATE, article_success_rates
from kb.search.confidence import WEAK_CONFIDENCE, ideal_score, match_confidence
from kb.search.messages import known_messages_for
from kb.search.models import IndexRepair, SearchQuery
from kb.search.query import PreparedQuery, build_query, prepare, suggestion_text
from kb.search.repair import index_check_queue
from kb.search.snippets import hit_snippet
from kb.search.spelling import chinese_corrector_for, corrector_for, readings_load
from kb.search.synonyms import synonym_table
from kb.search.topics import account_words, feature_words

log = logging.getLogger(__name__)

CANDIDATES = 20
OWN_LANGUAGE_BONUS = 1.2
# How much the success rate of a fix (kb.search.boosts) moves its score.
SUCCESS_BOOST = 0.25


@dataclass
class SearchHit:
    article_id: int
    slug: str
    title: str
    lang: str
    url: str
    area: str
    problems: list[str]
    snippet: str
    score: float
    translation: dict | None = None


@dataclass
class SearchResults:
    query: str
    suggestion: str | None = None
    hits: list[SearchHit] = field(default_factory=list)
    total: int = 0
    truncated: bool = False
    fallback: bool = False
    log_id: int | None = None
    # How well the best result matches (kb.search.confidence), 0 to 1; a
    # weak search (nothing found, or below WEAK_CONFIDENCE) is shown as such.
    confidence: float | None = None
    weak: bool = False
    # About an account, billing or signing in (kb.search.topics): weak, and
    # the page sends it to support rather than to the wizard.
    account_question: bool = False
    # How to use a feature (kb.search.topics): weak, and support answers it too.
    feature_question: bool = False

    @property
    def for_support(self) -> bool:
        """A question no fix answers (an account's, or how to use a feature):
        the page and the wizard send it to support."""
        return self.account_question or self.feature_question


def candidate_window(offset: int, limit: int) -> int:
    """Documents to rank for one page: both languages of every fix up to the
    page, and one page more, so "next" knows there is something to show."""
    return max(CANDIDATES, 2 * (offset + limit) + 2 * limit)


# Searching ---------------------------------------------------------------------
def success_boosts(article_ids: list[int]) -> dict[int, float]:
    """A gentle multiplier from each article's smoothed success rate.

    1.0 at the prior (an article nobody has judged yet), at most
    ``1 + SUCCESS_BOOST * (1 - prior)`` and at least
    ``1 - SUCCESS_BOOST * prior``: what customers typed still decides the
    ranking; among close matches, the fix that works wins.
    """
    rates = article_success_rates(article_ids)
    return {i: 1.0 + SUCCESS_BOOST * (rate - UNJUDGED_RATE) for i, rate in rates.items()}


def _group_hits(results, language: str) -> list:
    """One hit per fix: the reader's language when both match. A reference
    page (kb.search.documents.article_weight) counts for less than a fix."""
    groups: dict[str, dict] = {}
    hits = list(results)
    boosts = success_boosts([int(hit["id"]) for hit in hits])
    for hit in hits:
        group = groups.setdefault(hit["group"], {"best": 0.0, "members": {}})
        group["members"].setdefault(hit["lang"], hit)
        score = hit.score * boosts.get(int(hit["id"]), 1.0) * hit.get("weight", 1.0)
        group["best"] = max(group["best"], score)
    ranked = []
    for group in groups.values():
        members = group["members"]
        shown = members.get(language) or next(iter(members.values()))
        score = group["best"] * (OWN_LANGUAGE_BONUS if language in members else 1.0)
        other = next((m for lang, m in members.items() if lang != shown["lang"]), None)
        ranked.append((score, shown, other))
    ranked.sort(key=lambda item: -item[0])
    return ranked


# Recent results, per index generation (a new one starts empty, so an edit is
# visible at once) and synonym table: the real query mix is skewed, and a
# repeated search costs nothing. 0 turns it off.
RESULT_CACHE_SIZE = 1024
_results_lock = threading.Lock()


def _recent_results(view: SearchView, key: tuple) -> SearchResults | None:
    if RESULT_CACHE_SIZE <= 0:
        return None
    recent = view.extras.get("results")
    with _results_lock:
        found = recent.get(key) if recent is not None else None
        if found is None:
            return None
        recent.move_to_end(key)
    # A copy: the caller sets its own log id.
    return replace(found, hits=list(found.hits), log_id=None)


def _remember_results(view: SearchView, key: tuple, results: SearchResults) -> None:
    if RESULT_CACHE_SIZE <= 0:
        return
    recent = view.extras.setdefault("results", OrderedDict())
    with _results_lock:
        recent[key] = replace(results, hits=list(results.hits), log_id=None)
        while len(recent) > RESULT_CACHE_SIZE:
            recent.popitem(last=False)


def _database_fallback(prepared: PreparedQuery, *, language: str, area: str | None,
                       lang: str | None, limit: int, offset: int) -> SearchResults:
    articles = article_search_database(query=prepared.text, language=language, limit=100)
    articles = [a for a in articles if (not area or a.area == area)
                and (not lang or a.language == lang)]
    hits = [
        SearchHit(article_id=a.pk, slug=a.slug, title=a.title, lang=a.language,
                  url=a.get_absolute_url(), area=a.area,
                  problems=sorted(p.code for p in a.problems.all()),
                  snippet=html.escape(a.summary, quote=False), score=0.0)
        for a in articles
    ]
    return SearchResults(query=prepared.text, hits=hits[offset:offset + limit],
                         total=len(hits), truncated=prepared.truncated, fallback=True)


@timed(SEARCH_SECONDS)
def search_articles(
    *,
    text: str,
    language: str,
    area: str | None = None,
    lang: str | None = None,
    limit: int = 10,
    offset: int = 0,
    source: str = SearchQuery.Source.PAGE,
    record: bool = True,
    record_after_response: bool = False,
) -> SearchResults:
    """Find the fixes for what a customer typed.

    ``language`` is the reader's: when both translations of a fix match, the
    reader's one is shown. ``lang`` and ``area`` filter. Any text is valid.
    ``record`` logs the search; with ``record_after_response`` the log row is
    written after the response is sent and ``log_id`` stays None, so only an
    answer without click links may ask for it.
    """
    prepared = prepare(text)
    if not prepared.text:
        return SearchResults(query="", truncated=prepared.truncated)
    try:
        view = search_backend().view()
        synonyms = synonym_table()
        # The table itself (compared by identity): a synonym edit makes a new one.
        cache_key = (prepared.text, prepared.truncated, language, area, lang, limit, offset,
                     synonyms)
        results = _recent_results(view, cache_key)
        if results is None:
            results = _search_index(view, prepared, synonyms=synonyms, language=language,
                                    area=area, lang=lang, limit=limit, offset=offset)
            _remember_results(view, cache_key, results)
    except store.IndexUnavailable as exc:
        # No index (a fresh install, or deleted): answer from the database
        # while the worker builds it.
        log.warning("search_fallback reason=%r", str(exc))
        index_check_queue(source=IndexRepair.Source.SEARCH)
        results = _database_fallback(prepared, language=language, area=area, lang=lang,
                                     limit=limit, offset=offset)
    except Exception:
        # A damaged segment, or a bug: either way the customer gets the
        # database's answer (marked as such), the error is logged with its
        # traceback, and the worker checks the index (rebuilding a damaged one).
        log.exception("search_failed query=%r", prepared.text[:100])
        index_check_queue(source=IndexRepair.Source.SEARCH)
        results = _database_fallback(prepared, language=language, area=area, lang=lang,
                                     limit=limit, offset=offset)
    # A copy: the recent-results cache keeps the ranking's own answer.
    if account_words(prepared.text):
        results = replace(results, weak=True, account_question=True)
    elif feature_words(prepared.text):
        results = replace(results, weak=True, feature_question=True)
    if record and record_after_response:
        after_response(partial(search_log, results=results, language=language, source=source))
    elif record:
        results.log_id = search_log(results=results, language=language, source=source).pk
    return results


def search_process_prepare() -> None:
    """Load what every search of a process reads and never changes: jieba's
    dictionary with the domain words, and the pinyin readings Chinese typo
    correction compares. Loaded on first use instead, they cost the first
    Chinese search of each new web worker most of a second (gunicorn.conf.py
    calls this before a worker serves)."""
    jieba_dictionary()
    readings_load()


@dataclass
class _Ranked:
    """A query's documents, best first, and how well they match."""

    built: object
    found: list
    ideal: float

    @property
    def confidence(self) -> float:
        return match_confidence(self.found[0].score, self.ideal) if self.found else 0.0

    def confident(self) -> int:
        """How many documents match at least as well as a weak match does not."""
        floor = WEAK_CONFIDENCE * self.ideal
        return sum(doc.score >= floor for doc in self.found) if self.ideal > 0 else 0


def _build(view: SearchView, prepared: PreparedQuery, *, synonyms):
    view.prefetch(prepared.text)
    return build_query(prepared, reader=view.reader(), corrector=corrector_for(view),
                       synonyms=synonyms, chinese=chinese_corrector_for(view),
                       messages=known_messages_for(view))


def _rank(view: SearchView, prepared: PreparedQuery, *, synonyms, area: str | None,
          lang: str | None, limit: int) -> tuple[_Ranked | None, tuple[str, _Ranked] | None]:
    """The search as typed and, when it has typos, its correction: ranked
    together (they share every word but the corrected ones)."""
    built = _build(view, prepared, synonyms=synonyms)
    if built.query is None:
        return None, None
    text = suggestion_text(prepared.text, built.corrections)
    corrected = _build(view, PreparedQuery(text=text), synonyms=synonyms) if text else None
    if corrected is not None and corrected.query is None:
        corrected = None
    queries = [built.query] + ([corrected.query] if corrected is not None else [])
    found = view.rank_many(queries, limit=limit, area=area, lang=lang)
    ranked = _Ranked(built=built, found=list(found[0]),
                     ideal=ideal_score(view, built.word_clauses))
    if corrected is None:
        return ranked, None
    suggested = _Ranked(built=corrected, found=list(found[1]),
                        ideal=ideal_score(view, corrected.word_clauses))
    # "Did you mean" is offered only when the correction matches no worse.
    return ranked, ((text, suggested) if _suggestion_is_better(ranked, suggested) else None)


def _suggestion_is_better(typed: _Ranked, corrected: _Ranked) -> bool:
    """The corrected search finds something, its best result matches no worse
    and it finds no fewer confident results than the search as typed."""
    return bool(corrected.found) and corrected.confidence >= typed.confidence and \
        corrected.confident() >= typed.confident()


def _search_index(view: SearchView, prepared: PreparedQuery, *, synonyms, language: str,
                  area: str | None, lang: str | None, limit: int, offset: int
                  ) -> SearchResults:
    window = candidate_window(offset, limit)
    ranked, suggestion = _rank(view, prepared, synonyms=synonyms, area=area, lang=lang,
                               limit=window)
    if ranked is None:
        return SearchResults(query=prepared.text, truncated=prepared.truncated, weak=True)
    grouped = _group_hits(ranked.found, language)
    page = grouped[offset:offset + limit]
    # With a typo, the results are as good as the corrected search's.
    confidence = suggestion[1].confidence if suggestion else ranked.confidence
    return SearchResults(
        query=prepared.text,
        suggestion=suggestion[0] if suggestion else None,
        hits=[_hit(shown, other, score, ranked.built.terms) for score, shown, other in page],
        total=len(grouped),
        truncated=prepared.truncated,
        confidence=round(confidence, 3),
        weak=confidence < WEAK_CONFIDENCE,
    )


def _hit(shown, other, score: float, terms: set[str]) -> SearchHit:
    return SearchHit(
        article_id=int(shown["id"]),
        slug=shown["slug"],
        title=shown["title"],
        lang=shown["lang"],
        url=shown["url"],
        area=shown["area"],
        problems=[c for c in shown["problems"].split(",") if c],
        snippet=hit_snippet(shown, terms),
        score=round(score, 3),
        translation=(
            {"slug": other["slug"], "lang": other["lang"], "url": other["url"]}
            if other is not None else None
        ),
    )


# The search log ----------------------------------------------------------------
def normalize_for_grouping(text: str) -> str:
    return " ".join(text.lower().split())[:500]


def search_log(*, results: SearchResults, language: str, source: str) -> SearchQuery:
    return SearchQuery.objects.create(
        query=results.query[:500],
        normalized=normalize_for_grouping(results.query),
        language=language,
        source=source,
        result_count=results.total,
    )


def search_record_click(*, log_id: int, article: Article, rank: int | None) -> bool:
    """Remember which result a search led to (the first click counts)."""
    updated = SearchQuery.objects.filter(pk=log_id, clicked_article__isnull=True).update(
        clicked_article=article, clicked_rank=rank
    )
    return bool(updated)

