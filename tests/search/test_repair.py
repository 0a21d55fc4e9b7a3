"""The Whoosh index heals itself: damage is found where it shows, recorded, and
rebuilt once."""

import logging

import pytest

from kb.articles.models import Article
from kb.search import repair, store
from kb.search.indexing import index_rebuild
from kb.search.models import IndexRepair
from kb.search.services import search_articles

pytestmark = [pytest.mark.django_db, pytest.mark.whoosh]


def corrupt_a_segment() -> None:
    """Scramble the middle half of a segment file, as a failing disk would."""
    segment = next(store.current_generation_dir().glob("*.seg"))
    data = bytearray(segment.read_bytes())
    for i in range(len(data) // 4, len(data) * 3 // 4):
        data[i] = (data[i] * 7 + 13) % 256
    segment.write_bytes(bytes(data))


class TestDamageIsFound:
    def test_a_changed_byte_in_a_segment_is_reported(self, kb_articles, build_index):
        build_index()
        assert store.index_health() == (True, "ok")
        segment = next(store.current_generation_dir().glob("*.seg"))
        data = bytearray(segment.read_bytes())
        data[len(data) // 2] ^= 0x01
        segment.write_bytes(bytes(data))
        healthy, reason = store.index_health()
        assert healthy is False
        assert segment.name in reason and "checksum" in reason

    def test_an_edit_records_the_new_files_so_a_healthy_index_stays_healthy(
        self, kb_articles, build_index
    ):
        from kb.search.indexing import index_article

        build_index()
        index_article(article_id=kb_articles["duplicate"].pk)
        index_article(article_id=kb_articles["keyframe"].pk)
        assert store.index_health() == (True, "ok")


class TestASearchOnADamagedIndex:
    def test_answers_from_the_database_logs_the_error_and_repairs_the_index_once(
        self, kb_articles, build_index, caplog
    ):
        build_index()
        corrupt_a_segment()
        with caplog.at_level(logging.INFO):
            damaged = search_articles(text="already publishing", language="en")
        assert damaged.fallback is True
        assert [hit.slug for hit in damaged.hits] == ["push-already-publishing"]
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert errors and errors[0].getMessage().startswith("search_failed")
        assert errors[0].exc_info is not None  # the traceback is in the log
        # The queued check (run in process here) found the damage and rebuilt.
        repaired = IndexRepair.objects.get()
        assert repaired.source == "search" and "checksum" in repaired.reason
        assert repaired.repaired_at is not None and repaired.articles == 6
        healthy = search_articles(text="already publishing", language="en")
        assert healthy.fallback is False
        assert healthy.hits[0].slug == "push-already-publishing"

    def test_many_failing_searches_queue_one_check(self, kb_articles, build_index,
                                                   settings):
        build_index()
        settings.CELERY_TASK_ALWAYS_EAGER = False  # nothing runs: count what is queued
        queued = []
        from kb.search import tasks

        original = tasks.index_check_task.delay
        tasks.index_check_task.delay = lambda **kwargs: queued.append(kwargs)
        try:
            corrupt_a_segment()
            for _ in range(20):
                assert search_articles(text="publishing", language="en").fallback is True
        finally:
            tasks.index_check_task.delay = original
        assert queued == [{"source": "search"}]

    def test_with_the_shared_cache_down_too_it_still_answers_from_the_database(
            self, kb_articles, build_index, take_the_cache_down, caplog):
        build_index()
        corrupt_a_segment()
        take_the_cache_down()
        damaged = search_articles(text="already publishing", language="en")
        assert damaged.fallback is True
        assert [hit.slug for hit in damaged.hits] == ["push-already-publishing"]
        assert "index_check_unqueued source=search" in caplog.text
        assert not IndexRepair.objects.exists()


class TestInterruptedRebuilds:
    def test_a_rebuild_killed_midway_is_cleaned_up_and_run_again_at_worker_start(
        self, kb_articles, build_index
    ):
        build_index()
        live = store.current_generation_dir()
        partial = store.new_generation()  # what a killed rebuild leaves behind
        assert (store.index_root() / store.REBUILDING).exists()
        repair.index_recover_at_start()
        assert not partial.path.exists()
        assert not (store.index_root() / store.REBUILDING).exists()
        repaired = IndexRepair.objects.get()
        assert repaired.source == "interrupted" and repaired.repaired_at is not None
        assert store.current_generation_dir() not in (live, None)
        assert store.index_health() == (True, "ok")

    def test_a_healthy_index_at_worker_start_is_left_alone(self, kb_articles, build_index):
        build_index()
        live = store.current_generation_dir()
        repair.index_recover_at_start()
        assert store.current_generation_dir() == live
        assert not IndexRepair.objects.exists()

    def test_a_rebuild_that_fails_leaves_no_partial_generation(
        self, kb_articles, build_index, monkeypatch
    ):
        build_index()
        live = store.current_generation_dir()

        def broken_document(article, learned=None):
            raise RuntimeError("analysis failed")

        monkeypatch.setattr("kb.search.backends.whoosh.article_document", broken_document)
        with pytest.raises(RuntimeError):
            index_rebuild()
        assert sorted(store.index_root().glob("gen-*")) == [live]
        assert not (store.index_root() / store.REBUILDING).exists()
        assert Article.objects.count() == 6
