"""What an e-mail's words suggest: its language and its priority.

A stream that is down is a P1 however the customer says it; the phrases
below are the ways customers write it in their e-mails' subjects and first
lines, in both languages. The on-call engineer confirms (or lowers) the
suggestion; the site never lowers it by itself.
"""

import re

STREAM_DOWN = re.compile(
    r"\b(stream|streams|live ?stream|broadcast|channel|ingest|encoder)\b.{0,40}"
    r"\b(is |are |went |has gone |)(down|offline|dead|not working|stopped|dropped)\b"
    r"|\b(stream|broadcast|live) ?(is )?down\b"
    r"|\b(outage|black screen|no video at all|can'?t push|cannot push|unable to push"
    r"|push fail(s|ed|ing)?|off ?air)\b"
    r"|断流|断播|推不上|推流失败|推不了流|直播中断|直播挂了|流挂了|挂了|黑屏|停播|无法推流|掉线了|播不出来",
    re.I | re.S)
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
KANA = re.compile(r"[\u3040-\u30ff]")
LATIN = re.compile(r"[A-Za-z]")

DEFAULT_PRIORITY = "P3"


def suggested_priority(*, subject: str, text: str) -> str:
    """P1 when the subject or the first lines say the stream is down."""
    head = f"{subject}\n{text[:2000]}"
    return "P1" if STREAM_DOWN.search(head) else DEFAULT_PRIORITY


def detected_language(text: str) -> str:
    """``zh-hans`` when Chinese characters weigh more than a fifth of the
    letters (a Chinese e-mail quotes English log lines), else ``en``."""
    sample = text[:5000]
    if len(KANA.findall(sample)) >= 3:
        return "en"  # Japanese: kanji are not Chinese; English is the closer answer
    cjk = len(CJK.findall(sample))
    latin_words = len(re.findall(r"[A-Za-z]+", sample))
    return "zh-hans" if cjk and cjk * 2 >= latin_words else "en"
