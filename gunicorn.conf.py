"""gunicorn for production (``make serve``): threads in a few processes.

Why gthread with few workers and a few threads: a process reads each index
segment's postings once for all its threads (kb.search.ranking bounds that
cache to about 110 MB), each thread that searches keeps its own Whoosh
searcher with the scores of its recent terms (30 MB at most), and
requests mostly wait on the database, so threads give concurrency without a
searcher per request, and processes use both cores. Memory is about workers
x (80 MB of Django and jieba + 110 MB of postings + threads x 30 MB):
2 workers x 4 threads stay under 700 MB. Raise KB_WEB_THREADS before
KB_WEB_WORKERS on a small machine. On the PostgreSQL search backend
(KB_SEARCH_BACKEND=postgres) a process keeps only document counts and typo
vocabularies per index generation; the postings stay in the database, whose
shared buffers should hold them (the search tables' size is in
``make bench``).
"""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("KB_WEB_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("KB_WEB_THREADS", "4"))
# A request longer than this is a bug or an attack (diagnose reads 10 MB at most).
timeout = 60
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then: long-lived processes grow (jieba, caches).
# Rarely, though: a new worker starts with cold search caches, and while it
# boots (2 s with its dictionaries) one worker fewer serves. A worker serves
# about 125 requests/s at full load here (``make bench``), so this is one
# recycle in 13 to 16 minutes, and the jitter makes it unlikely that two
# workers of a node recycle within the same seconds.
max_requests = 100_000
max_requests_jitter = 20_000
accesslog = "-"
access_log_format = 'method=%(m)s path="%(U)s" status=%(s)s ms=%(M)s bytes=%(B)s'
errorlog = "-"
loglevel = os.environ.get("KB_LOG_LEVEL", "info").lower()
# No control socket (gunicorn 25.1 and later): its default path is per user,
# so the nodes of one machine (make cluster) would share one, and the
# process manager's signals (HUP, TERM, TTIN/TTOU) already do its work.
control_socket_disable = True
# Trust X-Forwarded-* only from the proxies the site trusts (KB_TRUSTED_PROXIES).
forwarded_allow_ips = os.environ.get("KB_TRUSTED_PROXIES", "127.0.0.1") or "127.0.0.1"


def on_starting(server):
    """Say so when the rate limits cannot be shared: without KB_CACHE_URL the
    cache is each process's memory, and every worker counts a client apart."""
    if server.cfg.workers > 1 and not os.environ.get("KB_CACHE_URL"):
        server.log.warning(
            "cache_per_process workers=%d: each worker counts the rate limits apart, so a "
            "client may send up to %d times its limit; set KB_CACHE_URL=redis://... to "
            "share them", server.cfg.workers, server.cfg.workers)


def post_worker_init(worker):
    """Before a worker takes its first request, load the dictionaries every
    search reads (kb.search.services.search_process_prepare): the worker
    pays for them at boot, not its first customer with a Chinese question.

    The objects they add (jieba's, and some 200,000 of pypinyin's) are not
    frozen out of the collector (``gc.freeze``): measured under
    ``bench/bench_load.py``, freezing halved the longest pause but made the
    full collections frequent enough to raise the p95 and the p99."""
    import time

    from kb.search.services import search_process_prepare

    started = time.perf_counter()
    try:
        search_process_prepare()
    except Exception:
        # Serve anyway: a search that needs them loads them again, and one
        # that fails answers from the database (kb.search.services).
        worker.log.exception("web_worker_prepare_failed pid=%s", worker.pid)
        return
    worker.log.info("web_worker_prepared pid=%s seconds=%.2f", worker.pid,
                    time.perf_counter() - started)
