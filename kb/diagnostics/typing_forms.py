"""The other forms of the characters customers type, read as the one the
phrases, the index and the articles use.

Pure Python, as the rest of this package, so that search (a layer above)
reads typed text the same way the wizard does.
"""

from __future__ import annotations

# A Chinese input method in full-width mode (全角) types Latin letters and
# digits as their full-width forms (ｏｂｓ, １９３５). Full-width punctuation
# (，：) is ordinary Chinese and is not mapped.
FULL_WIDTH_ALPHANUMERICS = {
    code: code - 0xFEE0
    for first, last in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
    for code in range(first, last + 1)
}


def ascii_alphanumerics(text: str) -> str:
    """``text`` with full-width letters and digits as ASCII, one for one
    (offsets into the text are unchanged)."""
    return text.translate(FULL_WIDTH_ALPHANUMERICS)
