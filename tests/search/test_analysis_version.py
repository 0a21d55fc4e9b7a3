"""An index built under another release's text analysis (its terms are not
the ones a query now looks up) is rebuilt at worker start, on either
backend; bootstrap does the same (tests/core/test_bootstrap.py)."""

import pytest
from django.conf import settings
from django.db import connection

from kb.search import repair, store
from kb.search.analysis import ANALYSIS_VERSION
from kb.search.backends import search_backend
from kb.search.indexing import index_analysis_outdated
from kb.search.models import IndexRepair
from kb.search.services import search_articles

pytestmark = pytest.mark.django_db


def as_built_by_an_earlier_release() -> None:
    """An index from before the analysis had versions records none: version 1."""
    if settings.KB_SEARCH_BACKEND == "postgres":
        with connection.cursor() as cursor:
            cursor.execute("UPDATE search_searchgeneration SET analysis = 1")
    else:
        generation = store.current_generation_dir()
        (generation / store.ANALYSIS).unlink()
        store.checksums_record(generation)


def test_a_new_index_records_the_analysis_it_was_built_under(kb_articles, build_index):
    assert search_backend().analysis_version() is None  # no index yet
    assert index_analysis_outdated() == ""  # building one is the health check's job
    build_index()
    assert search_backend().analysis_version() == ANALYSIS_VERSION
    assert index_analysis_outdated() == ""
    repair.index_recover_at_start()
    assert not IndexRepair.objects.exists()


def test_an_index_from_an_older_analysis_is_rebuilt_at_worker_start(kb_articles, build_index):
    build_index()
    as_built_by_an_earlier_release()
    assert search_backend().health() == (True, "ok")  # still answers meanwhile
    assert index_analysis_outdated() == (
        f"the index was built with text analysis 1, this version analyzes text as "
        f"{ANALYSIS_VERSION}")
    repair.index_recover_at_start()  # the check it queues runs in process here
    rebuilt = IndexRepair.objects.get()
    assert rebuilt.source == IndexRepair.Source.WORKER_START
    assert "text analysis 1" in rebuilt.reason
    assert rebuilt.repaired_at is not None and rebuilt.articles == len(kb_articles)
    assert search_backend().analysis_version() == ANALYSIS_VERSION
    found = search_articles(text="already publishing", language="en", record=False)
    assert found.hits[0].slug == "push-already-publishing"
