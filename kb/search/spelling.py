"""Typo suggestions from the index's vocabulary, without Whoosh's automata.

Whoosh's corrector builds a Levenshtein automaton (pure Python, per word)
on a single-segment index, and computes a Damerau distance against every
word that shares the prefix on a multi-segment one: 10 to 20 ms per typo on
5,000 articles. Here the vocabulary is grouped once per searcher by prefix
and length, and the distance is computed with a bit-parallel algorithm
(Myers/Hyyrö), a few microseconds per candidate.

The suggestions are those of Whoosh's corrector on a single-segment index
(the one relevance is measured on): words sharing the first ``prefix``
characters whose Levenshtein distance is at most ``maxdist``, the most
frequent first, then alphabetical. Now the same on any number of segments.
"""

from __future__ import annotations

import heapq
import threading
from collections import defaultdict

from kb.search.ranking import searcher_cache


def levenshtein(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions)."""
    return _Pattern(a).distance(b)


class _Pattern:
    """A word prepared for bit-parallel distance computations against many."""

    def __init__(self, word: str):
        self.length = len(word)
        self.mask = (1 << self.length) - 1
        self.high = 1 << (self.length - 1) if word else 0
        peq: dict[str, int] = defaultdict(int)
        for i, ch in enumerate(word):
            peq[ch] |= 1 << i
        self.peq = dict(peq)

    def distance(self, other: str) -> int:
        if not self.length:
            return len(other)
        peq, mask, high = self.peq, self.mask, self.high
        pv, mv, score = mask, 0, self.length
        for ch in other:
            eq = peq.get(ch, 0)
            xv = eq | mv
            xh = (((eq & pv) + pv) ^ pv) | eq
            ph = mv | (~(xh | pv) & mask)
            mh = pv & xh
            if ph & high:
                score += 1
            elif mh & high:
                score -= 1
            ph = ((ph << 1) | 1) & mask
            mh = (mh << 1) & mask
            pv = mh | (~(xv | ph) & mask)
            mv = ph & xv
        return score


class VocabularyCorrector:
    """Suggestions for a word from the terms of one field of an index."""

    def __init__(self, reader, fieldname: str):
        self.reader = reader
        self.fieldname = fieldname
        self._by_prefix: dict[tuple[int, str], dict[int, list[str]]] = {}
        self._lock = threading.Lock()

    def _words(self, prefix_length: int, prefix: str) -> dict[int, list[str]]:
        key = (prefix_length, prefix)
        with self._lock:
            found = self._by_prefix.get(key)
            if found is None:
                found = defaultdict(list)
                for word in self.reader.expand_prefix(self.fieldname, prefix):
                    if isinstance(word, bytes):
                        word = word.decode("utf-8")
                    found[len(word)].append(word)
                found = dict(found)
                self._by_prefix[key] = found
            return found

    def suggest(self, text: str, limit: int = 5, maxdist: int = 2, prefix: int = 0
                ) -> list[str]:
        if len(text) < prefix:
            return []
        by_length = self._words(prefix, text[:prefix])
        pattern = _Pattern(text[prefix:])
        found = []
        for length in range(len(text) - maxdist, len(text) + maxdist + 1):
            for word in by_length.get(length, ()):
                if pattern.distance(word[prefix:]) <= maxdist:
                    found.append(word)
        # Whoosh's ReaderCorrector ranking, step for step: the most frequent
        # first; of equally frequent ones, the alphabetically last are kept,
        # then listed in alphabetical order.
        frequency = self.reader.frequency
        scored = [(0 - (maxdist + (1.0 / (frequency(self.fieldname, w) or 1) * 0.5)), w)
                  for w in found]
        best = heapq.nlargest(limit, scored)
        return [w for _, w in sorted(best, key=lambda item: (0 - item[0], item[1]))]


def corrector_for(searcher, fieldname: str = "vocab") -> VocabularyCorrector:
    """The corrector of a searcher's index (its vocabulary is read once)."""
    extras = searcher_cache(searcher).extras
    key = ("corrector", fieldname)
    corrector = extras.get(key)
    if corrector is None:
        corrector = extras.setdefault(key, VocabularyCorrector(searcher.reader(), fieldname))
    return corrector
