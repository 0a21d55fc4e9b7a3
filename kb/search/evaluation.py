"""Relevance measured: hit@1, hit@3 and MRR over an evaluation set of queries.

Each query names the problem codes whose fix must come up. The search is
compared with a naive baseline measured in the same run: the
case-insensitive substring match on title and body that simple help desks do.
"""

import re
import tomllib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import Case, IntegerField, Q, Value, When

from kb.articles.models import Article
from kb.core.choices import Language
from kb.search.analysis import analyze
from kb.search.services import search_articles

DEPTH = 10


@dataclass
class EvalQuery:
    q: str
    lang: str
    kind: str
    expect: set[str]
    # Which batch of the set it was written in (1: launch), so that figures
    # can be compared batch by batch.
    round: int = 1


@dataclass
class Score:
    n: int = 0
    hit1: int = 0
    hit3: int = 0
    rr: float = 0.0
    misses: list[tuple[str, list[str]]] = field(default_factory=list)

    def add(self, rank: int | None) -> None:
        self.n += 1
        if rank is not None:
            self.hit1 += rank == 1
            self.hit3 += rank <= 3
            self.rr += 1.0 / rank

    def row(self) -> dict[str, float]:
        n = max(self.n, 1)
        return {"n": self.n, "hit@1": self.hit1 / n, "hit@3": self.hit3 / n, "mrr": self.rr / n}


def load_queries(path: Path) -> list[EvalQuery]:
    with path.open("rb") as handle:
        rows = tomllib.load(handle)["query"]
    # Queries the knowledge base does not cover have no kind nor codes.
    return [EvalQuery(q=r["q"], lang=r["lang"], kind=r.get("kind", ""),
                      expect=set(r.get("expect", [])), round=r.get("round", 1))
            for r in rows]


# The words a resolution, frame rate or bitrate is read as (kb.search.analysis).
_QUANTITY_TERMS = re.compile(r"\d+p|\dk|fps|kbps")


def has_quantity(query: EvalQuery) -> bool:
    """A question with numbers: a resolution, frame rate or bitrate in it."""
    return any(_QUANTITY_TERMS.fullmatch(term) for term in analyze(query.q))


def reader_language(query: EvalQuery) -> str:
    return Language.EN if query.lang == "en" else Language.ZH_HANS


def first_hit_rank(ranked_problem_lists: list[list[str]], expect: set[str]) -> int | None:
    for rank, problems in enumerate(ranked_problem_lists[:DEPTH], start=1):
        if expect & set(problems):
            return rank
    return None


def rank_with_search(query: EvalQuery) -> list[list[str]]:
    results = search_articles(text=query.q, language=reader_language(query), limit=DEPTH,
                              record=False)
    return [hit.problems for hit in results.hits]


def rank_with_substring(query: EvalQuery) -> list[list[str]]:
    """The baseline: articles whose title or body contain the query text."""
    text = query.q.strip()
    qs = (
        Article.objects.filter(status=Article.Status.PUBLISHED)
        .filter(Q(title__icontains=text) | Q(body__icontains=text))
        .annotate(rank=Case(
            When(title__icontains=text, then=Value(0)), default=Value(1),
            output_field=IntegerField(),
        ))
        .order_by("rank", "-language" if reader_language(query) == "zh-hans" else "language",
                  "title")
        .prefetch_related("problems")
    )
    return [[p.code for p in a.problems.all()] for a in qs[:DEPTH]]


def evaluate(queries: list[EvalQuery], ranker: Callable[[EvalQuery], list[list[str]]]
             ) -> dict[str, Score]:
    scores: dict[str, Score] = defaultdict(Score)
    for query in queries:
        ranked = ranker(query)
        rank = first_hit_rank(ranked, query.expect)
        keys = ["all", f"lang:{query.lang}", f"kind:{query.kind}", f"round:{query.round}",
                f"round:{query.round}:{query.lang}"]
        if has_quantity(query):
            keys.append("numbers")
        for key in keys:
            scores[key].add(rank)
        if rank is None or rank > 3:
            scores["all"].misses.append((query.q, sorted(query.expect)))
    return dict(scores)


def weak_shares(queries: list[EvalQuery]) -> dict[str, float]:
    """The share of searches shown as weak matches (kb.search.confidence),
    of those among searches whose first result is a right fix, and of
    searches taken for account questions and for questions about a feature
    (kb.search.topics)."""
    weak = right = weak_right = account = feature = 0
    for query in queries:
        results = search_articles(text=query.q, language=reader_language(query), limit=DEPTH,
                                  record=False)
        first = first_hit_rank([hit.problems for hit in results.hits[:1]], query.expect)
        weak += results.weak
        right += first == 1
        weak_right += results.weak and first == 1
        account += results.account_question
        feature += results.feature_question
    n = max(len(queries), 1)
    return {"weak": weak / n, "weak_when_right": weak_right / max(right, 1),
            "account": account / n, "feature": feature / n}
