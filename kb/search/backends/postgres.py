"""The shared backend: the index in the site's PostgreSQL database.

Text is analyzed in Python exactly as for Whoosh (kb.search.analysis: jieba
for Chinese, stemming for English), and PostgreSQL does no analysis of its
own. Per published article:

- ``SearchDocument``: what a result shows, the words per field, and the
  terms of the fields phrases are matched in as a ``tsvector`` (``simple``
  configuration; head A, meta B, with positions) under a GIN index: quoted
  and pasted phrases match with ``<->`` in the weight of their field. The
  body is left out: it is never matched as a phrase (nor is it on Whoosh,
  where it keeps no positions), and with it every phrase check read the
  long bodies of every document holding the words (``make bench``);
- ``SearchPosting``: per term and field, the term's frequency times the
  field's boost and the field's length as Whoosh stores it (one byte). BM25F
  needs a term's frequency per field and its document frequency, which a
  ``tsvector`` gives only by unnesting every matching document; a B-tree on
  (term, field) gives them for a query's terms alone;
- ``SearchTerm``: per field, each term's document count (BM25's idf, the
  query builder's common-word rule, known words and typo suggestions).

A query is scored in one SQL statement with Whoosh's BM25F formula, term for
term as kb.search.ranking computes it, from the same statistics, so the two
backends rank alike (tests compare them). Writes happen in the transaction
that changes the article, under a lock on the one ``SearchGeneration`` row,
so every web node sees an edit when it commits; each process keeps its
statistics per generation and rereads them when the number moves.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from whoosh import query as wq
from whoosh.formats import tokens
from whoosh.util.numeric import byte_to_length, length_to_byte

from kb.search import store
from kb.search.analysis import ANALYSIS_VERSION, bilingual_analyzer, surface_words
from kb.search.boosts import article_phrases_for
from kb.search.documents import article_document, published_articles
from kb.search.query import stem_word
from kb.search.ranking import ScoredDocument
from kb.search.schema import FIELD_BOOSTS, TEXT_FIELDS

log = logging.getLogger(__name__)

FIELDS = {"head": 0, "meta": 1, "body": 2, "vocab": 3}
# The fields matched as phrases, as weights of the tsvector.
_WEIGHTS = {"head": "A", "meta": "B"}
# Whoosh's BM25F defaults (kb.search.store opens searchers with them).
K1 = 1.2
B = 0.75
# PostgreSQL's limits for a tsvector: positions up to 16,383, 256 per lexeme.
MAX_POSITION = 16383
MAX_POSITIONS = 256
# Document counts and ceilings kept per generation, at most (a few MB).
MAX_KEPT = 200_000
# Rows per statement when a rebuild writes.
BATCH = 500

STORED = ("slug", "language", "area", '"group"', "problems", "version", "title",
          "symptoms", "summary", "url", "weight")


# Analysis -----------------------------------------------------------------------
def quantized_length(length: int) -> int:
    """A field's length as Whoosh keeps it (in one byte), so scores agree."""
    return byte_to_length(length_to_byte(length)) or 1


def _quoted(term: str) -> str:
    """A lexeme as a tsvector or tsquery literal writes it."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


@dataclass
class AnalyzedDocument:
    article_id: int
    document: dict
    lengths: dict[str, int]
    # (term, field code, weight, quantized field length)
    postings: list[tuple[str, int, float, int]]
    tsvector: str


_analyzer_lock = threading.Lock()
_analyzer = None


def _analyzer_instance():
    global _analyzer
    with _analyzer_lock:
        if _analyzer is None:
            _analyzer = bilingual_analyzer()
        return _analyzer


def analyze_document(article_id: int, document: dict) -> AnalyzedDocument:
    """Postings, lengths and the weighted tsvector of an index document
    (kb.search.documents.article_document), as Whoosh's ``Positions`` format
    would index its text fields."""
    analyzer = _analyzer_instance()
    postings: list[tuple[str, int, float, int]] = []
    lengths: dict[str, int] = {}
    lexemes: dict[str, list[str]] = defaultdict(list)
    offset = 1
    for name in TEXT_FIELDS:
        positions: dict[str, list[int]] = defaultdict(list)
        boosts: dict[str, float] = defaultdict(float)
        for token in tokens(document[name], analyzer,
                            {"positions": True, "boosts": True, "mode": "index"}):
            positions[token.text].append(token.pos)
            boosts[token.text] += token.boost
        length = sum(len(p) for p in positions.values())
        lengths[name] = length
        stored_length = quantized_length(length)
        letter = _WEIGHTS.get(name)
        last = 0
        for term, found in positions.items():
            postings.append((term, FIELDS[name], boosts[term] * FIELD_BOOSTS[name],
                             stored_length))
            if letter is None:
                continue  # the body is never matched as a phrase
            marks = lexemes[term]
            for position in found:
                last = max(last, position)
                if len(marks) < MAX_POSITIONS:
                    marks.append(f"{min(offset + position, MAX_POSITION)}{letter}")
        # The next field starts after a gap: a phrase never spans two fields.
        offset += last + 2
    for term in sorted(set(document["vocab"].lower().split())):
        postings.append((term, FIELDS["vocab"], 1.0, 0))
    tsvector = " ".join(f"{_quoted(term)}:{','.join(dict.fromkeys(marks))}"
                        for term, marks in lexemes.items())
    return AnalyzedDocument(article_id=article_id, document=document, lengths=lengths,
                            postings=postings, tsvector=tsvector)


def phrase_tsquery(words: list[str], fieldname: str) -> str:
    """A phrase in one field: its words at consecutive positions."""
    letter = _WEIGHTS[fieldname]
    return " <-> ".join(f"{_quoted(word)}:{letter}" for word in words)


# Reading ------------------------------------------------------------------------
@dataclass
class _Clause:
    term: str
    field: int
    boost: float
    phrase: int  # 0: a term on its own; else the phrase it belongs to


class PostgresView:
    """One generation of the index: its statistics, read once, and the
    document counts of the terms searches asked for."""

    def __init__(self, key: tuple[int, str], doc_count: int, total_lengths: dict[str, int]):
        self.key = key
        self.extras: dict = {}
        self.doc_count = doc_count
        self.avg_lengths = {name: (total / doc_count if doc_count else 0) or 1
                            for name, total in total_lengths.items()}
        self._counts: dict[tuple[int, str], int] = {}
        self._ceilings: dict[tuple[str, str], float] = {}
        self._prefixes: dict[tuple[int, str], list[str]] = {}

    # The reader's questions (kb.search.query and kb.search.spelling ask them).
    def reader(self) -> PostgresView:
        return self

    def doc_count_all(self) -> int:
        return self.doc_count

    def doc_frequency(self, fieldname: str, term: str) -> int:
        code = FIELDS.get(fieldname)
        if code is None:
            return 0
        found = self._counts.get((code, term))
        if found is None:
            found = self._read_counts([code], [term])[(code, term)]
        return found

    # Every document holds a vocabulary word once: its frequency is its count.
    frequency = doc_frequency

    def _read_counts(self, codes: list[int], terms: list[str]) -> dict[tuple[int, str], int]:
        if len(self._counts) > MAX_KEPT:
            # Pasted logs bring words nobody types twice: start over.
            self._counts.clear()
            self._ceilings.clear()
        found = {(code, term): 0 for code in codes for term in terms}
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT field, term, documents FROM search_searchterm "
                "WHERE field = ANY(%s) AND term = ANY(%s)", [codes, terms])
            for code, term, documents in cursor.fetchall():
                found[(code, term)] = documents
        self._counts.update(found)
        return found

    def prefetch(self, text: str) -> None:
        words = {word for _, word in surface_words(text)}
        terms = sorted(words | {stem_word(word) for word in words})
        missing = [t for t in terms if any((c, t) not in self._counts for c in FIELDS.values())]
        if missing:
            self._read_counts(list(FIELDS.values()), missing)

    def expand_prefix(self, fieldname: str, prefix: str) -> list[str]:
        code = FIELDS[fieldname]
        found = self._prefixes.get((code, prefix))
        if found is None:
            pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT term, documents FROM search_searchterm WHERE field = %s "
                    "AND term LIKE %s AND documents > 0", [code, pattern + "%"])
                rows = cursor.fetchall()
            self._counts.update({(code, term): documents for term, documents in rows})
            found = self._prefixes[(code, prefix)] = sorted(term for term, _ in rows)
        return found

    def lexicon(self, fieldname: str) -> list[str]:
        return self.expand_prefix(fieldname, "")

    # Ranking.
    def _clauses(self, q: wq.Query, boost: float, out: list[_Clause],
                 phrases: list[tuple[int, str, list[str]]]) -> None:
        """The query as rows, with the boosts kb.search.ranking applies."""
        kind = type(q)
        if kind is wq.Term:
            if q.fieldname in FIELDS and q.fieldname != "vocab":
                out.append(_Clause(q.text, FIELDS[q.fieldname], boost * q.boost, 0))
        elif kind is wq.Phrase:
            if q.fieldname in _WEIGHTS and q.words:
                number = len(phrases) + 1
                phrases.append((number, q.fieldname, list(q.words)))
                for word in q.words:
                    out.append(_Clause(word, FIELDS[q.fieldname], boost * q.boost, number))
        elif isinstance(q, wq.Or):
            subs = q.subqueries
            inner = boost if len(subs) == 1 else boost * q.boost
            for sub in subs:
                self._clauses(sub, inner, out, phrases)
        elif q is not wq.NullQuery:
            raise TypeError(f"not a query kb.search.query builds: {q!r}")

    def _idf(self, code: int, term: str) -> float:
        name = _FIELD_NAMES[code]
        return math.log(self.doc_count / (self.doc_frequency(name, term) + 1)) + 1

    def rank(self, query, *, limit: int, area: str | None, lang: str | None) -> list:
        return self.rank_many([query], limit=limit, area=area, lang=lang)[0]

    def rank_many(self, queries: list, *, limit: int, area: str | None, lang: str | None
                  ) -> list[list]:
        """Each query's best documents, in one statement: a term the queries
        share (a search and its typo correction share all but a word) has
        its postings read once, with a boost per query."""
        found: list[list] = [[] for _ in queries]
        if limit < 1 or not self.doc_count:
            return found
        # One row per term, field and phrase, with its boost in each query
        # (None: not in that query).
        rows: dict[tuple[str, int, int], list[float | None]] = {}
        phrase_numbers: dict[tuple[str, tuple[str, ...]], int] = {}
        for number, query in enumerate(queries):
            clauses: list[_Clause] = []
            phrases: list[tuple[int, str, list[str]]] = []
            self._clauses(query, 1.0, clauses, phrases)
            # The same phrase in two queries is checked once.
            renumber = {own: phrase_numbers.setdefault((fieldname, tuple(words)),
                                                       len(phrase_numbers) + 1)
                        for own, fieldname, words in phrases}
            for c in clauses:
                if not self.doc_frequency(_FIELD_NAMES[c.field], c.term):
                    continue
                key = (c.term, c.field, renumber.get(c.phrase, 0))
                boosts = rows.setdefault(key, [None] * len(queries))
                boosts[number] = (boosts[number] or 0.0) + c.boost
        if not rows:
            return found
        keys = list(rows)
        used = {phrase for _, _, phrase in keys}
        phrases = [(number, fieldname, list(words))
                   for (fieldname, words), number in phrase_numbers.items() if number in used]
        params: list = [
            [term for term, _, _ in keys], [field for _, field, _ in keys],
            [self._idf(field, term) for term, field, _ in keys],
            [self.avg_lengths[_FIELD_NAMES[field]] for _, field, _ in keys],
            [phrase for _, _, phrase in keys],
            *([rows[key][number] for key in keys] for number in range(len(queries))),
        ]
        columns_in = ", ".join("%s::float8[]" for _ in queries)
        boost_names = ", ".join(f"boost{number}" for number in range(len(queries)))
        if phrases:
            # One pass over the documents the GIN index finds for any of the
            # phrases; each phrase is then checked on the row read.
            tsqueries = [phrase_tsquery(words, fieldname) for _, fieldname, words in phrases]
            checks = ", ".join(f"CASE WHEN d.terms @@ %s::tsquery THEN {int(number)} END"
                               for number, _, _ in phrases)
            phrase_sql = (f"SELECT m.phrase, d.article_id FROM search_searchdocument d "
                          f"CROSS JOIN LATERAL unnest(ARRAY[{checks}]) AS m(phrase) "
                          "WHERE d.terms @@ %s::tsquery AND m.phrase IS NOT NULL")
            params.extend(tsqueries)
            params.append(" | ".join(f"({q})" for q in tsqueries))
        else:
            phrase_sql = "SELECT NULL::int AS phrase, NULL::int AS article_id WHERE false"
        bm25 = (f"c.idf * ((p.weight * {K1 + 1!r}) / (p.weight + {K1!r} * ((1 - {B!r})"
                f" + {B!r} * p.length / c.avgfl)))")
        # Per query, its score and whether any of its clauses matched.
        sums = ", ".join(f"sum({bm25} * c.boost{number}) AS score{number}, "
                         f"bool_or(c.boost{number} IS NOT NULL) AS in{number}"
                         for number in range(len(queries)))
        # Only the page's documents are read, unless a filter needs them all.
        if area or lang:
            ranked = """(SELECT {n} AS query, s.article_id, s.score{n} AS score FROM scored s
                JOIN search_searchdocument f ON f.article_id = s.article_id
                WHERE s.in{n} AND (%s::text IS NULL OR f.area = %s)
                  AND (%s::text IS NULL OR f.language = %s)
                ORDER BY s.score{n} DESC, s.article_id LIMIT %s)"""
            per_query = [area, area, lang, lang, limit]
        else:
            ranked = """(SELECT {n} AS query, article_id, score{n} AS score FROM scored
                WHERE in{n} ORDER BY score{n} DESC, article_id LIMIT %s)"""
            per_query = [limit]
        ranked_sql = " UNION ALL ".join(ranked.format(n=number) for number in range(len(queries)))
        for _ in queries:
            params.extend(per_query)
        columns = ", ".join(f"d.{name}" for name in STORED)
        sql = f"""
            WITH clause AS (
                SELECT * FROM unnest(%s::text[], %s::smallint[], %s::float8[], %s::float8[],
                                     %s::int[], {columns_in})
                    AS c(term, field, idf, avgfl, phrase, {boost_names})
            ), phrase_match AS MATERIALIZED ({phrase_sql}),
            scored AS (
                SELECT p.article_id, {sums}
                FROM clause c
                -- Each clause's postings through the (term, field) index: the
                -- planner cannot count an unnest's rows and would otherwise
                -- scan every posting (OFFSET 0 keeps the subquery apart).
                CROSS JOIN LATERAL (
                    SELECT article_id, weight, length FROM search_searchposting
                    WHERE term = c.term AND field = c.field OFFSET 0) p
                WHERE c.phrase = 0 OR (c.phrase, p.article_id) IN (
                    SELECT phrase, article_id FROM phrase_match)
                GROUP BY p.article_id
            ), ranked AS ({ranked_sql})
            SELECT r.query, r.article_id, r.score, {columns}
            FROM ranked r JOIN search_searchdocument d ON d.article_id = r.article_id
            ORDER BY r.query, r.score DESC, r.article_id
        """
        # No parallel workers: the tables say so (search migration 0005).
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows_found = cursor.fetchall()
        for row in rows_found:
            found[row[0]].append(ScoredDocument(docnum=row[1], score=row[2],
                                                fields=_stored(row[1:])))
        return found

    def term_ceiling(self, fieldname: str, text: str) -> float:
        key = (fieldname, text)
        found = self._ceilings.get(key)
        if found is None:
            found = 0.0
            if fieldname in TEXT_FIELDS and self.doc_frequency(fieldname, text):
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT max((weight * {K1 + 1!r}) / (weight + {K1!r} * ((1 - {B!r})"
                        f" + {B!r} * length / %s))) FROM search_searchposting "
                        "WHERE term = %s AND field = %s",
                        [self.avg_lengths[fieldname], text, FIELDS[fieldname]])
                    best = cursor.fetchone()[0]
                found = self._idf(FIELDS[fieldname], text) * best if best else 0.0
            self._ceilings[key] = found
        return found

    def unseen_term_ceiling(self, fieldname: str) -> float:
        boost = FIELD_BOOSTS.get(fieldname, 1.0)
        idf = math.log(max(self.doc_count, 1) / 2) + 1
        return idf * (boost * (K1 + 1)) / (boost + K1)


_FIELD_NAMES = {code: name for name, code in FIELDS.items()}


def _stored(row) -> dict:
    """A result row's fields, named and typed as Whoosh stores them."""
    (article_id, _score, slug, language, area, group, problems, version, title, symptoms,
     summary, url, weight) = row
    return {"id": str(article_id), "slug": slug, "lang": language, "area": area,
            "group": group, "problems": problems, "version": version, "title": title,
            "symptoms": symptoms, "summary": summary, "url": url, "weight": weight}


# Writing ------------------------------------------------------------------------
def _document_row(analyzed: AnalyzedDocument) -> list:
    d = analyzed.document
    return [analyzed.article_id, d["slug"], d["lang"], d["area"], d["group"], d["problems"],
            d["version"], d["title"], d["symptoms"], d["summary"], d["url"], d["weight"],
            analyzed.lengths["head"], analyzed.lengths["meta"], analyzed.lengths["body"],
            analyzed.tsvector]


_INSERT_DOCUMENT = """
    INSERT INTO search_searchdocument (article_id, slug, language, area, "group", problems,
        version, title, symptoms, summary, url, weight, head_length, meta_length,
        body_length, terms)
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s::tsvector)
"""
_INSERT_POSTINGS = """
    INSERT INTO {table} (term, field, article_id, weight, length)
    SELECT term, field, %s, weight, length
    FROM unnest(%s::text[], %s::smallint[], %s::float8[], %s::int[])
        AS p(term, field, weight, length)
"""


def _insert(cursor, analyzed: Iterable[AnalyzedDocument], *,
            postings_table: str = "search_searchposting") -> None:
    sql = _INSERT_POSTINGS.format(table=postings_table)
    for item in analyzed:
        cursor.execute(_INSERT_DOCUMENT, _document_row(item))
        terms, fields, weights, lengths = (list(column) for column in zip(*item.postings,
                                                                           strict=True))
        cursor.execute(sql, [item.article_id, terms, fields, weights, lengths])


def _count_terms(cursor, postings: list[tuple[str, int, float, int]]) -> None:
    """Count one more document for each (term, field) of a document's postings
    (a document's old postings are uncounted in SQL as they are deleted)."""
    if not postings:
        return
    cursor.execute(
        """INSERT INTO search_searchterm (field, term, documents)
           SELECT field, term, 1 FROM unnest(%s::smallint[], %s::text[]) AS t(field, term)
           ON CONFLICT (field, term)
           DO UPDATE SET documents = search_searchterm.documents + 1""",
        [[p[1] for p in postings], [p[0] for p in postings]])


def _analyze(item: tuple[int, dict]) -> AnalyzedDocument:
    return analyze_document(*item)


def _analyzed(articles, *, procs: int = 1) -> Iterator[AnalyzedDocument]:
    """The articles analyzed, in order; by ``procs`` processes when more than
    one (analysis is pure Python: jieba and stemming)."""
    articles = list(articles)
    learned = article_phrases_for([a.pk for a in articles])
    documents = ((a.pk, article_document(a, learned=learned.get(a.pk))) for a in articles)
    if procs <= 1 or len(articles) < 100:
        yield from map(_analyze, documents)
        return
    # Forked children only analyze: they never touch the database connection
    # they inherit, and leave with os._exit (no finalizer closes it).
    with multiprocessing.get_context("fork").Pool(procs) as pool:
        yield from pool.imap(_analyze, documents, chunksize=16)


def _new_generation(cursor) -> None:
    cursor.execute(
        "UPDATE search_searchgeneration SET number = number + 1, stamp = %s WHERE id = 1",
        [uuid.uuid4().hex])


class PostgresBackend:
    name = "postgres"
    writes_in_transaction = True

    def __init__(self):
        self._view: PostgresView | None = None

    def _generation(self) -> tuple[int, str] | None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT number, stamp FROM search_searchgeneration WHERE id = 1")
            row = cursor.fetchone()
        return (row[0], row[1]) if row else None

    def view(self) -> PostgresView:
        key = self._generation()
        if key is None:
            raise store.IndexUnavailable(
                "no PostgreSQL search index yet: run manage.py rebuild_index")
        current = self._view
        if current is not None and current.key == key:
            return current
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*), coalesce(sum(head_length), 0), "
                           "coalesce(sum(meta_length), 0), coalesce(sum(body_length), 0) "
                           "FROM search_searchdocument")
            count, head, meta, body = cursor.fetchone()
        # Threads that see a new generation at once each build a view; the
        # last one kept is as good as any (replacing the reference is atomic).
        fresh = PostgresView(key, count, {"head": head, "meta": meta, "body": body})
        self._view = fresh
        return fresh

    def health(self) -> tuple[bool, str]:
        try:
            found = self._generation()
        except Exception as exc:  # the database's own errors, whatever the driver
            return False, f"search tables: {exc}"
        if found is None:
            return False, "no PostgreSQL search index yet"
        return True, "ok"

    def analysis_version(self) -> int | None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT analysis FROM search_searchgeneration WHERE id = 1")
            row = cursor.fetchone()
        return row[0] if row else None

    @transaction.atomic
    def index_article(self, *, article_id: int) -> str:
        """Bring one article's rows in line with the database, in the caller's
        transaction: "indexed", "removed", or "no-index" before the first
        rebuild."""
        with connection.cursor() as cursor:
            # The generation row's lock orders every write to the index.
            cursor.execute("SELECT number FROM search_searchgeneration WHERE id = 1 FOR UPDATE")
            if cursor.fetchone() is None:
                log.warning("index_article_skipped backend=postgres id=%s reason=no-index",
                            article_id)
                return "no-index"
            cursor.execute(
                """WITH old AS (DELETE FROM search_searchposting WHERE article_id = %s
                                RETURNING field, term)
                   UPDATE search_searchterm t SET documents = t.documents - 1
                   FROM old WHERE t.field = old.field AND t.term = old.term""", [article_id])
            cursor.execute("DELETE FROM search_searchdocument WHERE article_id = %s",
                           [article_id])
            article = published_articles().filter(pk=article_id).first()
            action = "removed"
            if article is not None:
                analyzed = next(_analyzed([article]))
                _insert(cursor, [analyzed])
                _count_terms(cursor, analyzed.postings)
                action = "indexed"
            _new_generation(cursor)
        log.info("index_article backend=postgres id=%s action=%s", article_id, action)
        return action

    @transaction.atomic
    def rebuild(self, *, progress: Callable[[int, int], None] | None = None,
                procs: int = 1) -> int:
        """Rewrite every row in one transaction: searches read the old rows
        until it commits; an article saved meanwhile waits for it. ``procs``
        processes analyze the text."""
        t0 = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO search_searchgeneration (id, number, stamp, analysis) "
                "VALUES (1, 0, '', %s) ON CONFLICT (id) DO NOTHING", [ANALYSIS_VERSION])
            cursor.execute("SELECT number FROM search_searchgeneration WHERE id = 1 FOR UPDATE")
            cursor.execute("UPDATE search_searchgeneration SET analysis = %s WHERE id = 1",
                           [ANALYSIS_VERSION])
            for table in ("search_searchposting", "search_searchterm", "search_searchdocument"):
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (a fixed name)
            # Postings go in sorted by term: a term's postings then share a
            # few pages, which is what a search reads.
            cursor.execute("DROP TABLE IF EXISTS search_posting_load")
            cursor.execute("CREATE TEMPORARY TABLE search_posting_load "
                           "(LIKE search_searchposting) ON COMMIT DROP")
            articles = list(published_articles())
            counts: dict[tuple[int, str], int] = defaultdict(int)
            batch: list[AnalyzedDocument] = []
            for done, analyzed in enumerate(_analyzed(articles, procs=procs), start=1):
                for term, code, _weight, _length in analyzed.postings:
                    counts[(code, term)] += 1
                batch.append(analyzed)
                if len(batch) >= BATCH:
                    _insert(cursor, batch, postings_table="search_posting_load")
                    batch = []
                if progress is not None:
                    progress(done, len(articles))
            _insert(cursor, batch, postings_table="search_posting_load")
            cursor.execute("INSERT INTO search_searchposting SELECT * FROM search_posting_load "
                           "ORDER BY term, field, article_id")
            cursor.execute("DROP TABLE search_posting_load")
            keys = list(counts)
            for start in range(0, len(keys), 10_000):
                part = keys[start:start + 10_000]
                cursor.execute(
                    "INSERT INTO search_searchterm (field, term, documents) "
                    "SELECT * FROM unnest(%s::smallint[], %s::text[], %s::int[])",
                    [[k[0] for k in part], [k[1] for k in part], [counts[k] for k in part]])
            _new_generation(cursor)
            # Fresh statistics for the planner (the rows were all rewritten).
            for table in ("search_searchposting", "search_searchterm", "search_searchdocument"):
                cursor.execute(f"ANALYZE {table}")  # noqa: S608 (a fixed name)
        log.info("index_rebuilt backend=postgres articles=%d seconds=%.1f", len(articles),
                 time.monotonic() - t0)
        return len(articles)
