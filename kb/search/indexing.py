"""Writes to the search index: one article, or a full rebuild, on the
backend the settings name (kb.search.backends).

The index is derived from the database and may be deleted at any time:
``index_rebuild`` recreates it. Both functions are safe to run twice.
"""

from collections.abc import Callable

from kb.search.analysis import ANALYSIS_VERSION
from kb.search.backends import search_backend


def index_article(*, article_id: int) -> str:
    """Bring one article's document in line with the database: "indexed",
    "removed", or "no-index" when there is no index yet."""
    return search_backend().index_article(article_id=article_id)


def index_rebuild(*, progress: Callable[[int, int], None] | None = None, procs: int = 1) -> int:
    """Build the index afresh from the database; searches keep answering
    from the old one meanwhile. Returns how many articles it holds."""
    return search_backend().rebuild(progress=progress, procs=procs)


def index_analysis_outdated() -> str:
    """Why the index must be rebuilt for this version's text analysis, or ""
    (also when there is no index: building one is the health check's)."""
    built = search_backend().analysis_version()
    if built is None or built == ANALYSIS_VERSION:
        return ""
    return (f"the index was built with text analysis {built}, this version analyzes "
            f"text as {ANALYSIS_VERSION}")
