"""Grouping tickets closed without an article (pure Python).

Each ticket is a bag of terms (the search analyzer's words, English stemmed
and Chinese segmented, plus its problem codes, which weigh more). Two
tickets are similar when the cosine of their TF-IDF vectors passes
``SIMILARITY``; sharing no problem code when both have some halves it.

Assignment is incremental: a new ticket is compared only with the tickets
that share one of its rarer terms (an inverted index), never all pairs.
It joins the gap of a similar ticket (the candidates sharing most terms
are tried first); with no gap around, it and the
similar unmatched tickets become a new gap once there are ``GAP_MIN_TICKETS``.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

# Whoosh's Porter, not the search's Porter2: every ticket's terms are
# stored (TicketLearning.terms and the inverted index), and new tickets are
# compared with old ones, so its terms stay as they were written.
from whoosh.lang.porter import stem

from kb.search.analysis import (
    _RUNS,
    CHINESE_STOP_WORDS,
    ENGLISH_STOP_WORDS,
    segment_cjk,
    term_text,
)

SIMILARITY = 0.45
GAP_MIN_TICKETS = 3
MAX_TERMS = 16
CODE_WEIGHT = 3
CODE_PREFIX = "§"
# Candidates come from the ticket's rarest terms only: common words have the
# longest posting lists and tell the least.
LOOKUP_TERMS = 6
MAX_CANDIDATES = 40
POSTINGS_SCANNED = 32
DF_CAP = 300
MAX_NEW_GAP_TICKETS = 10
MIN_CORPUS = 200


_STOP_WORDS = ENGLISH_STOP_WORDS | CHINESE_STOP_WORDS


@lru_cache(maxsize=200_000)
def _term(word: str) -> str:
    """One word as the analyzer indexes it; "" for a word it drops."""
    word = term_text(word)
    if word.endswith("'s"):
        word = word[:-2]
    if word in _STOP_WORDS or len(word) < 2 or word.isdigit():
        return ""
    return stem(word) if word.isascii() else word


def terms_of(text: str) -> list[str]:
    """The search analyzer's words (same runs, jieba segments with the domain
    dictionary, stop words), stemmed with Porter (see the import), without
    Whoosh's token pipeline: a replay analyzes tens of thousands of tickets."""
    terms = []
    for match in _RUNS.finditer(text):
        run = match.group("cjk")
        for word in (segment_cjk(run) if run else (match.group("word"),)):
            term = _term(word)
            if term:
                terms.append(term)
    return terms


def ticket_terms(text: str, problem_codes: Iterable[str] = ()) -> dict[str, int]:
    """Term frequencies of a ticket (the most frequent ``MAX_TERMS`` terms)."""
    counts = Counter(terms_of(text))
    terms = dict(counts.most_common(MAX_TERMS))
    for code in problem_codes:
        terms[CODE_PREFIX + code] = CODE_WEIGHT
    return terms


def _codes(terms: dict[str, int]) -> set[str]:
    return {t for t in terms if t.startswith(CODE_PREFIX)}


@dataclass
class Assignment:
    """Where a ticket went: an existing group, a new group, or nowhere yet."""

    join: object | None = None
    new_group: list = field(default_factory=list)


class Clusterer:
    """The tickets known so far, their groups, and document frequencies.

    ``df`` and ``total`` may come from outside (the database's inverted
    index) when only candidates are loaded; otherwise they are counted here.
    Each ticket's vector is weighted once, when it is added.
    """

    def __init__(self, *, df: dict[str, int] | None = None, total: int = 0):
        self.vectors: dict[object, tuple[dict[str, float], float, frozenset]] = {}
        self.group: dict[object, object] = {}
        self.postings: dict[str, list] = defaultdict(list)
        self.df: Counter = Counter(df or {})
        self.total = total
        self._external_df = df is not None
        # Groups that gained members (their size and centroid are refreshed later).
        self.touched_groups: set = set()

    @property
    def items(self) -> dict:
        return self.vectors

    def add(self, key, terms: dict[str, int], group=None) -> None:
        if not self._external_df:
            self.df.update(terms.keys())
            self.total += 1
        self.vectors[key] = self._vector(terms)
        if group is not None:
            self.group[key] = group
        for term in terms:
            self.postings[term].append(key)

    def idf(self, term: str) -> float:
        # A young site has few tickets: there, every shared word looks common
        # and the first gaps would never form. Count at least MIN_CORPUS.
        total = max(self.total, MIN_CORPUS)
        return math.log((total + 1) / (self.df.get(term, 0) + 1)) + 1.0

    def _vector(self, terms: dict[str, int]) -> tuple[dict[str, float], float, frozenset]:
        vector = {t: (1 + math.log(n)) * self.idf(t) for t, n in terms.items()}
        norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
        return vector, norm, frozenset(_codes(terms))

    def _similarity(self, a, b) -> float:
        (va, na, ca), (vb, nb, cb) = a, b
        if len(va) > len(vb):
            va, vb = vb, va
        score = sum(w * vb[t] for t, w in va.items() if t in vb) / (na * nb)
        if ca and cb and not ca & cb:
            score *= 0.5
        return score

    def similarity(self, a: dict[str, int], b: dict[str, int]) -> float:
        return self._similarity(self._vector(a), self._vector(b))

    def lookup_terms(self, terms: dict[str, int]) -> list[str]:
        """The ticket's rarest terms that other tickets have: where its
        similar tickets are found (a term nobody else used finds nobody)."""
        known = [t for t in terms if self.df.get(t, 0) > 0]
        return sorted(known, key=lambda t: (self.df[t], t))[:LOOKUP_TERMS]

    def candidates(self, terms: dict[str, int]) -> list:
        shared: Counter = Counter()
        for term in self.lookup_terms(terms):
            # The latest tickets of a term are enough: a group already formed
            # is reached through any of its recent members.
            shared.update(self.postings.get(term, ())[-POSTINGS_SCANNED:])
        return [key for key, _ in shared.most_common(MAX_CANDIDATES)]

    def assign(self, key, terms: dict[str, int]) -> Assignment:
        """Place a new ticket (and remember it)."""
        mine = self._vector(terms)
        assignment = Assignment()
        loose = []
        for other in self.candidates(terms):
            if other == key:
                continue
            if self._similarity(mine, self.vectors[other]) < SIMILARITY:
                continue
            if other in self.group:
                assignment.join = self.group[other]
                break
            loose.append(other)
        if assignment.join is None and len(loose) + 1 >= GAP_MIN_TICKETS:
            assignment.new_group = [key, *loose[: MAX_NEW_GAP_TICKETS - 1]]
        self.add(key, terms, group=assignment.join)
        return assignment

    def set_group(self, keys: Iterable, group) -> None:
        for key in keys:
            self.group[key] = group
