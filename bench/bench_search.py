"""Benchmark search on synthetic bilingual knowledge bases of growing size.

Run: ``python bench/bench_search.py [--sizes 1000,5000,20000]`` from the
repository root (``make bench`` runs it). Each size gets its own SQLite
database and index in a temporary folder; nothing of the site's ``var/`` is
touched.

Articles are generated from the launch content's own vocabulary (English and
Chinese words drawn with Zipf frequencies, real error strings in the
symptoms, bodies of realistic length), half English, half Chinese, paired as
translations. The query mix is the relevance evaluation set (symptoms, error
strings, keywords, typos, questions; both languages and mixed).

Printed per size: index build time (one process and two), index size, warm
query latency p50/p95 of the bare search (the query built and ranked, no
snippets, database or HTTP) and of the whole ``GET /api/v1/search`` request
up to its response sent (bench/served.py),
and of the naive database baseline (case-insensitive substring match); the
API and the baseline also as a ratio of the bare search measured in the same
run. These run without the recent-results cache (each query of the mix comes
once per pass). A second table splits the mean time into stages, shows the
bare search without the per-generation term cache, and the API on a skewed
mix (Zipf draws from the evaluation queries) with the recent-results cache.
A third compares the bare search in the first pass of the mix after an
edit (a new searcher) with warm, with and without the per-segment cache.
At 5,000 articles: how long a single article update takes to become
searchable through a real Celery worker on the filesystem broker. Finally
hit@3 of search and of the baseline on the real launch content.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORK = Path(tempfile.mkdtemp(prefix="kb-bench-search-"))
os.environ["DATABASE_URL"] = f"sqlite:///{WORK / 'db.sqlite3'}"
os.environ["KB_INDEX_DIR"] = str(WORK / "index")
os.environ["KB_VAR_DIR"] = str(WORK / "var")
os.environ["KB_BROKER_URL"] = "filesystem://"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
os.environ["KB_LOG_LEVEL"] = "WARNING"
# Per second, not per minute: a throttle keeps each request of its period,
# and a minute of a benchmark is a history no real client has.
os.environ["KB_SEARCH_RATE"] = "1000000/second"
os.environ["KB_SEARCH_ADDRESS_RATE"] = "1000000/second"
os.environ["ALLOWED_HOSTS"] = "testserver"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from kb.articles.fixture_files import articles_load_fixtures  # noqa: E402
from kb.articles.models import Article  # noqa: E402
from kb.problems.services import problems_load_fixture  # noqa: E402
from kb.search import ranking, store  # noqa: E402
from kb.search import services as search_services  # noqa: E402
from kb.search.backends import search_backend  # noqa: E402
from kb.search.evaluation import (  # noqa: E402
    evaluate,
    load_queries,
    rank_with_search,
    rank_with_substring,
)
from kb.search.indexing import index_rebuild  # noqa: E402
from kb.search.messages import known_messages_for  # noqa: E402
from kb.search.query import prepare  # noqa: E402
from kb.search.services import candidate_window, search_articles  # noqa: E402
from kb.search.spelling import chinese_corrector_for, corrector_for  # noqa: E402
from kb.search.synonyms import synonym_table, synonyms_load_fixture  # noqa: E402
from kb.setup.services import runtime_folders_ensure  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from served import served_get, timed_call  # noqa: E402
from synthetic import generate  # noqa: E402

FIXTURES = ROOT / "fixtures"
QUERIES = load_queries(ROOT / "tests" / "search_eval" / "queries.toml")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f}"


def reset_database() -> None:
    Article.objects.all().delete()


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


# Measurements ------------------------------------------------------------------
def time_queries(fn, repeats: int = 1) -> list[float]:
    for query in QUERIES[:20]:  # warm caches (jieba, term dictionaries)
        timed_call(fn, query)
    return [timed_call(fn, query) for _ in range(repeats) for query in QUERIES]


STAGES: dict[str, list[float]] = {"query": [], "rank": []}


def bare_search(query) -> None:
    """The search itself: the query built (analysis, typo corrections,
    synonyms) and ranked; no snippets, database, HTTP or log."""
    from kb.search.query import build_query

    t0 = time.perf_counter()
    view = search_backend().view()
    view.prefetch(query.q)
    built = build_query(prepare(query.q), reader=view.reader(),
                        corrector=corrector_for(view), synonyms=synonym_table(),
                        chinese=chinese_corrector_for(view), messages=known_messages_for(view))
    t1 = time.perf_counter()
    if built.query is not None:
        view.rank(built.query, limit=candidate_window(0, 10), area=None, lang=None)
    STAGES["query"].append(t1 - t0)
    STAGES["rank"].append(time.perf_counter() - t1)


def service_search(query) -> None:
    """``search_articles`` without the log: the search, hits and snippets."""
    search_articles(text=query.q, language="en" if query.lang == "en" else "zh-hans",
                    record=False)


def api_request(query):
    """The whole API request, up to its body sent; returns the response to close."""
    lang = "en" if query.lang == "en" else "zh-hans"
    return served_get("/api/v1/search", {"q": query.q, "lang": lang})


def skewed_mix(n: int = 1000, seed: int = 11) -> list:
    """Queries drawn with Zipf weights, as a real search log is skewed: a
    few searches come often, most once."""
    rng = random.Random(seed)
    order = QUERIES[:]
    rng.shuffle(order)
    weights = [1.0 / (rank + 1) for rank in range(len(order))]
    return rng.choices(order, weights=weights, k=n)


def cold_caches() -> None:
    """Forget every per-generation cache (term postings, stored fields, typo
    vocabulary, recent results): a fresh searcher, as after an edit."""
    store._local.state = None


def after_edits(edits: int = 3) -> list[float]:
    """The bare search right after an edit: an article is edited and indexed
    (a commit: a new searcher, as every process sees after an edit), then
    the whole mix runs once on the new searcher; ``edits`` times."""
    from kb.search.indexing import index_article

    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True)[:edits])
    times = []
    for i, article_id in enumerate(ids):
        Article.objects.filter(pk=article_id).update(title=f"edited {i} times")
        index_article(article_id=article_id)
        for query in QUERIES:
            t0 = time.perf_counter()
            bare_search(query)
            times.append(time.perf_counter() - t0)
    return times


def warm_and_after_edits() -> tuple[list[float], list[float], list[float]]:
    """Warm bare search (the mix's second pass on one searcher), and right
    after edits with and without the per-segment cache."""
    cold_caches()
    ranking.segment_cache_clear()
    time_queries(bare_search)
    warm = time_queries(bare_search)
    edited = after_edits()
    ranking.SEGMENT_CACHE_POSTINGS, kept = 0, ranking.SEGMENT_CACHE_POSTINGS
    ranking.segment_cache_clear()
    time_queries(bare_search)
    edited_uncached = after_edits()
    ranking.SEGMENT_CACHE_POSTINGS = kept
    return warm, edited, edited_uncached


def db_baseline(query) -> None:
    rank_with_substring(query)


def update_visibility(samples: int = 5) -> list[float]:
    """Commit an edit, then poll search until a worker has indexed it."""
    from kb.articles import services

    env = {**os.environ, "KB_LOG_LEVEL": "WARNING"}
    worker = subprocess.Popen(
        [str(Path(sys.executable).with_name("celery")), "-A", "kb", "worker", "--pool=solo",
         "--without-gossip", "--without-mingle",
         "--loglevel=WARNING"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        from whoosh.query import Term

        time.sleep(4)  # worker start-up, not part of the measurement
        results = []
        article = Article.objects.filter(language="en").first()
        for i in range(samples + 1):
            word = f"zanzibar{i}x"
            article.refresh_from_db()
            t0 = time.perf_counter()
            services.article_update(article=article, editor=None,
                                    expected_version=article.version, title=f"{word} title")
            # Ask the index itself: the database fallback would find the
            # word at once and measure nothing.
            while not len(store.get_searcher().search(Term("head", word), limit=1)):
                if time.perf_counter() - t0 > 60:
                    raise RuntimeError("update not visible after 60 s")
                time.sleep(0.02)
            results.append(time.perf_counter() - t0)
        return results[1:]  # the first edit also warms the worker up
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,5000,20000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    runtime_folders_ensure()
    call_command("migrate", verbosity=0)
    problems_load_fixture(path=FIXTURES / "problems.json")
    synonyms_load_fixture(path=FIXTURES / "synonyms.toml")
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; "
          f"{len(QUERIES)} queries per pass; work folder {WORK}\n")

    header = (f"{'articles':>8} {'build 1p s':>10} {'build 2p s':>10} {'index MB':>9} "
              f"{'bare p50':>9} {'p95':>7} {'API p50':>8} {'p95':>7} {'API/bare':>9} "
              f"{'DB p50':>8} {'p95':>7} {'DB/bare':>8} {'DB/API':>7}")
    stage_header = (f"{'articles':>8} {'query':>7} {'rank':>7} {'hits':>7} {'HTTP+log':>9} "
                    f"{'bare p50':>9} {'p95':>7} {'cached API p50':>15} {'p95':>7} "
                    f"{'hits':>5}")
    rows, stage_rows, edit_rows = [], [], []
    visibility = None
    for size in sizes:
        reset_database()
        generate(size)
        build_1p = float("nan")
        if size <= 5000:  # one process at 20,000 takes long and adds little
            t0 = time.perf_counter()
            index_rebuild(procs=1)
            build_1p = time.perf_counter() - t0
        t0 = time.perf_counter()
        index_rebuild(procs=2)
        build_2p = time.perf_counter() - t0
        size_mb = folder_size(store.current_generation_dir()) / 1e6

        # Every query searched: no recent-results cache (each query of the
        # mix comes once per pass, so it would only answer the warm-up ones).
        search_services.RESULT_CACHE_SIZE = 0
        cold_caches()
        for stage in STAGES.values():
            stage.clear()
        bare = time_queries(bare_search)
        stage_query = statistics.mean(STAGES["query"])
        stage_rank = statistics.mean(STAGES["rank"])
        service = time_queries(service_search)
        api = time_queries(api_request)
        db = time_queries(db_baseline)
        # The same without the per-generation term cache: every term's
        # postings read and scored again (as right after an edit).
        ranking.TERM_CACHE_SIZE, term_cache = 0, ranking.TERM_CACHE_SIZE
        ranking.SEGMENT_CACHE_POSTINGS, segment_cache = 0, ranking.SEGMENT_CACHE_POSTINGS
        ranking.segment_cache_clear()
        cold_caches()
        bare_uncached = time_queries(bare_search)
        ranking.TERM_CACHE_SIZE = term_cache
        ranking.SEGMENT_CACHE_POSTINGS = segment_cache
        # What the recent-results cache adds on a skewed mix.
        search_services.RESULT_CACHE_SIZE = 1024
        cold_caches()
        mix = skewed_mix()
        cached_api = []
        for query in mix:
            cached_api.append(timed_call(api_request, query))
        repeats = 1 - len({(q.q, q.lang) for q in mix}) / len(mix)

        row = (f"{size:>8} {build_1p:>10.1f} {build_2p:>10.1f} {size_mb:>9.1f} "
               f"{ms(statistics.median(bare)):>9} {ms(percentile(bare, 95)):>7} "
               f"{ms(statistics.median(api)):>8} {ms(percentile(api, 95)):>7} "
               f"{percentile(api, 95) / percentile(bare, 95):>8.2f}x "
               f"{ms(statistics.median(db)):>8} {ms(percentile(db, 95)):>7} "
               f"{percentile(db, 95) / percentile(bare, 95):>7.1f}x "
               f"{percentile(db, 95) / percentile(api, 95):>6.1f}x")
        stage_row = (f"{size:>8} {ms(stage_query):>7} {ms(stage_rank):>7} "
                     f"{ms(statistics.mean(service) - statistics.mean(bare)):>7} "
                     f"{ms(statistics.mean(api) - statistics.mean(service)):>9} "
                     f"{ms(statistics.median(bare_uncached)):>9} "
                     f"{ms(percentile(bare_uncached, 95)):>7} "
                     f"{ms(statistics.median(cached_api)):>15} "
                     f"{ms(percentile(cached_api, 95)):>7} {repeats:>5.0%}")
        warm, edited, edited_uncached = warm_and_after_edits()
        edit_rows.append(
            f"{size:>8} {ms(statistics.median(warm)):>9} {ms(percentile(warm, 95)):>7} "
            f"{ms(statistics.median(edited)):>11} {ms(percentile(edited, 95)):>7} "
            f"{percentile(edited, 95) / percentile(warm, 95):>9.2f}x "
            f"{ms(statistics.median(edited_uncached)):>11} "
            f"{ms(percentile(edited_uncached, 95)):>7} "
            f"{percentile(edited_uncached, 95) / percentile(warm, 95):>9.2f}x")
        rows.append(row)
        stage_rows.append(stage_row)
        print(header if len(rows) == 1 else "", end="\n" if len(rows) == 1 else "")
        print(row, flush=True)
        if size == 5000:
            visibility = update_visibility()
    print("\nmean ms per stage (query: analysis, typos, synonyms; rank: scoring; hits: "
          "snippets, grouping; HTTP+log: request, serialization, search log); bare search "
          "without the term cache; API on a skewed mix of 1,000 draws with the "
          "recent-results cache (hits: share of repeated queries)")
    print(stage_header)
    for stage_row in stage_rows:
        print(stage_row)
    print("\nbare search in the first pass of the mix after an edit (an article edited "
          "and indexed, 3 times) against warm (the mix's second pass on one searcher); "
          "'kept': what an edit does not touch is kept across searchers (postings, "
          "lengths, stored fields per segment); 'fresh': every searcher starts empty")
    print(f"{'articles':>8} {'warm p50':>9} {'p95':>7} {'kept p50':>11} {'p95':>7} "
          f"{'kept/warm':>10} {'fresh p50':>11} {'p95':>7} {'fresh/warm':>10}")
    for edit_row in edit_rows:
        print(edit_row)
    if 5000 not in sizes:
        print("(update visibility is measured at 5,000 articles)")
    if visibility:
        print(f"\nupdate visible to search after commit (5,000 articles, filesystem broker, "
              f"real worker): p50 {ms(statistics.median(visibility)).strip()} ms, "
              f"max {ms(max(visibility)).strip()} ms over {len(visibility)} edits")

    # Relevance on the real launch content, search against the baseline.
    reset_database()
    articles_load_fixtures(root=FIXTURES / "articles")
    index_rebuild()
    search = evaluate(QUERIES, rank_with_search)["all"].row()
    base = evaluate(QUERIES, rank_with_substring)["all"].row()
    print(f"\nlaunch content ({Article.objects.count()} articles): hit@3 search "
          f"{search['hit@3']:.3f} vs substring baseline {base['hit@3']:.3f}; "
          f"MRR {search['mrr']:.3f} vs {base['mrr']:.3f}")
    connection.close()
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
