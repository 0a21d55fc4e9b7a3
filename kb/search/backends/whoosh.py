"""The embedded backend: a Whoosh index folder (kb.search.store), written by
the ``index`` worker after each commit, read by every web process."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from django.utils import timezone
from whoosh import query as wq

from kb.articles.models import Article
from kb.search import ranking, store
from kb.search.boosts import article_phrases_for
from kb.search.documents import article_document, published_articles

log = logging.getLogger(__name__)


def filter_query_for(*, area: str | None, lang: str | None) -> wq.Query | None:
    """The documents of an area and a language, as a Whoosh query (None: all)."""
    parts = [wq.Term("area", area)] if area else []
    if lang:
        parts.append(wq.Term("lang", lang))
    return wq.And(parts) if parts else None


class KeptCounts:
    """The searcher's reader, with the term counts searches ask it kept for
    the generation.

    The query builder asks for each word's count in every field and in the
    vocabulary, a typo's corrected search asks again for the words it shares
    with the typed one, and customers repeat their words. Whoosh answers each
    from the term table of every segment (about 10 µs).
    """

    # About 150 bytes a count: some 7 MB per searcher at most.
    LIMIT = 50_000

    def __init__(self, reader):
        self._reader = reader
        self._counts: dict[tuple, int] = {}

    def _kept(self, key: tuple, count: Callable[[], int]) -> int:
        found = self._counts.get(key)
        if found is None:
            if len(self._counts) >= self.LIMIT:
                self._counts.clear()
            found = self._counts[key] = count()
        return found

    def doc_frequency(self, fieldname: str, text) -> int:
        return self._kept(("doc_frequency", fieldname, text),
                          lambda: self._reader.doc_frequency(fieldname, text))

    def frequency(self, fieldname: str, text) -> int:
        return self._kept(("frequency", fieldname, text),
                          lambda: self._reader.frequency(fieldname, text))

    def __getattr__(self, name: str):
        return getattr(self._reader, name)


class WhooshView:
    """A searcher of the live index (one per thread, kb.search.store)."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.extras = ranking.searcher_cache(searcher).extras

    def reader(self) -> KeptCounts:
        found = self.extras.get(KeptCounts)
        if found is None:
            found = self.extras.setdefault(KeptCounts, KeptCounts(self.searcher.reader()))
        return found

    def prefetch(self, text: str) -> None:
        """Whoosh reads its counts from memory-mapped files: nothing to do."""

    def rank(self, query, *, limit: int, area: str | None, lang: str | None) -> list:
        return self.rank_many([query], limit=limit, area=area, lang=lang)[0]

    def rank_many(self, queries: list, *, limit: int, area: str | None, lang: str | None
                  ) -> list[list]:
        filter_query = filter_query_for(area=area, lang=lang)
        try:
            return ranking.rank_many(self.searcher, queries, limit=limit, filter=filter_query)
        except ranking.Unsupported:
            # A clause the direct scorer does not know: Whoosh ranks it the same.
            return [list(self.searcher.search(query, limit=limit, filter=filter_query))
                    for query in queries]

    def term_ceiling(self, fieldname: str, text: str) -> float:
        return ranking.term_ceiling(self.searcher, fieldname, text)

    def unseen_term_ceiling(self, fieldname: str) -> float:
        return ranking.unseen_term_ceiling(self.searcher, fieldname)


class WhooshBackend:
    name = "whoosh"
    writes_in_transaction = False

    def view(self) -> WhooshView:
        return WhooshView(store.get_searcher())

    def health(self) -> tuple[bool, str]:
        return store.index_health()

    def analysis_version(self) -> int | None:
        return store.index_analysis_version()

    def index_article(self, *, article_id: int) -> str:
        """Bring one article's document in line with the database.

        Returns what was done: "indexed", "removed", or "no-index" when there
        is no index yet (the next rebuild will include the article).
        """
        try:
            ix = store.open_index()
        except store.IndexUnavailable:
            log.warning("index_article_skipped id=%s reason=no-index", article_id)
            return "no-index"
        article = published_articles().filter(pk=article_id).first()
        with store.writer(ix) as writer:
            if article is None:
                writer.delete_by_term("id", str(article_id))
                action = "removed"
            else:
                learned = article_phrases_for([article.pk]).get(article.pk)
                document = article_document(article, learned=learned)
                # An index built before a field was added takes the others;
                # the next rebuild adds it.
                names = set(ix.schema.names())
                writer.update_document(**{k: v for k, v in document.items() if k in names})
                action = "indexed"
        store.checksums_record(Path(ix.storage.folder))
        log.info("index_article backend=whoosh id=%s action=%s", article_id, action)
        return action

    def rebuild(self, *, progress: Callable[[int, int], None] | None = None,
                procs: int = 1) -> int:
        """Build a fresh index from the database and switch to it atomically.

        Searches keep answering from the old index while this runs. Articles
        that change during the build are indexed again after the switch.
        """
        with store.rebuild_lock():
            started = timezone.now()
            t0 = time.monotonic()
            articles = list(published_articles())
            learned = article_phrases_for([a.pk for a in articles])
            generation = store.new_generation()
            kwargs = {"procs": procs, "multisegment": True} if procs > 1 else {}
            writer = store.writer(generation.index, **kwargs)
            try:
                for done, article in enumerate(articles, start=1):
                    writer.add_document(**article_document(article,
                                                           learned=learned.get(article.pk)))
                    if progress is not None:
                        progress(done, len(articles))
                # One segment: every query pays for each segment it reads.
                writer.commit(optimize=True)
            except BaseException:
                writer.cancel()
                generation.discard()
                raise
            generation.activate()
        changed = Article.objects.filter(updated_at__gte=started).values_list("pk", flat=True)
        for article_id in changed:
            self.index_article(article_id=article_id)
        log.info("index_rebuilt backend=whoosh articles=%d seconds=%.1f", len(articles),
                 time.monotonic() - t0)
        return len(articles)
