"""The two search backends side by side, on PostgreSQL, at growing sizes.

Run: ``python bench/bench_search_backends.py [--sizes 5000,20000]`` with
``KB_BENCH_DATABASE_URL`` naming a PostgreSQL server
(``postgres://kb:kb@127.0.0.1:5432/kb`` after ``tools/services.sh``;
``make bench`` runs it when that variable is set). The bench works in a
database of its own that it creates and drops, and a temporary folder for
the Whoosh index; nothing of the site is touched.

Per size, the same synthetic knowledge base (bench/synthetic.py) is indexed
by both backends, and for each:

- the rebuild (two processes analyze the text), and the index's size;
- the bare search (query built and ranked, no snippets, database or HTTP),
  the search service (``search_articles`` as the API calls it, without the
  log: the typo suggestion's ranking, translations grouped, snippets) and
  the whole ``GET /api/v1/search`` up to its response sent
  (bench/served.py), warm: two passes over the evaluation queries to warm
  up, then ``--rounds`` measured passes, the three taken in turn in each
  round; p50 / p95 over the measured passes pooled, each against the
  Whoosh bare search of the same run, and the lowest and highest API /
  bare p95 of one round (one pass's p95 moves by a third between rounds
  on this machine, so a single pass cannot tell 1.5x from 1.9x);
- the request's own cost: the same API requests answered from the
  recent-results cache (filled by the warm-up), p50 / p95;
- the first pass of the queries right after an edit (every process sees a
  new generation), p95, against its own warm bare search;
- edit to searchable: from the start of an article's update to the first
  search that finds its new title, p50 / max over 5 edits. Whoosh: the index
  task runs in process at the commit (a worker adds its pick-up time, which
  bench_search.py measures); PostgreSQL: nothing runs after the commit.

Then hit@3 and MRR of both on the evaluation set over the launch content.

The cache (rate limits, the boosts' version) is local memory, as in one
process; ``--cache-url redis://...`` (or ``KB_BENCH_CACHE_URL``) puts it on
Redis as several nodes share it (``KB_CACHE_URL``), under a key prefix of
the run's own, deleted at the end.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORK = Path(tempfile.mkdtemp(prefix="kb-bench-backends-"))
BENCH_DATABASE_URL = os.environ.get("KB_BENCH_DATABASE_URL", "")
if not BENCH_DATABASE_URL.startswith("postgres"):
    raise SystemExit("bench_search_backends needs KB_BENCH_DATABASE_URL=postgres://... "
                     "(tools/services.sh starts one)")
os.environ["DATABASE_URL"] = BENCH_DATABASE_URL
os.environ["KB_INDEX_DIR"] = str(WORK / "index")
os.environ["KB_VAR_DIR"] = str(WORK / "var")
os.environ["KB_BROKER_URL"] = "filesystem://"
os.environ["KB_TASKS_EAGER"] = "1"
os.environ["DEBUG"] = "0"
os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
os.environ["KB_WEBHOOK_SECRET"] = secrets.token_urlsafe(50)
os.environ["KB_SEARCH_RATE"] = "1000000/second"
os.environ["KB_SEARCH_ADDRESS_RATE"] = "1000000/second"
os.environ["ALLOWED_HOSTS"] = "testserver"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
os.environ["KB_LOG_LEVEL"] = "WARNING"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import override_settings  # noqa: E402

from kb.articles import services as article_services  # noqa: E402
from kb.articles.fixture_files import articles_load_fixtures  # noqa: E402
from kb.articles.models import Article  # noqa: E402
from kb.problems.services import problems_load_fixture  # noqa: E402
from kb.search import services as search_services  # noqa: E402
from kb.search import store  # noqa: E402
from kb.search.backends import search_backend  # noqa: E402
from kb.search.evaluation import evaluate, load_queries, rank_with_search  # noqa: E402
from kb.search.indexing import index_article, index_rebuild  # noqa: E402
from kb.search.messages import known_messages_for  # noqa: E402
from kb.search.query import build_query, prepare  # noqa: E402
from kb.search.receivers import index_updates_paused  # noqa: E402
from kb.search.services import candidate_window  # noqa: E402
from kb.search.spelling import chinese_corrector_for, corrector_for  # noqa: E402
from kb.search.synonyms import synonym_table, synonyms_load_fixture  # noqa: E402
from kb.setup.services import runtime_folders_ensure  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from served import served_get, timed_call  # noqa: E402
from synthetic import generate  # noqa: E402

FIXTURES = ROOT / "fixtures"
QUERIES = load_queries(ROOT / "tests" / "search_eval" / "queries.toml")
BACKENDS = ("whoosh", "postgres")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def bare_search(query) -> None:
    view = search_backend().view()
    view.prefetch(query.q)
    built = build_query(prepare(query.q), reader=view.reader(), corrector=corrector_for(view),
                        synonyms=synonym_table(), chinese=chinese_corrector_for(view),
                        messages=known_messages_for(view))
    if built.query is not None:
        view.rank(built.query, limit=candidate_window(0, 10), area=None, lang=None)


def service_search(query) -> None:
    """What the API asks of the search service, without its log row."""
    search_services.search_articles(text=query.q, language=query_language(query),
                                    record=False)


def query_language(query) -> str:
    return "en" if query.lang == "en" else "zh-hans"


def api_request(query):
    """The whole API request, up to its body sent; returns the response to close."""
    return served_get("/api/v1/search", {"q": query.q, "lang": query_language(query)})


def cached_api_request(query):
    """The API request with the search answered from the recent-results
    cache: what the request itself (middleware, DRF, JSON) costs."""
    search_services.RESULT_CACHE_SIZE = len(QUERIES)
    try:
        return api_request(query)
    finally:
        search_services.RESULT_CACHE_SIZE = 0


def timed_pass(fn) -> list[float]:
    return [timed_call(fn, query) for query in QUERIES]


def warm(*fns, rounds: int, warmups: int = 2) -> list[list[list[float]]]:
    """Per function of ``fns``, its passes over the queries in ``rounds``
    measured rounds after ``warmups`` unmeasured ones. The functions take
    their passes in turn in each round, so a slow spell of the machine or
    the database (autovacuum after a rebuild) falls on all of them."""
    for _ in range(warmups):
        for fn in fns:
            timed_pass(fn)
    measured = [[] for _ in fns]
    for _ in range(rounds):
        for passes, fn in zip(measured, fns, strict=True):
            passes.append(timed_pass(fn))
    return measured


def pooled(passes: list[list[float]]) -> list[float]:
    return [seconds for one_pass in passes for seconds in one_pass]


def after_edits(edits: int = 3) -> list[float]:
    """The first pass of the queries after each of ``edits`` edits."""
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True)[:edits])
    times = []
    for i, article_id in enumerate(ids):
        Article.objects.filter(pk=article_id).update(title=f"edited {i} times")
        index_article(article_id=article_id)
        times.extend(timed_pass(bare_search))
    return times


def edit_to_searchable(samples: int = 5) -> list[float]:
    """From an article update's start to the first search that finds it."""
    article = Article.objects.filter(language="en").order_by("pk").last()
    found = []
    for i in range(samples):
        word = f"zanzibar{i}q{secrets.randbelow(10**6)}"
        article.refresh_from_db()
        t0 = time.perf_counter()
        article_services.article_update(article=article, editor=None,
                                        expected_version=article.version,
                                        title=f"{word} title")
        while not search_services.search_articles(text=word, language="en",
                                                  record=False).hits:
            if time.perf_counter() - t0 > 60:
                raise RuntimeError("an edit was not searchable after 60 s")
        found.append(time.perf_counter() - t0)
    return found


def whoosh_size() -> float:
    folder = store.current_generation_dir()
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6


def postgres_size() -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sum(pg_total_relation_size(c)) FROM unnest(ARRAY["
                       "'search_searchdocument', 'search_searchposting', "
                       "'search_searchterm']::regclass[]) AS c")
        return float(cursor.fetchone()[0]) / 1e6


def measure(backend: str, size: int, rounds: int) -> dict:
    with override_settings(KB_SEARCH_BACKEND=backend):
        t0 = time.perf_counter()
        index_rebuild(procs=2)
        build = time.perf_counter() - t0
        index_mb = whoosh_size() if backend == "whoosh" else postgres_size()
        search_services.RESULT_CACHE_SIZE = 0  # every query searched
        bare, service, api, cached = warm(bare_search, service_search, api_request,
                                          cached_api_request, rounds=rounds)
        edited = after_edits()
        visible = edit_to_searchable()
    round_ratios = [percentile(a, 95) / percentile(b, 95) for a, b in zip(api, bare, strict=True)]
    print(f"  {backend}: built in {build:.0f} s, {index_mb:.0f} MB", flush=True)
    return {"build": build, "mb": index_mb, "bare": pooled(bare), "service": pooled(service),
            "api": pooled(api), "round_ratios": round_ratios, "cached": pooled(cached),
            "edited": edited, "visible": visible}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="5000,20000")
    parser.add_argument("--rounds", type=int, default=5,
                        help="measured passes of each kind, after two to warm up")
    parser.add_argument("--cache-url", default=os.environ.get("KB_BENCH_CACHE_URL", ""),
                        help="redis://... : the cache on Redis, as several nodes share it")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.cache_url and not args.cache_url.startswith("redis://"):
        parser.error("--cache-url must be a redis:// URL")
    if not args.cache_url:
        run(args)
        return
    prefix = f"bench-{secrets.token_hex(4)}"
    with override_settings(CACHES={"default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": args.cache_url, "KEY_PREFIX": prefix}}):
        try:
            run(args)
        finally:
            import redis

            shared = redis.Redis.from_url(args.cache_url)
            for key in shared.scan_iter(f"{prefix}:*"):
                shared.delete(key)


def run(args) -> None:
    sizes = [int(s) for s in args.sizes.split(",")]
    site_database = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        runtime_folders_ensure()
        problems_load_fixture(path=FIXTURES / "problems.json")
        synonyms_load_fixture(path=FIXTURES / "synonyms.toml")
        print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
              f"PostgreSQL {connection.pg_version // 10000}; {len(QUERIES)} queries per pass, "
              f"{args.rounds} measured passes of each kind; cache: "
              f"{'Redis' if args.cache_url else 'local memory'}",
              flush=True)
        rows = []
        for size in sizes:
            Article.objects.all().delete()
            with index_updates_paused():
                generate(size)
            print(f"{size:,} articles:", flush=True)
            results = {backend: measure(backend, size, args.rounds) for backend in BACKENDS}
            base = percentile(results["whoosh"]["bare"], 95)
            for backend in BACKENDS:
                r = results[backend]
                bare95, api95 = percentile(r["bare"], 95), percentile(r["api"], 95)
                service95 = percentile(r["service"], 95)
                edited95 = percentile(r["edited"], 95)
                rows.append(
                    f"{size:>8,} {backend:>8} {r['build']:>7.0f} {r['mb']:>7.0f} "
                    f"{ms(statistics.median(r['bare'])):>8} {ms(bare95):>7} "
                    f"{bare95 / base:>6.2f}x "
                    f"{ms(statistics.median(r['service'])):>8} {ms(service95):>7} "
                    f"{service95 / bare95:>6.2f}x "
                    f"{ms(statistics.median(r['api'])):>8} {ms(api95):>7} "
                    f"{api95 / base:>6.2f}x {api95 / bare95:>8.2f}x "
                    f"{min(r['round_ratios']):>5.2f}-{max(r['round_ratios']):.2f}x "
                    f"{ms(statistics.median(r['cached'])):>7} "
                    f"{ms(percentile(r['cached'], 95)):>6} "
                    f"{ms(edited95):>8} {edited95 / bare95:>8.2f}x "
                    f"{ms(statistics.median(r['visible'])):>9} {ms(max(r['visible'])):>7}")
        print("\nms; 'xW': against the Whoosh bare search p95 of the same size and run; "
              "'xB', 'API/bare' and 'edit/warm' against the backend's own warm bare search; "
              "'one pass': the lowest and highest API/bare of one measured round; "
              "'cached': the API answering from the recent-results cache")
        print(f"{'articles':>8} {'backend':>8} {'build s':>7} {'MB':>7} {'bare p50':>8} "
              f"{'p95':>7} {'xW':>7} {'svc p50':>8} {'p95':>7} {'xB':>7} "
              f"{'API p50':>8} {'p95':>7} {'xW':>7} {'API/bare':>9} {'one pass':>11} "
              f"{'cached':>7} {'p95':>6} "
              f"{'edit p95':>8} {'edit/warm':>9} {'visible p50':>11} {'max':>7}")
        for row in rows:
            print(row)

        Article.objects.all().delete()
        articles_load_fixtures(root=FIXTURES / "articles")
        print(f"\nlaunch content ({Article.objects.count()} articles), "
              f"{len(QUERIES)} evaluation queries:")
        for backend in BACKENDS:
            with override_settings(KB_SEARCH_BACKEND=backend):
                index_rebuild()
                search_services.RESULT_CACHE_SIZE = 0
                found = evaluate(QUERIES, rank_with_search)["all"].row()
            print(f"  {backend:>8}: hit@3 {found['hit@3']:.3f}, MRR {found['mrr']:.3f}")
    finally:
        connection.creation.destroy_test_db(site_database, verbosity=0)
        shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
