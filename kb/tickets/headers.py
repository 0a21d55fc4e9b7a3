"""Single-line text for e-mail headers built from what customers typed.

A subject or stream ID may hold a line break (pasted from a log, sent by an
API client): in a header Django refuses it with ``BadHeaderError``, and a
refused page is a P1 nobody hears about. So every header the site writes is
built from :func:`header_text`, and the customer's own words go whole into
the body only.
"""

import unicodedata

# Long enough to read a ticket's subject in a mail client's list, short
# enough to stay one line there (Django folds longer headers, but a mail
# client shows only the start anyway).
SUBJECT_LIMIT = 150

# Control characters (category Cc: CR, LF, NUL, tab, ...) and the Unicode
# line and paragraph separators become spaces; format characters (Cf, such
# as the right-to-left override that makes a subject read backwards) and
# lone surrogates (Cs) are dropped.
_TO_SPACE = {"Cc", "Zl", "Zp"}
_DROPPED = {"Cf", "Cs"}


def header_text(value: object, *, limit: int = SUBJECT_LIMIT) -> str:
    """``value`` as one line: control characters collapsed to single spaces,
    at most ``limit`` characters (an ellipsis marks a cut)."""
    characters = []
    for character in str(value):
        category = unicodedata.category(character)
        if category in _TO_SPACE:
            characters.append(" ")
        elif category not in _DROPPED:
            characters.append(character)
    text = " ".join("".join(characters).split())
    if len(text) > limit:
        text = text[:limit - 1].rstrip() + "…"
    return text


def body_text(value: object) -> str:
    """``value`` for an e-mail body: line breaks kept (CR LF and CR become LF),
    tabs kept, other control characters (NUL and the like) dropped."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return "".join(character for character in text
                   if character in "\n\t" or unicodedata.category(character) != "Cc")
