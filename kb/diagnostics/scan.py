"""Whole-text pre-filters shared by detection and the parsers.

Running a dozen regexes on every line of a 20,000-line log is what made
parsing slow, although most lines cannot match any of them: each pattern
needs some fixed phrase.  :func:`lines_containing` finds the lines
that hold one of those phrases with one C-speed ``str.find`` pass per
phrase over the whole text; the unchanged per-line regexes then run on
those lines only, so results are the same.
"""

from __future__ import annotations

from collections.abc import Iterable

# re.IGNORECASE (str patterns) also matches these to an ASCII letter;
# str.lower() does not (and turns U+0130 into two characters).  The Kelvin
# sign U+212A is the only other such character and lower() maps it to "k".
_RE_IGNORECASE_EXTRA = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})


def fold_case(text: str) -> str:
    """Lower-case ``text`` the way ``re.IGNORECASE`` compares ASCII letters.

    For a phrase of ASCII characters, ``phrase.lower() in fold_case(s)`` is
    true exactly when ``re.search(re.escape(phrase), s, re.I)`` matches.
    The result has the length of ``text``, so offsets carry over.
    """
    if text.isascii():
        return text.lower()
    return text.translate(_RE_IGNORECASE_EXTRA).lower()


def lines_containing(text: str, phrases: Iterable[str]) -> list[int]:
    """Indexes, ascending, into ``text.split("\\n")`` of the lines holding any phrase.

    A phrase must not contain ``"\\n"``.
    """
    starts: set[int] = set()
    for phrase in phrases:
        pos = text.find(phrase)
        while pos >= 0:
            starts.add(text.rfind("\n", 0, pos) + 1)
            end = text.find("\n", pos)
            if end < 0:
                break
            pos = text.find(phrase, end + 1)
    indexes: list[int] = []
    line, counted_to = 0, 0
    for start in sorted(starts):
        line += text.count("\n", counted_to, start)
        counted_to = start
        indexes.append(line)
    return indexes
