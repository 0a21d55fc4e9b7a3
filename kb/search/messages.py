"""The messages the articles quote, found wherever a customer typed them.

A symptom line of a fix is most often a tool's exact message ("Failed to
connect to server", "Server error: Already publishing"). Customers paste it
with their own words on either side, in any order ("Failed to connect to
server obs hotel guest wifi", "拉流报 ... 昨天还能播"), so where a message
ends is not something the query's own shape tells. The lines themselves
are known: those a query contains, whole, are matched as phrases
(kb.search.query), whatever stands around them.
"""

from __future__ import annotations

import re

from kb.search.documents import published_articles

# A line of fewer Latin words is a keyword or a bare errno ("Operation not
# permitted", which many a tool prints), not a message.
MIN_WORDS = 4
# On the evaluation set (3,124 queries) 3 moved eight queries up and two
# down (one ffmpeg line that two fixes quote, now ranked by the length of
# their texts); 1 moved three up and none down.
MAX_QUOTING_FIXES = 3
_LATIN = re.compile(r"[A-Za-z]")
_CJK = re.compile(r"[\u3400-\u9fff]")
_SPACES = re.compile(r"\s+")
# Latin words: a message may stand right after Chinese (拉流报Failed to ...).
_WORD = re.compile(r"[a-z0-9_]+")
_EXTRAS_KEY = "known-messages"


def normalized(text: str) -> str:
    """Lower case, one space between words, no closing full stop."""
    return _SPACES.sub(" ", text.lower()).strip().rstrip(".!?。！？ ")


class KnownMessages:
    """The messages of a set of symptom lines, found in a text in one pass.

    ``lines`` pairs each line with the fix quoting it (its translation
    group). A message many fixes quote tells nothing of which one
    (`av_interleaved_write_frame(): Broken pipe` ends many a push: four
    fixes quote it): only one that at most ``MAX_QUOTING_FIXES`` quote is
    kept ("Failed to connect to server": three)."""

    def __init__(self, lines: list[tuple[str, str]]):
        fixes: dict[str, set[str]] = {}
        for fix, line in lines:
            if _is_message(line):
                fixes.setdefault(normalized(line), set()).add(fix)
        messages = {message for message, quoting in fixes.items()
                    if len(quoting) <= MAX_QUOTING_FIXES and _WORD.search(message)}
        # Looked up by their first word: a text is read once, word by word,
        # not tried against every message at every character.
        self._by_first_word: dict[str, list[tuple[int, str]]] = {}
        for message in sorted(messages, key=len, reverse=True):
            first = _WORD.search(message)
            self._by_first_word.setdefault(first.group(0), []).append((first.start(), message))

    def found_in(self, text: str) -> list[str]:
        """The messages ``text`` holds as whole words, in the order they come."""
        text = normalized(text)
        found: list[str] = []
        end = 0
        for word in _WORD.finditer(text):
            for offset, message in self._by_first_word.get(word.group(0), ()):
                start = word.start() - offset
                stop = start + len(message)
                # Longest first; a message inside one already found is not another.
                if start >= end and text.startswith(message, start) and \
                        not _word_char(text, start - 1) and not _word_char(text, stop):
                    found.append(message)
                    end = stop
                    break
        return list(dict.fromkeys(found))


def _word_char(text: str, index: int) -> bool:
    return 0 <= index < len(text) and _WORD.match(text[index]) is not None


def _is_message(line: str) -> bool:
    # Latin words only: a Chinese line is matched by its words, and jieba
    # segments it the same way in the query and the article.
    return not _CJK.search(line) and bool(_LATIN.search(line)) and \
        len(line.split()) >= MIN_WORDS


def known_messages_for(view) -> KnownMessages:
    """The known messages of an index generation (read once per generation:
    an edit that changes a symptom line makes a new one)."""
    found = view.extras.get(_EXTRAS_KEY)
    if found is None:
        # Two columns, not the articles: the first search after an edit waits.
        rows = published_articles().values_list("translation_group", "symptoms")
        lines = [(group, line.strip()) for group, symptoms in rows
                 for line in symptoms.splitlines() if line.strip()]
        found = view.extras.setdefault(_EXTRAS_KEY, KnownMessages(lines))
    return found
