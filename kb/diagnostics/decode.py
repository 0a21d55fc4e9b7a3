"""Turn whatever a customer pasted or uploaded into clean text.

Windows consoles redirect with ``>`` into UTF-16LE (with a BOM), Chinese
Windows consoles write GB18030/cp936, everything else is UTF-8. We try them
in an order that cannot mis-decode silently: BOMs first, then a NUL-byte
pattern that only UTF-16 produces, then strict UTF-8 (which rejects GBK
byte pairs), then GB18030 (which accepts almost anything, so it is last but
one), and finally UTF-8 with replacement so we never raise.
"""

from __future__ import annotations

import re

# Control characters other than tab and newline.  CR is handled separately
# (CRLF -> LF, a lone CR -> LF: ffmpeg redraws its progress line with CR).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _looks_utf16(data: bytes) -> str | None:
    """Guess UTF-16 without a BOM from where the NUL bytes sit."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) / 2
    # ASCII-heavy UTF-16LE text has a NUL in nearly every odd byte.
    if odd_nuls > half * 0.4 and even_nuls < half * 0.05:
        return "utf-16-le"
    if even_nuls > half * 0.4 and odd_nuls < half * 0.05:
        return "utf-16-be"
    return None


def _decode_bytes(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith(b"\xff\xfe"):
        return data[2:].decode("utf-16-le", errors="replace"), "utf-16-le"
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be", errors="replace"), "utf-16-be"
    guess = _looks_utf16(data)
    if guess:
        return data.decode(guess, errors="replace"), guess
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace"), "utf-8-replace"


def decode_paste_with_encoding(data: bytes | str) -> tuple[str, str]:
    """Like :func:`decode_paste` but also return the encoding that was used."""
    if isinstance(data, str):
        text, encoding = data, "str"
        if text.startswith("\ufeff"):
            text = text[1:]
    elif isinstance(data, (bytes, bytearray, memoryview)):
        text, encoding = _decode_bytes(bytes(data))
    else:
        text, encoding = str(data), "str"
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    return text, encoding


def decode_paste(data: bytes | str) -> str:
    """Return normalised text: decoded, LF line ends, no control characters."""
    return decode_paste_with_encoding(data)[0]
