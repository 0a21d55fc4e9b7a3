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
import math
import threading
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

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


def _extras(source) -> dict:
    """What is kept per index generation: a backend's view has its own; a
    Whoosh searcher's is in kb.search.ranking."""
    found = getattr(source, "extras", None)
    return found if found is not None else searcher_cache(source).extras


def corrector_for(source, fieldname: str = "vocab") -> VocabularyCorrector:
    """The corrector of an index generation, a backend's view or a Whoosh
    searcher (its vocabulary is read once)."""
    extras = _extras(source)
    key = ("corrector", fieldname)
    corrector = extras.get(key)
    if corrector is None:
        corrector = extras.setdefault(key, VocabularyCorrector(source.reader(), fieldname))
    return corrector


# Chinese -------------------------------------------------------------------------
# A Chinese typo is not a misspelled word: the pinyin input method offers the
# right sound with the wrong character (推留 for 推流, 丢保 for 丢包, 音话 for
# 音画), and the segmenter then cuts the run into other words (关键真间隔 ->
# 关键 / 真 / 间隔), each of them a real word. So a correction is a run of the
# query with one character replaced by one that sounds the same (or nearly:
# z/zh, c/ch, s/sh, n/l, an/ang, en/eng, in/ing), forming a word the articles
# use, and it is made only when the corrected run is more likely than the run
# as typed: the likelihood of a run is that of its best segmentation under the
# segmenter's word frequencies, the articles' words counted by how many
# articles use them, times the likelihood of the slip (a homophone is a
# common slip, a near-homophone a rarer one). A run that segments into
# ordinary words, such as 今晚 or 多少路流, is more likely as typed than any
# "correction" to 今天 or 路径, and is left alone.

MAX_CJK_WORD = 8
# Longer runs (a pasted Chinese log) are not searched for typos beyond this.
MAX_CJK_RUN = 60
# The slip: how often a customer types this character for that one.
HOMOPHONE_SLIP = math.log(1e-3)
NEAR_HOMOPHONE_SLIP = math.log(1e-4)
# A word the articles use counts as this many occurrences per article using it
# (jieba's dictionary gives common words tens of thousands).
DOMAIN_WORD_FREQUENCY = 3000
# A word the segmenter knows this well is what the customer meant.
KNOWN_WORD_FREQUENCY = 50
# Sentence-final particles: 能推流吗 is a question, not a typo for 推流码; inside
# a run (推流吗错误) one is an unlikely word, which the word model alone,
# blind to word order, does not see.
_FINAL_PARTICLES = frozenset("吗呢吧啊呀嘛哦哈了么")
PARTICLE_INSIDE = math.log(10)
_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("n", "l"))
_FUZZY_FINALS = (("iang", "ian"), ("uang", "uan"), ("ang", "an"), ("eng", "en"),
                 ("ing", "in"))


def _is_cjk(text: str) -> bool:
    return all("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


@lru_cache(maxsize=20000)
def _readings(ch: str) -> frozenset[str]:
    """The toneless pinyin readings of a character (several for 率, 行, 长)."""
    from pypinyin import Style, pinyin

    found = pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore")
    return frozenset(r for r in (found[0] if found else []) if r.isascii() and r.isalpha())


def readings_load() -> None:
    """Load pypinyin's dictionaries now rather than at the first Chinese
    typo a customer makes (about 0.25 s and 200,000 objects)."""
    _readings("行")


@lru_cache(maxsize=4096)
def _fuzzy(syllable: str) -> str:
    for full, short in _FUZZY_INITIALS:
        if syllable.startswith(full):
            syllable = short + syllable[len(full):]
            break
    for full, short in _FUZZY_FINALS:
        if syllable.endswith(full):
            return syllable[: -len(full)] + short
    return syllable


def slip_likelihood(typed: str, meant: str) -> float | None:
    """The log-likelihood that ``typed`` was typed for ``meant``; None when
    they do not sound alike (not a slip an input method makes)."""
    typed_readings, meant_readings = _readings(typed), _readings(meant)
    if not typed_readings or not meant_readings:
        return None
    if typed_readings & meant_readings:
        return HOMOPHONE_SLIP
    if {_fuzzy(r) for r in typed_readings} & {_fuzzy(r) for r in meant_readings}:
        return NEAR_HOMOPHONE_SLIP
    return None


@dataclass(frozen=True)
class ChineseCorrection:
    start: int
    typed: str
    corrected: str
    gain: float  # log-likelihood of the corrected run over the typed one


class ChineseCorrector:
    """Corrections for runs of Chinese from the words of one index field."""

    def __init__(self, reader, fieldname: str = "vocab"):
        from kb.search.analysis import jieba_dictionary

        self.frequencies, total = jieba_dictionary()
        self.log_total = math.log(total)
        self.domain: dict[str, int] = {}
        for word in reader.lexicon(fieldname):
            if isinstance(word, bytes):
                word = word.decode("utf-8")
            if 2 <= len(word) <= MAX_CJK_WORD and _is_cjk(word):
                self.domain[word] = reader.doc_frequency(fieldname, word)
        # Each word under each of its characters blanked out: the words one
        # substitution away from a window are found in one lookup per position.
        self.by_pattern: dict[str, list[str]] = defaultdict(list)
        for word in self.domain:
            for i in range(len(word)):
                self.by_pattern[word[:i] + "\0" + word[i + 1:]].append(word)
        self._likelihoods: dict[str, float] = {}
        self._lock = threading.Lock()

    def frequency(self, word: str) -> int:
        found = self.frequencies.get(word) or 0
        articles = self.domain.get(word)
        if articles:
            found = max(found, DOMAIN_WORD_FREQUENCY * articles)
        return found

    def likelihood(self, run: str) -> float:
        """The log-likelihood of the run's best segmentation into words."""
        found = self._likelihoods.get(run)
        if found is not None:
            return found
        n = len(run)
        best = [0.0] + [-math.inf] * n
        for i in range(n):
            if best[i] == -math.inf:
                continue
            for j in range(i + 1, min(n, i + MAX_CJK_WORD) + 1):
                frequency = self.frequency(run[i:j])
                if frequency <= 0:
                    if j > i + 1:
                        continue
                    frequency = 1  # an unknown single character, as jieba counts it
                score = best[i] + math.log(frequency) - self.log_total
                if score > best[j]:
                    best[j] = score
        with self._lock:
            if len(self._likelihoods) > 50_000:
                self._likelihoods.clear()
            self._likelihoods[run] = best[n]
        return best[n]

    def _candidates(self, run: str):
        for length in range(2, min(MAX_CJK_WORD, len(run)) + 1):
            for start in range(len(run) - length + 1):
                window = run[start:start + length]
                # A word the articles use, or one the dictionary knows well,
                # is what the customer meant.
                if window in self.domain or (self.frequencies.get(window) or 0) >= \
                        KNOWN_WORD_FREQUENCY:
                    continue
                for i in range(length):
                    typed = window[i]
                    unlikely = 0.0
                    if typed in _FINAL_PARTICLES:
                        if start + i == len(run) - 1:
                            continue
                        unlikely = PARTICLE_INSIDE
                    for word in self.by_pattern.get(window[:i] + "\0" + window[i + 1:], ()):
                        slip = slip_likelihood(typed, word[i])
                        if slip is not None:
                            yield start, window, word, slip + unlikely

    def correct(self, run: str) -> list[ChineseCorrection]:
        """The corrections of a run of Chinese characters that make it more
        likely than as typed, best first, at most one per character."""
        run = run[:MAX_CJK_RUN]
        if len(run) < 2:
            return []
        typed_likelihood = self.likelihood(run)
        found = []
        for start, window, word, slip in self._candidates(run):
            corrected = run[:start] + word + run[start + len(window):]
            gain = self.likelihood(corrected) + slip - typed_likelihood
            if gain > 0:
                found.append(ChineseCorrection(start, window, word, gain))
        found.sort(key=lambda c: (-c.gain, -self.domain.get(c.corrected, 0), c.start))
        chosen: list[ChineseCorrection] = []
        for correction in found:
            span = range(correction.start, correction.start + len(correction.typed))
            if all(c.start + len(c.typed) <= span.start or span.stop <= c.start
                   for c in chosen):
                chosen.append(correction)
        return chosen


def chinese_corrector_for(source, fieldname: str = "vocab") -> ChineseCorrector:
    """The Chinese corrector of an index generation (built once per generation)."""
    extras = _extras(source)
    key = ("chinese-corrector", fieldname)
    corrector = extras.get(key)
    if corrector is None:
        corrector = extras.setdefault(key, ChineseCorrector(source.reader(), fieldname))
    return corrector
