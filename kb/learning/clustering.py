"""Grouping tickets closed without an article (pure Python).

Each ticket is a bag of terms (the search analyzer's words, English stemmed
and Chinese segmented, plus its problem codes, which weigh more). Two
tickets are similar when the cosine of their TF-IDF vectors passes
``SIMILARITY``; sharing no problem code when both have some halves it.

Assignment is incremental: a new ticket is compared only with the tickets
that share one of its rarer terms (an inverted index), never all pairs.
It joins the gap of its most similar ticket; with no gap around, it and the
similar unmatched tickets become a new gap once there are ``GAP_MIN_TICKETS``.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from kb.search.analysis import analyze

SIMILARITY = 0.3
GAP_MIN_TICKETS = 3
MAX_TERMS = 40
CODE_WEIGHT = 3
CODE_PREFIX = "§"
# Candidates come from the ticket's rarest terms only: common words have the
# longest posting lists and tell the least.
LOOKUP_TERMS = 8
MAX_CANDIDATES = 200
MAX_NEW_GAP_TICKETS = 10
MIN_CORPUS = 200


def ticket_terms(text: str, problem_codes: Iterable[str] = ()) -> dict[str, int]:
    """Term frequencies of a ticket (the most frequent ``MAX_TERMS`` terms)."""
    counts = Counter(term for term in analyze(text) if len(term) > 1 and not term.isdigit())
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
    """

    def __init__(self, *, df: dict[str, int] | None = None, total: int = 0):
        self.items: dict[object, dict[str, int]] = {}
        self.group: dict[object, object] = {}
        self.postings: dict[str, set] = defaultdict(set)
        self.df: Counter = Counter(df or {})
        self.total = total
        self._external_df = df is not None

    def add(self, key, terms: dict[str, int], group=None) -> None:
        self.items[key] = terms
        if group is not None:
            self.group[key] = group
        for term in terms:
            self.postings[term].add(key)
        if not self._external_df:
            self.df.update(terms.keys())
            self.total += 1

    def idf(self, term: str) -> float:
        # A young site has few tickets: there, every shared word looks common
        # and the first gaps would never form. Count at least MIN_CORPUS.
        total = max(self.total, MIN_CORPUS)
        return math.log((total + 1) / (self.df.get(term, 0) + 1)) + 1.0

    def _vector(self, terms: dict[str, int]) -> tuple[dict[str, float], float]:
        vector = {t: (1 + math.log(n)) * self.idf(t) for t, n in terms.items()}
        return vector, math.sqrt(sum(w * w for w in vector.values())) or 1.0

    def similarity(self, a: dict[str, int], b: dict[str, int]) -> float:
        va, na = self._vector(a)
        vb, nb = self._vector(b)
        if len(va) > len(vb):
            va, vb = vb, va
        dot = sum(w * vb[t] for t, w in va.items() if t in vb)
        score = dot / (na * nb)
        codes_a, codes_b = _codes(a), _codes(b)
        if codes_a and codes_b and not codes_a & codes_b:
            score *= 0.5
        return score

    def lookup_terms(self, terms: dict[str, int]) -> list[str]:
        """The ticket's rarest terms that other tickets have: where its
        similar tickets are found (a term nobody else used finds nobody)."""
        known = [t for t in terms if self.df.get(t, 0) > 0]
        return sorted(known, key=lambda t: (self.df[t], t))[:LOOKUP_TERMS]

    def candidates(self, terms: dict[str, int]) -> list:
        shared: Counter = Counter()
        for term in self.lookup_terms(terms):
            shared.update(self.postings.get(term, ()))
        return [key for key, _ in shared.most_common(MAX_CANDIDATES)]

    def assign(self, key, terms: dict[str, int]) -> Assignment:
        """Place a new ticket (and remember it)."""
        scored = []
        for other in self.candidates(terms):
            if other == key:
                continue
            score = self.similarity(terms, self.items[other])
            if score >= SIMILARITY:
                scored.append((score, other))
        scored.sort(key=lambda item: (-item[0], str(item[1])))
        assignment = Assignment()
        grouped = [other for _, other in scored if other in self.group]
        if grouped:
            assignment.join = self.group[grouped[0]]
        else:
            loose = [other for _, other in scored if other not in self.group]
            if len(loose) + 1 >= GAP_MIN_TICKETS:
                assignment.new_group = [key, *loose[: MAX_NEW_GAP_TICKETS - 1]]
        self.add(key, terms, group=assignment.join)
        return assignment

    def set_group(self, keys: Iterable, group) -> None:
        for key in keys:
            self.group[key] = group
