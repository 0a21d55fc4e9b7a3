"""Ranking a built query: Whoosh's BM25F scores, computed without its matchers.

Whoosh scores a query through a tree of matcher objects: a dozen Python calls
per posting for every clause, which made the search too slow at a few
thousand articles. The queries ``kb.search.query`` builds are sums (``Or``)
of terms and phrases, so they are scored here directly: each term's posting
list is read block by block and its BM25F scores are added into one
accumulator, with the same formula, statistics and field lengths as Whoosh.
A phrase (slop 1, as ``Phrase`` defaults) matches where its words stand at
consecutive positions and scores the sum of its words' scores, as Whoosh's
``SpanNear2`` intersection does. The scores are the same up to the order of
floating-point additions, so the ranking (and relevance) is unchanged; ties
break on document number, as in Whoosh's collector. Tests compare the two.

A clause of any other kind is matched and scored by Whoosh itself, and an
``Or`` with ``minmatch`` or ``scale`` or another weighting model raises
``Unsupported`` (the caller then asks Whoosh for the whole query).

Per searcher (one index generation), the documents' length norms, the
filters' document sets and the scored posting lists of recent terms are
cached: an index never changes under a searcher, and the store opens a new
searcher when it does.

What an edit does not touch outlives the searcher. Whoosh never rewrites a
segment (an edit adds a small one and records the old document as deleted
beside it), so a segment's raw postings, document frequencies, field
lengths, stored fields and phrase matches are kept per segment, shared by
every thread and every later searcher of the process. A new searcher only
scores them again (the corpus statistics an edit moves, document count and
average length, are in every score), which costs a fraction of reading
them, and starts with the last searcher's recent terms scored (``warm``):
the first searches after an edit stay close to warm ones (``make bench``).
"""

from __future__ import annotations

import bisect
import heapq
import math
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from whoosh import query as wq
from whoosh import scoring
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching.wrappers import FilterMatcher
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

# Scored posting lists kept per searcher: the query mix repeats its words.
# Bounded in terms and in postings. The postings themselves are shared (the
# segment cache below), so a searcher adds about 60 bytes a posting for the
# scores: at most some 30 MB per searcher (one per serving thread). The
# 686-query evaluation mix reads 3,929 terms with 465,000 postings (28 MB)
# at 5,000 articles; a bound of 2,048 terms made each pass through it score
# some 4,300 terms again (its bare search p95 3.5 ms against 2.5 ms).
TERM_CACHE_SIZE = 8192
TERM_CACHE_POSTINGS = 500_000
# Raw postings (documents, frequencies, positions) per segment, shared by
# every searcher and thread of the process: about 110 bytes a posting, so
# some 110 MB. The 686-query evaluation mix reads 560,000 postings (61 MB)
# at 5,000 articles: a bound below that makes a pass through it evict what
# the next query needs.
SEGMENT_CACHE_POSTINGS = 1_000_000
# Both caches keep their postings in tuples of numbers, not lists: the
# garbage collector stops tracking such a tuple the first time it looks at
# it, where it would walk a list's every item again in each collection (a
# million postings in a full one, and a request's new entries in the
# youngest one that the next request pays for).


_T = TypeVar("_T")


class Unsupported(Exception):
    """The query or the weighting is not one this module scores: use Whoosh."""


class ScoredDocument:
    """A ranked document: its score and stored fields (read like a Whoosh hit).

    The fields are read when first asked for: a typo's corrected search is
    ranked for its scores alone (is "did you mean" better?), and reading the
    stored fields of a page it never shows cost about a tenth of that ranking.
    """

    __slots__ = ("docnum", "score", "_fields", "_read")

    def __init__(self, docnum: int, score: float, fields: dict | None = None, *,
                 read: Callable[[], dict] | None = None):
        if (fields is None) == (read is None):
            raise TypeError("give the fields or how to read them, not both")
        self.docnum = docnum
        self.score = score
        self._fields = fields
        self._read = read

    @property
    def fields(self) -> dict:
        if self._fields is None:
            self._fields = self._read()
            self._read = None
        return self._fields

    def __getitem__(self, name):
        found = self._fields
        return (found if found is not None else self.fields)[name]

    def get(self, name, default=None):
        return self.fields.get(name, default)

    def __repr__(self) -> str:
        return f"ScoredDocument(docnum={self.docnum}, score={self.score!r})"


class _SearcherCache:
    """What is computed once per searcher (the index does not change under it)."""

    def __init__(self, searcher: Searcher):
        self.segments = list(searcher.leaf_searchers())
        self.offsets = [offset for _, offset in self.segments]
        self.norms: dict[tuple[int, str], tuple[float, ...]] = {}
        self.filters: dict[str, frozenset[int]] = {}
        self.deleted: frozenset[int] | None = None
        # The stored fields this searcher has shown, by document (the same
        # dicts as the segment cache's: at most a reference per document).
        self.stored: dict[int, dict] = {}
        self.terms: OrderedDict = OrderedDict()
        self.cached_postings = 0
        self.lock = threading.Lock()
        # Other per-generation helpers (the typo corrector), by name.
        self.extras: dict = {}
        self.doc_count_all = searcher.doc_count_all()
        storage = getattr(getattr(searcher, "_ix", None), "storage", None)
        self.folder: str | None = getattr(storage, "folder", None)


_caches: dict[int, tuple[Searcher, _SearcherCache]] = {}
_caches_lock = threading.Lock()


def searcher_cache(searcher: Searcher) -> _SearcherCache:
    key = id(searcher)
    with _caches_lock:
        entry = _caches.get(key)
        if entry is None or entry[0] is not searcher:
            # Forget the caches of closed searchers (a newer generation).
            for stale in [k for k, (s, _) in _caches.items() if s.is_closed]:
                del _caches[stale]
            entry = (searcher, _SearcherCache(searcher))
            _caches[key] = entry
        return entry[1]


def _bm25_parameters(searcher: Searcher, fieldname: str) -> tuple[float, float]:
    weighting = searcher.weighting
    if type(weighting) is not scoring.BM25F:
        raise Unsupported(f"weighting {type(weighting).__name__}")
    return weighting._field_B.get(fieldname, weighting.B), weighting.K1


def _length_norms(searcher: Searcher, cache: _SearcherCache, segment: int,
                  fieldname: str) -> tuple[float, ...]:
    """Per document of a segment, BM25's ``K1 * ((1 - B) + B * fl / avgfl)``,
    written as Whoosh writes it so the scores come out the same."""
    key = (segment, fieldname)
    norms = cache.norms.get(key)
    if norms is None:
        subsearcher, _offset = cache.segments[segment]
        reader = subsearcher.reader()
        B, K1 = _bm25_parameters(searcher, fieldname)
        avgfl = searcher.avg_field_length(fieldname) or 1
        lengths = _field_lengths(cache, reader, fieldname)
        # Lengths are stored in one byte: a few hundred values at most.
        by_length = {fl: K1 * ((1 - B) + B * fl / avgfl) for fl in set(lengths)}
        norms = tuple(map(by_length.__getitem__, lengths))
        cache.norms[key] = norms
    return norms


def _field_lengths(cache: _SearcherCache, reader, fieldname: str) -> tuple[int, ...]:
    """Each document's length in a field, as Whoosh stores it (one byte);
    kept per segment (lengths never change in a segment)."""
    return _per_segment(cache, reader, ("lengths", fieldname),
                        lambda: _read_field_lengths(reader, fieldname),
                        size=lambda lengths: len(lengths) // 8)


def _read_field_lengths(reader, fieldname: str) -> tuple[int, ...]:
    try:
        column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        codes = list(column) if column is not None else []
    except AttributeError:  # another codec: ask document by document
        codes = None
    if codes is None or len(codes) != reader.doc_count_all():
        return tuple(reader.doc_field_length(d, fieldname, 1) or 1
                     for d in range(reader.doc_count_all()))
    # A document without the field has no posting in it: its length is unused.
    return tuple(byte_to_length(code) or 1 for code in codes)


@dataclass
class _TermPostings:
    """One term in one segment: its documents and their BM25F scores."""

    segment: int
    docnums: tuple[int, ...]  # in the segment
    global_docnums: tuple[int, ...]
    scores: tuple[float, ...]
    # Encoded positions per posting, for the fields that keep them (phrases).
    values: tuple[bytes, ...] | None
    _rows: dict[int, int] | None = None
    _best: float | None = None

    def best(self) -> float:
        """The highest score of the term in this segment."""
        if self._best is None:
            self._best = max(self.scores, default=0.0)
        return self._best

    def rows(self) -> dict[int, int]:
        """Segment docnum -> index in the lists (built on first use)."""
        if self._rows is None:
            self._rows = {d: i for i, d in enumerate(self.docnums)}
        return self._rows


# The per-segment cache: (segment, kind, ...) -> what was read; bounded in
# postings, least recently used first out.
_segment_cache: OrderedDict = OrderedDict()
_segment_sizes: dict[tuple, int] = {}
_segment_cached = 0
_segment_lock = threading.Lock()


def _segment_key(cache: _SearcherCache, reader) -> tuple[str, str] | None:
    """A segment's identity: its index folder (each generation has its own)
    and the random id Whoosh names it with. None for an index in memory."""
    segment = reader.segment()
    if cache.folder is None or segment is None:  # in memory, or an empty index
        return None
    return cache.folder, segment.segment_id()


def _segment_remember(key: tuple, value, size: int) -> None:
    global _segment_cached
    with _segment_lock:
        if key in _segment_cache:
            return
        _segment_cache[key] = value
        _segment_sizes[key] = size
        _segment_cached += size
        while _segment_cache and _segment_cached > SEGMENT_CACHE_POSTINGS:
            dropped, _ = _segment_cache.popitem(last=False)
            _segment_cached -= _segment_sizes.pop(dropped)


_MISSING = object()


def _per_segment(cache: _SearcherCache, reader, what: tuple, read: Callable[[], _T], *,
                 size: Callable[[_T], int]) -> _T:
    """``read()``, once per segment and ``what`` while the segment cache keeps
    it (``size`` in postings); read every time for an index in memory."""
    segment = _segment_key(cache, reader)
    if segment is None:
        return read()
    key = (segment, *what)
    with _segment_lock:
        found = _segment_cache.get(key, _MISSING)
        if found is not _MISSING:
            _segment_cache.move_to_end(key)
            return found
    found = read()
    _segment_remember(key, found, size(found))
    return found


def segment_cache_clear() -> None:
    """Forget every segment's postings (benchmarks measure a cold start)."""
    global _segment_cached
    with _segment_lock:
        _segment_cache.clear()
        _segment_sizes.clear()
        _segment_cached = 0


def _segment_postings(cache: _SearcherCache, reader, fieldname: str, btext: bytes, *,
                      with_values: bool) -> _RawPostings | None:
    """A term's raw postings in one segment (``_raw_postings``) and its
    document frequency there, None when the segment lacks the term; read
    once per segment while the cache keeps them."""
    return _per_segment(
        cache, reader, ("postings", fieldname, btext),
        lambda: _read_segment_postings(reader, fieldname, btext, with_values=with_values),
        size=lambda raw: len(raw.ids) if raw is not None else 1)


@dataclass(frozen=True)
class _RawPostings:
    ids: tuple[int, ...]
    weights: tuple[float, ...]
    values: tuple[bytes, ...] | None
    # Whoosh's count, which the idf uses (it is not always len(ids)).
    doc_frequency: int


def _read_segment_postings(reader, fieldname: str, btext: bytes, *, with_values: bool
                           ) -> _RawPostings | None:
    if (fieldname, btext) not in reader:
        return None
    ids, weights, values = _raw_postings(reader, fieldname, btext, with_values=with_values)
    return _RawPostings(tuple(ids), tuple(weights), None if values is None else tuple(values),
                        reader.doc_frequency(fieldname, btext))


def _raw_postings(reader, fieldname: str, btext: bytes, *, with_values: bool
                  ) -> tuple[list[int], list[float], list | None]:
    """Document numbers, weights (and encoded values) of a term in one segment,
    deleted documents included: they are dropped once, at the end."""
    matcher = reader.postings(fieldname, btext)
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    ids: list[int] = []
    weights: list[float] = []
    values: list | None = [] if with_values else None
    if isinstance(matcher, W3LeafMatcher):
        # Whole blocks at a time: the per-posting method calls are the cost.
        while not matcher._atend:
            matcher._read_ids()
            matcher._read_weights()
            ids.extend(matcher._ids)
            weights.extend(matcher._weights)
            if with_values:
                matcher._read_values()
                values.extend(matcher._values)
            matcher._next_block()
    else:
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            if with_values:
                values.append(matcher.value())
            matcher.next()
    return ids, weights, values


def _term_postings(searcher: Searcher, cache: _SearcherCache, fieldname: str, text: str
                   ) -> list[_TermPostings]:
    """A term's postings with their BM25F scores, per segment that has it."""
    key = (fieldname, text)
    with cache.lock:
        found = cache.terms.get(key)
        if found is not None:
            cache.terms.move_to_end(key)
            return found
    field = searcher.schema[fieldname]
    if not field.scorable:
        raise Unsupported(f"unscored field {fieldname}")
    try:
        btext = field.to_bytes(text)
    except ValueError:
        return []
    with_values = bool(field.format and field.format.supports("positions"))
    _B, K1 = _bm25_parameters(searcher, fieldname)
    K1_1 = K1 + 1
    found = []
    for segment, (subsearcher, offset) in enumerate(cache.segments):
        raw = _segment_postings(cache, subsearcher.reader(), fieldname, btext,
                                with_values=with_values)
        if raw is not None:
            found.append((segment, offset, raw))
    parts = []
    if found:
        # Whoosh's idf (scoring.WeightingModel.idf) from the cached counts.
        frequency = sum(raw.doc_frequency for _, _, raw in found)
        idf = math.log(cache.doc_count_all / (frequency + 1)) + 1
    for segment, offset, raw in found:
        ids, weights, values = raw.ids, raw.weights, raw.values
        norms = _length_norms(searcher, cache, segment, fieldname)
        # bm25() of whoosh.scoring, term for term (same float results).
        scores = tuple([idf * ((tf * K1_1) / (tf + norms[d]))
                        for d, tf in zip(ids, weights, strict=True)])
        global_ids = tuple([d + offset for d in ids]) if offset else ids
        parts.append(_TermPostings(segment, ids, global_ids, scores, values))
    with cache.lock:
        if key not in cache.terms:
            cache.terms[key] = parts
            cache.cached_postings += _postings_count(parts)
        while cache.terms and (len(cache.terms) > TERM_CACHE_SIZE
                               or cache.cached_postings > TERM_CACHE_POSTINGS):
            _, dropped = cache.terms.popitem(last=False)
            cache.cached_postings -= _postings_count(dropped)
    return parts


# A new searcher scores the last one's most recent terms before it answers,
# for at most this long: one search pays for them once, instead of each of
# the next hundred paying for its own (their postings are read already).
WARM_SECONDS = 0.05


def warm(searcher: Searcher, previous: Searcher, *, seconds: float | None = None) -> int:
    """Score the terms ``previous`` used most recently on ``searcher`` (a
    newer generation of the same index) within ``seconds``; returns how
    many terms were scored."""
    seconds = WARM_SECONDS if seconds is None else seconds
    with _caches_lock:
        entry = _caches.get(id(previous))
    if entry is None or entry[0] is not previous or seconds <= 0:
        return 0
    with entry[1].lock:
        recent = list(reversed(entry[1].terms))
    cache = searcher_cache(searcher)
    deadline = time.monotonic() + seconds
    warmed = 0
    for fieldname, text in recent:
        if time.monotonic() > deadline:
            break
        if fieldname in searcher.schema:
            _term_postings(searcher, cache, fieldname, text)
            warmed += 1
    return warmed


def term_ceiling(searcher: Searcher, fieldname: str, text: str) -> float:
    """The best score a term reaches in a field: what the article that uses
    it most scores on it (0.0 when no article has it)."""
    if fieldname not in searcher.schema:
        return 0.0
    parts = _term_postings(searcher, searcher_cache(searcher), fieldname, text)
    return max((part.best() for part in parts), default=0.0)


def unseen_term_ceiling(searcher: Searcher, fieldname: str) -> float:
    """What a term no article has would score in a field if one article of
    average length had it once: the rarest a word can be."""
    cache = searcher_cache(searcher)
    key = ("unseen-ceiling", fieldname)
    found = cache.extras.get(key)
    if found is None:
        _B, K1 = _bm25_parameters(searcher, fieldname)
        boost = getattr(searcher.schema[fieldname].format, "field_boost", 1.0)
        idf = math.log(max(searcher.doc_count_all(), 1) / 2) + 1
        found = cache.extras[key] = idf * (boost * (K1 + 1)) / (boost + K1)
    return found


def _postings_count(parts: list[_TermPostings]) -> int:
    return sum(len(part.docnums) for part in parts)


def _add_term(acc: dict, searcher, cache, term: wq.Term, boost: float) -> None:
    if term.fieldname not in searcher.schema:
        return
    boost *= term.boost
    get = acc.get
    for part in _term_postings(searcher, cache, term.fieldname, term.text):
        if boost == 1.0:
            for d, s in zip(part.global_docnums, part.scores, strict=True):
                acc[d] = get(d, 0.0) + s
        else:
            for d, s in zip(part.global_docnums, part.scores, strict=True):
                acc[d] = get(d, 0.0) + s * boost


def _add_phrase(acc: dict, searcher, cache, q: wq.Phrase, boost: float) -> None:
    """Whoosh's Phrase (slop 1): the words at consecutive positions, scored as
    the sum of the words' scores in the field (its SpanNear2 intersection)."""
    if q.fieldname not in searcher.schema:
        return
    field = searcher.schema[q.fieldname]
    if q.slop != 1 or not q.words or not field.format.supports("positions"):
        raise Unsupported("phrase with slop or without positions")
    boost *= q.boost
    by_segment: dict[int, list[_TermPostings]] = {}
    for word in q.words:
        for part in _term_postings(searcher, cache, q.fieldname, word):
            by_segment.setdefault(part.segment, []).append(part)
    decode = field.format.decode_positions
    get = acc.get
    for segment, parts in by_segment.items():
        if len(parts) != len(q.words):
            continue  # a word missing from this segment: no match in it
        subsearcher, offset = cache.segments[segment]
        matches = _per_segment(cache, subsearcher.reader(),
                               ("phrase", q.fieldname, tuple(q.words)),
                               lambda parts=parts: _phrase_matches(parts, decode),
                               size=lambda found: len(found) + 1)
        for docnum, rows in matches:
            score = 0.0
            for part, i in zip(parts, rows, strict=True):
                score += part.scores[i]
            d = docnum + offset
            acc[d] = get(d, 0.0) + score * boost


def _phrase_matches(parts: list[_TermPostings], decode) -> tuple[tuple[int, tuple], ...]:
    """The documents of one segment where the words (``parts``, one per word)
    stand at consecutive positions, each with its row in every word's
    postings. Decoding positions is most of a phrase's cost, and a segment
    never changes: the matches are kept with the segment's postings."""
    rows = [part.rows() for part in parts]
    shortest = min(parts, key=lambda part: len(part.docnums))
    matches = []
    for docnum in shortest.docnums:
        found = tuple(r.get(docnum) for r in rows)
        if None in found:
            continue
        positions = [decode(part.values[i]) for part, i in zip(parts, found, strict=True)]
        later = [set(p) for p in positions[1:]]
        if any(all(start + k in later[k - 1] for k in range(1, len(parts)))
               for start in positions[0]):
            matches.append((docnum, found))
    return tuple(matches)


def _add_matched(acc: dict, searcher, cache, q: wq.Query, boost: float) -> None:
    """Any other clause: matched and scored by Whoosh itself."""
    context = searcher.context()
    get = acc.get
    for subsearcher, offset in cache.segments:
        matcher = q.matcher(subsearcher, context)
        while matcher.is_active():
            d = offset + matcher.id()
            acc[d] = get(d, 0.0) + matcher.score() * boost
            matcher.next()


def _add(acc: dict, searcher, cache, q: wq.Query, boost: float) -> None:
    kind = type(q)
    if kind is wq.Term:
        _add_term(acc, searcher, cache, q, boost)
    elif kind is wq.Phrase:
        _add_phrase(acc, searcher, cache, q, boost)
    elif isinstance(q, wq.Or):
        if q.minmatch or q.scale:
            raise Unsupported("Or with minmatch or scale")
        subs = q.subqueries
        # Whoosh ignores the boost of an Or that holds a single clause (it
        # returns that clause's matcher): so do we, to rank as it does.
        inner = boost if len(subs) == 1 else boost * q.boost
        for sub in subs:
            _add(acc, searcher, cache, sub, inner)
    elif q is wq.NullQuery:
        return
    else:
        _add_matched(acc, searcher, cache, q, boost)


def _allowed(searcher: Searcher, cache: _SearcherCache, filter_query: wq.Query | None
             ) -> frozenset[int] | None:
    if filter_query is None:
        return None
    key = repr(filter_query)
    found = cache.filters.get(key)
    if found is None:
        found = frozenset(searcher.docs_for_query(filter_query))
        cache.filters[key] = found
    return found


def _deleted(cache: _SearcherCache) -> frozenset[int]:
    """The documents an edit replaced (they stay in their segment until a
    merge); read once per searcher."""
    if cache.deleted is None:
        deleted = set()
        for subsearcher, offset in cache.segments:
            reader = subsearcher.reader()
            if reader.has_deletions():
                deleted.update(offset + d for d in reader.deleted_docs_set)
        cache.deleted = frozenset(deleted)
    return cache.deleted


def rank(searcher: Searcher, q: wq.Query, *, limit: int,
         filter: wq.Query | None = None) -> list[ScoredDocument]:  # noqa: A002
    """The ``limit`` best documents for ``q``, best first, as Whoosh ranks them.

    Raises ``Unsupported`` for a query or weighting this module does not
    score (the caller then asks Whoosh).
    """
    return rank_many(searcher, [q], limit=limit, filter=filter)[0]


def _top_clauses(q: wq.Query) -> list[tuple[wq.Query, float]]:
    """The clauses ``_add`` adds at the top of ``q``, each with its boost."""
    if isinstance(q, wq.Or) and not (q.minmatch or q.scale):
        subs = q.subqueries
        inner = 1.0 if len(subs) == 1 else q.boost
        return [(sub, inner) for sub in subs]
    return [(q, 1.0)]


def rank_many(searcher: Searcher, queries: list[wq.Query], *, limit: int,
              filter: wq.Query | None = None) -> list[list[ScoredDocument]]:  # noqa: A002
    """``rank`` for each of ``queries``: the clauses they all hold (a search
    and its typo correction share every word but one) are scored once."""
    if limit < 1 or not queries:
        return [[] for _ in queries]
    cache = searcher_cache(searcher)
    allowed = _allowed(searcher, cache, filter)
    deleted = _deleted(cache)
    if len(queries) == 1:
        acc: dict[int, float] = {}
        for clause, boost in _top_clauses(queries[0]):
            _add(acc, searcher, cache, clause, boost)
        return [_best(cache, acc, limit=limit, allowed=allowed, deleted=deleted)]
    clauses = [_top_clauses(q) for q in queries]
    shared = Counter(clauses[0])
    for other in clauses[1:]:
        shared &= Counter(other)
    common: dict[int, float] = {}
    # In the first query's order: its scores add up as when it is ranked alone.
    for clause, boost in _taken(clauses[0], shared)[0]:
        _add(common, searcher, cache, clause, boost)
    found = []
    for own in clauses:
        acc = dict(common)
        for clause, boost in _taken(own, shared)[1]:
            _add(acc, searcher, cache, clause, boost)
        found.append(_best(cache, acc, limit=limit, allowed=allowed, deleted=deleted))
    return found


def _taken(items: list, shared: Counter) -> tuple[list, list]:
    """``items`` split, in order, into those ``shared`` counts and the rest."""
    left = Counter(shared)
    taken, rest = [], []
    for item in items:
        if left[item] > 0:
            left[item] -= 1
            taken.append(item)
        else:
            rest.append(item)
    return taken, rest


def _best(cache: _SearcherCache, acc: dict[int, float], *, limit: int,
          allowed: frozenset[int] | None, deleted: frozenset[int]) -> list[ScoredDocument]:
    """The ``limit`` best of ``acc`` (the caller's own: deleted documents are
    taken out of it)."""
    # An edit leaves the article's old copy in its segment until a merge
    # (the nightly optimize_index_task at the latest): a day's edits, few
    # against the matches, so they are taken out one by one rather than
    # every match copied past them.
    for docnum in deleted:
        acc.pop(docnum, None)
    if allowed is not None:
        candidates = [(d, s) for d, s in acc.items() if d in allowed]
        scores = [s for _, s in candidates]
    else:
        candidates, scores = acc.items(), acc.values()
    if len(candidates) > limit:
        # Only documents scoring at least the limit-th best can make the page
        # (nlargest: a heap of ``limit`` scores, not a sort of them all).
        threshold = heapq.nlargest(limit, scores)[-1]
        candidates = [(d, s) for d, s in candidates if s >= threshold]
    # Best first; equal scores in document order, as Whoosh's collector does.
    best = sorted(candidates, key=lambda item: (-item[1], item[0]))[:limit]
    return [ScoredDocument(docnum=d, score=s, read=partial(_stored_fields, cache, d))
            for d, s in best]


# A document's stored fields, counted as this many postings in the segment cache.
STORED_FIELDS_SIZE = 20


def _stored_fields(cache: _SearcherCache, docnum: int) -> dict:
    """Stored fields never change in a segment: kept per segment, so a new
    searcher shows the documents it shares with the last one without reading,
    and found again by the searcher without the shared cache's lock."""
    found = cache.stored.get(docnum)
    if found is None:
        segment = bisect.bisect_right(cache.offsets, docnum) - 1
        subsearcher, offset = cache.segments[segment]
        reader = subsearcher.reader()
        found = cache.stored[docnum] = _per_segment(
            cache, reader, ("stored", docnum - offset),
            lambda: reader.stored_fields(docnum - offset),
            size=lambda _fields: STORED_FIELDS_SIZE)
    return found
