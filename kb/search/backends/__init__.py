"""Where the index lives, chosen in settings (``KB_SEARCH_BACKEND``).

- ``whoosh`` (the default): an index folder beside the site, written by the
  one ``index`` worker after each commit. Nothing to run; the web nodes must
  share the folder.
- ``postgres``: tables in the site's PostgreSQL database, written in the
  transaction that changes the article. No folder and no single writer:
  every web node sees an edit as soon as it commits.

Both analyze text the same way in Python (kb.search.analysis), take the same
built query (kb.search.query) and score it with the same BM25F formula and
statistics, so they rank alike; the search service and everything above it
do not know which one runs. What a backend offers:

- ``view()``: the index as it is now (raises ``store.IndexUnavailable`` when
  there is none yet), a :class:`SearchView`;
- ``index_article(article_id=...)`` and ``rebuild(progress=...)``;
- ``health()``: ``(healthy, reason)`` for the repair check and ``/readyz``;
- ``analysis_version()``: the text analysis the index was built under
  (``kb.search.analysis.ANALYSIS_VERSION``), None when there is no index;
- ``writes_in_transaction``: whether an article's change is indexed inside
  its own transaction (postgres) or after it commits, on the worker (whoosh).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

NAMES = ("whoosh", "postgres")


class SearchView(Protocol):
    """One generation of the index, as one search sees it."""

    # Helpers built once per generation (typo correctors, recent results).
    extras: dict

    def reader(self):
        """Counts of the index: ``doc_count_all()``, ``doc_frequency(field,
        term)``, ``frequency(field, term)``, ``expand_prefix(field, prefix)``
        and ``lexicon(field)``, as a Whoosh reader answers them."""

    def prefetch(self, text: str) -> None:
        """Read the statistics of the words of ``text`` at once."""

    def rank(self, query, *, limit: int, area: str | None, lang: str | None) -> list:
        """The best ``limit`` documents, best first (``ranking.ScoredDocument``)."""

    def rank_many(self, queries: list, *, limit: int, area: str | None, lang: str | None
                  ) -> list[list]:
        """``rank`` for each query, in one pass over what they share (a
        search and its typo correction)."""

    def term_ceiling(self, fieldname: str, text: str) -> float:
        """The best score ``text`` reaches in ``fieldname`` (0.0 if absent)."""

    def unseen_term_ceiling(self, fieldname: str) -> float:
        """What a word no document has would score at best."""


class SearchBackend(Protocol):
    name: str
    writes_in_transaction: bool

    def view(self) -> SearchView: ...

    def index_article(self, *, article_id: int) -> str: ...

    def rebuild(self, *, progress: Callable[[int, int], None] | None = None,
                procs: int = 1) -> int: ...

    def health(self) -> tuple[bool, str]: ...

    def analysis_version(self) -> int | None: ...


_backends: dict[str, SearchBackend] = {}


def backend_name() -> str:
    name = getattr(settings, "KB_SEARCH_BACKEND", "whoosh")
    if name not in NAMES:
        raise ImproperlyConfigured(
            f"KB_SEARCH_BACKEND={name!r}: use one of {', '.join(NAMES)}")
    return name


def search_backend() -> SearchBackend:
    """The backend the settings name (one instance per process)."""
    name = backend_name()
    found = _backends.get(name)
    if found is None:
        if name == "postgres":
            from kb.search.backends.postgres import PostgresBackend

            found = PostgresBackend()
        else:
            from kb.search.backends.whoosh import WhooshBackend

            found = WhooshBackend()
        found = _backends.setdefault(name, found)
    return found
