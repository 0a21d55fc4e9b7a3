"""The index heals itself: find damage, record it, rebuild once.

Damage shows in three places: a search that fails while reading the index
(the web process queues a check, at most once a minute, and answers from the
database meanwhile), the check at worker start, and a rebuild that was killed
midway. Each found problem is an :class:`IndexRepair` row (the admin lists
them) and a log line, and is rebuilt by the one task on the ``index`` queue.
An index built under another release's text analysis is not damaged (it
answers, missing some words) and is rebuilt the same way at worker start.
"""

import logging

from django.core.cache import cache
from django.utils import timezone

from kb.search import store
from kb.search.backends import search_backend
from kb.search.indexing import index_analysis_outdated, index_rebuild
from kb.search.models import IndexRepair

log = logging.getLogger(__name__)

CHECK_LOCK = "kb:search:index-check-queued"
CHECK_INTERVAL_S = 60


def index_repair(*, source: str, reason: str = "") -> IndexRepair | None:
    """Rebuild the index when it is damaged or missing, or was built with
    another version's text analysis (or ``reason`` says why it must be
    rebuilt anyway); record it. None when the index is healthy and current."""
    event = "index_damaged"
    if not reason:
        healthy, reason = search_backend().health()
        if healthy:
            reason = index_analysis_outdated()
            if not reason:
                log.info("index_check source=%s result=ok", source)
                return None
            event = "index_outdated"
    repair = IndexRepair.objects.create(source=source, reason=reason[:500])
    log.warning("%s source=%s reason=%r repair=%s: rebuilding", event, source, reason,
                repair.pk)
    repair.articles = index_rebuild()
    repair.repaired_at = timezone.now()
    repair.save(update_fields=["articles", "repaired_at"])
    log.info("index_repaired repair=%s articles=%d", repair.pk, repair.articles)
    return repair


def index_check_queue(*, source: str) -> bool:
    """Queue one check of the index (at most one a minute per cache). True if queued."""
    from kb.search.tasks import index_check_task

    try:
        if not cache.add(CHECK_LOCK, True, timeout=CHECK_INTERVAL_S):
            return False
        index_check_task.delay(source=source)
    except Exception:
        # The shared cache or the broker is down: the search still answers
        # from the database, and a later one (or a worker's start) queues it.
        log.warning("index_check_unqueued source=%s", source, exc_info=True)
        return False
    return True


def index_recover_at_start() -> None:
    """At worker start: clear a rebuild killed midway and queue it again, or
    queue the usual check."""
    from kb.search.tasks import index_check_task

    if store.recover_interrupted_rebuild():
        log.warning("index_rebuild_interrupted: queueing it again")
        index_check_task.delay(source=IndexRepair.Source.INTERRUPTED,
                               reason="a rebuild was interrupted before it finished")
    else:
        index_check_task.delay(source=IndexRepair.Source.WORKER_START)
