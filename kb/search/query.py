"""From what a customer typed to a Whoosh query.

User text is never handed to Whoosh's query parser: any text is a valid
query, so unbalanced quotes, ``AND OR NOT (``, ``title:*`` and pasted logs are
just words. The query is built here:

- every distinct word looks in every text field (field weights come from the
  schema) and the scores add up, so articles matching more words rank higher;
  a word most articles contain is looked up in the short fields only, and a
  long paste keeps its rarest words: pure-Python scoring costs one step per
  posting, and common words have the longest posting lists;
- curated synonyms add the other words of their group ("gop" also looks for
  "keyframe interval" and 关键帧间隔) when the customer's word is one the
  articles rarely use (a word they use often already finds them);
- a word that is not in the index's vocabulary (a typo) also looks for its
  closest vocabulary words; known words are never expanded, so correct
  queries are not flooded; an unknown name with full stops ("restream.io")
  also looks for its known words;
- quoted text, short pasted lines, the sentences of a longer line and what
  in them a tool may have printed (from a capitalised word on, up to the
  customer's own words; a run of Latin words in Chinese; an error's code
  name such as net::ERR_CONNECTION_RESET) also match as phrases in the
  fields that keep positions (head: title and symptoms; meta: summary and
  tags), with a strong boost, so an exact error string ranks the article
  that quotes it first, also in the middle of what the customer wrote; so
  does a message an article quotes, found whole wherever it stands
  (kb.search.messages).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from whoosh import query as wq

from kb.diagnostics.typing_forms import ascii_alphanumerics
from kb.search.analysis import cached_stem, surface_words
from kb.search.schema import PHRASE_FIELDS, TEXT_FIELDS

if TYPE_CHECKING:
    from kb.search.messages import KnownMessages

MAX_QUERY_CHARS = 500
MAX_WORDS = 32
# Words scored per query: a pasted log keeps its rarest (most telling) words.
# A bound for speed. A word no article's body has takes no place in it: it
# has no postings to read, and it only counts through a correction or a known
# part of it, so a long message's names (a venue, a hall, a city) no longer
# push its telling words out (B 帧 in a question that named 分会场). On the
# evaluation set (2,804 queries) that moved 20 queries up and 8 down (MRR
# 0.964 to 0.966) at no measured cost; scoring 16 words instead moved 27 up
# and 6 down (0.968), at 1.26x the bare search's p95 (5,000 articles).
MAX_SCORED_WORDS = 12
# A word in more than this share of articles tells little: it is looked up in
# the short fields only, not in every body (the long posting lists are what
# makes a pure-Python search slow).
COMMON_WORD_RATIO = 0.2
# Synonyms expand a word only when fewer articles than this share use it.
SYNONYM_WORD_RATIO = 0.05
MAX_SYNONYMS = 3
MAX_PHRASES = 5
PHRASE_BOOST = 3.0
SYNONYM_BOOST = 0.9
CORRECTION_BOOST = 0.8
# A word only in what the customer already did ("switched x264 to NVENC, but
# OBS still drops frames"): it names the fix tried, not the problem left.
TRIED_WEIGHT = 0.5

_QUOTED = re.compile(r'"([^"\n]{2,200})"|“([^”\n]{2,200})”|「([^」\n]{2,200})」')
_CJK = re.compile(r"[\u3400-\u9fff]")
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{2,}")


@dataclass
class PreparedQuery:
    text: str
    truncated: bool = False
    phrases: list[str] = field(default_factory=list)


def prepare(raw: str, *, max_chars: int = MAX_QUERY_CHARS) -> PreparedQuery:
    """Clean user text: no control characters, bounded length, quoted phrases."""
    cleaned = []
    # Full-width letters and digits (a Chinese input method's 全角 mode) as ASCII.
    for ch in ascii_alphanumerics(raw[: max_chars * 4]):
        if ch in "\n\r\t":
            cleaned.append("\n" if ch != "\t" else " ")
        elif unicodedata.category(ch)[0] != "C":
            cleaned.append(ch)
    text = "".join(cleaned)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    text = "\n".join(line for line in lines if line).strip()
    truncated = len(raw) > max_chars * 4 or len(text) > max_chars
    text = text[:max_chars]
    phrases = [next(g for g in m.groups() if g) for m in _QUOTED.finditer(text)]
    return PreparedQuery(text=text, truncated=truncated, phrases=phrases[:MAX_PHRASES])


def stem_word(word: str) -> str:
    return cached_stem(word) if word.isascii() and not word.isdigit() else word


class _Union(wq.Or):
    """An Or matched as a tree of unions.

    On small indexes Whoosh's Or preloads every match into arrays the size of
    the index, per clause; with a clause per word and field that dominated
    query time.
    """

    matcher_type = wq.Or.DEFAULT_MATCHER


def _best_of(queries: list[wq.Query], boost: float = 1.0) -> wq.Query:
    """Alternatives: one word in several fields, a word or its correction."""
    if len(queries) == 1 and boost == 1.0:
        return queries[0]
    return _Union(queries, boost=boost)


class _Stats:
    """Per query: which terms are common in the index."""

    def __init__(self, reader):
        self.reader = reader
        self.limit = COMMON_WORD_RATIO * max(reader.doc_count_all(), 1)
        self.synonym_limit = SYNONYM_WORD_RATIO * max(reader.doc_count_all(), 1)
        # Set once the query's words are known: with enough telling words, a
        # common word only counts where customers' words are (the head).
        self.enough_rare_words = False
        self._df: dict[str, int] = {}

    def df(self, term: str) -> int:
        found = self._df.get(term)
        if found is None:
            found = self._df[term] = self.reader.doc_frequency("body", term)
        return found

    def common(self, term: str) -> bool:
        return self.df(term) > self.limit

    def fields(self, term: str) -> tuple[str, ...]:
        if not self.common(term):
            return TEXT_FIELDS
        return ("head",) if self.enough_rare_words else PHRASE_FIELDS


def _any_field(term: str, boost: float = 1.0, *, stats: _Stats, weight: float = 1.0
               ) -> wq.Query:
    return _best_of([wq.Term(name, term, boost=weight) for name in stats.fields(term)],
                    boost=boost)


def _phrase(terms: list[str], boost: float) -> wq.Query:
    if len(terms) == 1:
        return _best_of([wq.Term(name, terms[0]) for name in PHRASE_FIELDS], boost=boost)
    return _best_of([wq.Phrase(name, terms) for name in PHRASE_FIELDS], boost=boost)


def _synonym(terms: tuple[str, ...], stats: _Stats) -> wq.Query:
    """One word of a synonym group; several words match as a phrase."""
    if len(terms) == 1:
        return _any_field(terms[0], stats=stats)
    return _phrase(list(terms), 1.0)


class SynonymTable:
    """Synonym groups as sequences of index terms, matched against a query."""

    def __init__(self, groups: list[list[str]]):
        self.groups: list[list[tuple[str, ...]]] = []
        self.by_first: dict[str, list[tuple[tuple[str, ...], int]]] = {}
        for raw_group in groups:
            entries = []
            for phrase in raw_group:
                terms = tuple(stem_word(w) for _, w in surface_words(phrase))
                if terms and terms not in entries:
                    entries.append(terms)
            if len(entries) < 2:
                continue
            index = len(self.groups)
            self.groups.append(entries)
            for terms in entries:
                self.by_first.setdefault(terms[0], []).append((terms, index))
        for candidates in self.by_first.values():
            candidates.sort(key=lambda item: -len(item[0]))

    def expansions(self, terms: list[str]) -> list[tuple[tuple[str, ...], list[tuple]]]:
        """(matched terms, other entries of the group) for each match in ``terms``."""
        found = []
        seen_groups = set()
        for i, term in enumerate(terms):
            for entry, group in self.by_first.get(term, ()):
                if tuple(terms[i : i + len(entry)]) == entry and group not in seen_groups:
                    seen_groups.add(group)
                    others = [e for e in self.groups[group] if e != entry]
                    found.append((entry, others))
                    break
        return found


@dataclass
class BuiltQuery:
    query: wq.Query | None
    corrections: dict[str, str] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)
    # Index terms worth highlighting: the words, their corrections, synonyms.
    terms: set[str] = field(default_factory=set)
    # Per scored word, its clauses: the word in its fields, then each
    # correction (what a match on that word can score: kb.search.confidence).
    word_clauses: list[list[wq.Query]] = field(default_factory=list)


def _correctable(word: str) -> bool:
    if _CJK.search(word):
        return len(word) >= 2
    return len(word) >= 4 and not word.isdigit()


def _known(word: str, reader) -> bool:
    """In the index: a vocabulary word, or a (stemmed) term of any text field."""
    if reader.frequency("vocab", word) > 0:
        return True
    term = stem_word(word)
    return any(reader.doc_frequency(name, term) > 0 for name in TEXT_FIELDS)


def _corrections(word: str, *, reader, corrector) -> list[str]:
    if _CJK.search(word) or not _correctable(word) or _known(word, reader):
        return []
    # Two edits turn too many real words of six or seven letters into others
    # (refund -> refused).
    maxdist = 1 if len(word) <= 7 else 2
    # Sharing the first character keeps the lookup fast; typos rarely hit it.
    found = corrector.suggest(word, limit=2, maxdist=maxdist, prefix=1)
    # Two neighbouring letters typed in the wrong order (snyc, recieve) are
    # one slip of the fingers but two edits: the word they make comes first.
    swapped = [w for w in _transpositions(word) if reader.frequency("vocab", w) > 0]
    return list(dict.fromkeys(swapped + found))[:2]


def _known_parts(word: str, *, reader) -> list[str]:
    """The known words of an unknown word with full stops: a product or
    host name the articles write without its domain ("restream.io",
    "live.twitch.tv"). A version number has no part long enough."""
    if "." not in word or _known(word, reader):
        return []
    return [part for part in dict.fromkeys(word.split("."))
            if len(part) >= 3 and not part.isdigit() and _known(part, reader)]


def _transpositions(word: str) -> list[str]:
    return [word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)
            if word[i] != word[i + 1]]


def _chinese_corrections(text: str, *, chinese) -> dict[str, str]:
    """Input-method slips in runs of Chinese (kb.search.spelling.ChineseCorrector):
    防盗连 -> 防盗链, 关键真间隔 -> 关键帧间隔; typed window -> corrected word."""
    found: dict[str, str] = {}
    if chinese is None:
        return found
    for run in _CJK_RUN.findall(text):
        for correction in chinese.correct(run):
            found.setdefault(correction.typed, correction.corrected)
    return found


# Where a sentence ends: a full stop with a space after it (not the one in a
# host name), or Chinese punctuation.
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|(?<=[。！？；])")
# An error message's first word in a sentence of the customer's own words:
# capitalised after at least one word ("OBS says Failed to connect ...").
_MESSAGE_START = re.compile(r"(?<=\S)\s+(?=[A-Z][a-z])")
# A run of Latin-script words in Chinese text: what a tool printed, quoted
# without quotes ("OBS一直弹 Failed to connect to server 推不上去").
_LATIN_RUN = re.compile(r"[A-Za-z][^\u3400-\u9fff\uff00-\uffef\u3000-\u303f]*[A-Za-z.]")


# An error's code name: capitals joined by underscores, with a browser's
# net:: before it.
_ERROR_NAME = re.compile(r"\b(?:[a-z]+::)?[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")


def _phrase_like(text: str) -> bool:
    return 2 <= len(text.split()) <= 12 or bool(_CJK.search(text) and 2 <= len(text) <= 30)


# Where the customer's own words take over from a message they quote: a tool
# says neither "I" nor "we", nor when or where it happened.
_OWN_WORDS = re.compile(r"\s+(?:i|we|my|our|us|when|whenever|as soon as|every time|since|after|"
                        r"because|but|on|at|from|in|for)\b", re.I)


def _own_words_cut(text: str) -> str:
    return _OWN_WORDS.split(text, maxsplit=1)[0]


def _messages_in(sentence: str) -> list[str]:
    """Parts of a sentence that may be a message it quotes: from its first
    or a later capitalised word on, up to where the customer's own words go
    on ("OBS says Failed to connect to server as soon as I press Start
    Streaming"), and each run of Latin words in Chinese, with the same parts
    of each of its sentences ("工地 OBS Failed to connect to server. The
    connection timed out 4G路由器")."""
    if not _CJK.search(sentence):
        return _latin_messages(sentence)
    found = []
    for run in _LATIN_RUN.findall(sentence):
        found.append(run)
        for part in _SENTENCE_END.split(run):
            found += _latin_messages(part)
    return [part for part in dict.fromkeys(found) if len(part.split()) >= 3]


def _latin_messages(sentence: str) -> list[str]:
    """The parts of a sentence in Latin script that may be a message it
    quotes. A short sentence is a source as it is (_phrase_sources)."""
    found = [_own_words_cut(sentence)] if sentence[:1].isupper() and \
        not _phrase_like(sentence) else []
    for later in _MESSAGE_START.split(sentence, maxsplit=1)[1:]:
        found += [later, _own_words_cut(later)]
    return [part for part in dict.fromkeys(found) if len(part.split()) >= 3]


def _phrase_sources(prepared: PreparedQuery, messages: KnownMessages | None = None
                    ) -> list[str]:
    if prepared.phrases:
        return prepared.phrases
    # A message an article quotes, wherever it stands (kb.search.messages).
    sources = messages.found_in(prepared.text) if messages is not None else []
    # A pasted error message is a line of a few words, or a sentence of a
    # longer line, or the part of one a tool printed: match it as a phrase.
    # An error's code name is a message of its own, wherever it stands
    # (net::ERR_CONNECTION_RESET, SRT_ECONNREJ): its parts, in order.
    sources += _ERROR_NAME.findall(prepared.text)
    for line in prepared.text.split("\n"):
        if _phrase_like(line) and not _CJK.search(line):
            # A short line is the message itself: its end is no message of its
            # own ("Could not write header ...: Operation not permitted").
            sources.append(line)
            continue
        for sentence in [line] if _phrase_like(line) else _SENTENCE_END.split(line):
            if _phrase_like(sentence):
                sources.append(sentence)
            sources.extend(_messages_in(sentence))
    return list(dict.fromkeys(sources))[:MAX_PHRASES]


# "Did X, still Y": a clause saying what was done, then one saying what
# remains. Clauses end at punctuation and where "but" or "still" begins one.
_CLAUSE_END = re.compile(
    r"[,.;!?，。；！？\n]|\s(?=but\b|still\b|yet\b)|(?=但是?|可是|还是|仍然|依然)", re.I)
_TRIED = re.compile(
    r"\b(?:already|tried|switched|changed|moved|lowered|raised|increased|reduced|cut|"
    r"upgraded|regenerated|enabled|disabled|added|followed|rebooted|restarted|reinstalled|"
    r"flushed|whitelisted|replaced|fixed)\b"
    r"|已经|试过|换了|换成|改成|改了|改为|降到|加到|调到|升级了|重启了|清过|按照",
    re.I,
)
_STILL = re.compile(r"\b(?:still|yet)\b|还是|仍然|依然", re.I)


def tried_words(text: str) -> set[str]:
    """The words only in clauses that say what the customer already did,
    when another clause says the problem is still there: "switched x264 to
    NVENC, but OBS still drops frames" -> {switched, x264, nvenc}."""
    if not _STILL.search(text):
        return set()
    clauses = [c for c in _CLAUSE_END.split(text) if c.strip()]
    tried, told = set(), set()
    for clause in clauses:
        words = {w for _, w in surface_words(clause)}
        (tried if _TRIED.search(clause) and not _STILL.search(clause) else told).update(words)
    return tried - told if told else set()


def build_query(prepared: PreparedQuery, *, reader, corrector, synonyms: SynonymTable,
                chinese=None, messages: KnownMessages | None = None) -> BuiltQuery:
    words = []
    seen = set()
    for original, word in surface_words(prepared.text):
        if word not in seen:
            seen.add(word)
            words.append((original, word))
        if len(words) >= MAX_WORDS:
            break
    if not words:
        return BuiltQuery(query=None)
    stats = _Stats(reader)
    stats.enough_rare_words = sum(not stats.common(stem_word(w)) for _, w in words) >= 2
    tried = tried_words(prepared.text)
    df = [stats.df(stem_word(word)) for _, word in words]
    known = [i for i in range(len(words)) if df[i]]
    if len(known) > MAX_SCORED_WORDS:
        # The rarest words tell the most; the words of what was already
        # tried go first. A word no article body has takes no place.
        keep = set(sorted(known, key=lambda i: (words[i][1] in tried, df[i]))[:MAX_SCORED_WORDS])
        words = [word for i, word in enumerate(words) if i in keep or not df[i]]

    groups: list[wq.Query] = []
    corrections = _chinese_corrections(prepared.text, chinese=chinese)
    if corrections:
        # The words the corrected runs segment into that the typed ones lacked
        # (关键真间隔 -> 关键帧间隔) look in every field, a little below the
        # customer's own words.
        typed = {w for _, w in surface_words(prepared.text)}
        corrected = suggestion_text(prepared.text, corrections) or prepared.text
        for _, term in surface_words(corrected):
            if term not in typed:
                typed.add(term)
                groups.append(_any_field(term, CORRECTION_BOOST, stats=stats))
    word_clauses = []
    for original, word in words:
        weight = TRIED_WEIGHT if word in tried else 1.0
        alternatives = [_any_field(stem_word(word), stats=stats, weight=weight)]
        for i, suggestion in enumerate(_corrections(word, reader=reader, corrector=corrector)):
            if i == 0:
                corrections[original] = suggestion
            alternatives.append(_any_field(stem_word(suggestion), CORRECTION_BOOST, stats=stats,
                                           weight=weight))
        # Not a typo, so no "did you mean": the name's own words, a little
        # below a word the customer typed on its own.
        for part in _known_parts(word, reader=reader):
            alternatives.append(_any_field(stem_word(part), CORRECTION_BOOST, stats=stats,
                                           weight=weight))
        groups.append(_best_of(alternatives))
        word_clauses.append(alternatives)

    terms = [stem_word(word) for _, word in words]
    sequences = [terms]
    if corrections:
        corrected_text = suggestion_text(prepared.text, corrections) or prepared.text
        sequences.append([stem_word(w) for _, w in surface_words(corrected_text)])
    for sequence in sequences:
        for entry, others in synonyms.expansions(sequence):
            # A word the articles use often already finds them; synonyms are
            # for the customer's word that the engineers' articles lack.
            if min(stats.df(term) for term in entry) > stats.synonym_limit:
                continue
            # The words the articles use most carry the match; the rest of a
            # large group would only multiply the clauses.
            others = sorted(others, key=lambda o: min(stats.df(t) for t in o) or 10**9)
            others = others[:MAX_SYNONYMS]
            groups.append(_best_of([_synonym(o, stats) for o in others], boost=SYNONYM_BOOST))

    phrases = []
    for source in _phrase_sources(prepared, messages):
        phrase_terms = [stem_word(w) for _, w in surface_words(source)]
        # A known message is also the sentence it was pasted as: once.
        if len(phrase_terms) >= 2 and phrase_terms not in phrases:
            phrases.append(phrase_terms)
            groups.append(_phrase(phrase_terms, PHRASE_BOOST))

    # A plain sum, no coordination bonus: as relevant on the evaluation set,
    # and about twice as fast.
    query = wq.Or(groups) if len(groups) > 1 else groups[0]
    highlight = {text for _field, text in query.iter_all_terms() if isinstance(text, str)}
    return BuiltQuery(query=query, corrections=corrections, words=[w for _, w in words],
                      terms=highlight, word_clauses=word_clauses)


def suggestion_text(text: str, corrections: dict[str, str]) -> str | None:
    """The query with each corrected word replaced, for "did you mean"."""
    if not corrections:
        return None
    out = text
    for original, corrected in corrections.items():
        out = re.sub(re.escape(original), corrected, out, count=1, flags=re.IGNORECASE)
    return out if out != text else None
