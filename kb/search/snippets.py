"""The snippet under each search result: a fix's symptoms (or summary) with
the words the search matched in <mark>.

The fragments are the ones Whoosh's highlighter picks (``ContextFragmenter``
with 200 characters and 40 of context, the two best by
``BasicFragmentScorer``, in text order), computed over the cached
(term, start, end) tuples of kb.search.analysis.term_offsets instead of
Whoosh's Token objects and generator chain, which were a fifth of an API
search's time at 5,000 articles (bench/bench_search_backends.py).
tests/search/test_snippets.py holds the two to the same output.
"""

from __future__ import annotations

import html
from collections import deque
from collections.abc import Iterable, Iterator
from functools import lru_cache

import nh3

from kb.search.analysis import term_offsets

SOURCES = ("symptoms", "summary")
MAX_CHARS = 200
SURROUND = 40
TOP = 2
BETWEEN = " … "
# Whoosh's DEFAULT_CHARLIMIT: no fragment reaches past this character.
CHAR_LIMIT = 2**15

Term = tuple[str, int, int]
Fragment = tuple[int, int, list[Term]]


@lru_cache(maxsize=8192)
def text_terms(text: str) -> tuple[Term, ...]:
    """The index terms of a stored symptoms or summary text with their
    offsets: the same texts come up again and again."""
    return tuple(term_offsets(text))


@lru_cache(maxsize=8192)
def text_term_set(text: str) -> frozenset[str]:
    """The distinct index terms of a stored text: what a query's terms are
    intersected with, in one set operation instead of a walk over every
    word of a long symptoms list for each result."""
    return frozenset(term for term, _, _ in text_terms(text))


def hit_snippet(hit, terms: set[str]) -> str:
    """Symptoms or summary with the matched words marked (``terms``: the
    query's index terms, computed once per query)."""
    for source in SOURCES:
        text = hit.get(source, "")
        if not text:
            continue
        matched = text_term_set(text).intersection(terms)
        # No query word in it: nothing to mark, no fragment.
        if matched:
            fragment = marked_fragment(text, matched)
            if fragment:
                return fragment
    return html.escape(hit.get("summary", "")[:240], quote=False)


@lru_cache(maxsize=8192)
def marked_fragment(text: str, matched: frozenset[str]) -> str:
    """The best fragments of ``text`` with ``matched`` marked: the words of
    the text a query has decide it, so different searches share it."""
    best = _top_fragments(_fragments(text, text_terms(text), matched))
    marked = BETWEEN.join(_marked(text, fragment) for fragment in best)
    # Already escaped piece by piece; nh3 keeps it that way for any path.
    return nh3.clean(marked, tags={"mark"}, attributes={}) if marked else ""


def _fragments(text: str, words: Iterable[Term], matched: frozenset[str]
               ) -> Iterator[Fragment]:
    """Whoosh's ContextFragmenter.fragment_tokens, step for step: a fragment
    opens at a matched word with up to SURROUND characters before it, and
    closes SURROUND characters after the last matched word or at MAX_CHARS."""
    first = None
    # Start characters of the words just before a fragment, for its context.
    firsts: deque[int] = deque()
    # Characters left before the open fragment closes (< 0: none is open).
    countdown = -1
    found: list[Term] = []
    end = 0
    length = 0
    for term, start, end in words:
        width = end - start
        if end > CHAR_LIMIT:
            break
        is_match = term in matched
        if countdown < 0 and not is_match:
            firsts.append(start)
            while firsts and end - firsts[0] > SURROUND:
                firsts.popleft()
        elif length + width > MAX_CHARS:
            countdown = 0
        elif is_match:
            countdown = SURROUND
            if first is None:
                if firsts:
                    first = firsts[0]
                else:
                    first = start
                    countdown += SURROUND
            found.append((term, start, end))
        if countdown >= 0:
            length += width
            countdown -= width
            if countdown <= 0:
                yield _fragment(text, found, first, end)
                found, firsts, first, length = [], deque(), None, 0
    if found:
        yield _fragment(text, found, first, end)


def _fragment(text: str, found: list[Term], first: int | None, end: int) -> Fragment:
    start = first if first is not None else (found[0][1] if found else 0)
    return max(0, start), min(len(text), end), found


def _top_fragments(fragments: Iterable[Fragment]) -> list[Fragment]:
    """The TOP fragments by matches times distinct words matched (a tie goes
    to the later one, as in Whoosh), in text order."""
    scored = sorted(((_score(f), f[0], f) for f in fragments), reverse=True,
                    key=lambda item: item[:2])[:TOP]
    return sorted((f for score, _, f in scored if score >= 1), key=lambda f: f[0])


def _score(fragment: Fragment) -> int:
    found = fragment[2]
    return len(found) * (len({term for term, _, _ in found}) * 100 or 1)


def _marked(text: str, fragment: Fragment) -> str:
    start, end, found = fragment
    out = []
    index = start
    # Overlapping words (Chinese): the longest at a position is marked.
    for _, word_start, word_end in sorted(found, key=lambda t: (t[1], t[1] - t[2])):
        if word_start < index:
            continue
        if word_start > index:
            out.append(html.escape(text[index:word_start], quote=False))
        out.append(f"<mark>{html.escape(text[word_start:word_end], quote=False)}</mark>")
        index = word_end
    out.append(html.escape(text[index:end], quote=False))
    return "".join(out)
