"""What a customer's description says of their own evidence.

The wizard's engine reads a description twice: for words that point at a
fix (kb.diagnostics.rules.KEYWORD_RULES) and for what the customer has
already measured or tried, which answers a fix's question "no" ("0% loss",
"0 dropped frames", a keyframe interval already at 2 s, a CPU that is fine,
first hops without loss, sound after a click) or says the standard fix did
not help. This module is the second reading; the patterns the keyword
rules share with it are public here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .numbers import DECIMAL, reading
from .typing_forms import ascii_alphanumerics

# The encoder's own count said to be clean ("0 dropped frames", OBS's
# "Dropped Frames (Network) 0 / 54012", "没有丢帧", "丢帧都没有"): the push is not what
# stalls. The words about dropped frames then do not point at the uplink
# (kb.diagnostics.engine), and the viewers' side comes first.
ENCODER_CLEAN = (
    r"\b(?:0|no|zero)\s+(?:dropped\s+frames?|frames?\s+dropped)"
    r"|dropped\s+frames(?:\s*\(?network\)?)?\s*(?:is|are|=|:|at)?\s*0(?:\.0+)?\s*%?(?![\d.])"
    r"|(?:没有|没|(?<!会)不|无)[丢掉]帧|丢帧(?:数|率)?\s*(?:为|是|=|:)?\s*0(?![\d.])"
    # 一点丢帧都没有, 一帧都没丢, 一帧没掉 (掉帧 is 丢帧 too).
    r"|[丢掉]帧(?:都|也)没有?|一帧(?:都|也)?没有?[丢掉]"
    r"|(?<![\d.])0\s*丢帧"
    r"|丢弃的帧\s*\(网络\)\s*0(?![\d.])"
)
_ENCODER_CLEAN_RE = re.compile(ENCODER_CLEAN, re.I)


# "GOP 已经设成 2 秒了", "keyframe interval is already 2s": the keyframe fix is
# done; a first frame that is still slow has another cause.
_KEYFRAME_SAID_SET_RE = re.compile(
    r"(?:\bgop\b|key\s?frame interval|\bkeyint\b|关键帧间隔|关键帧)[^,.;，。；]{0,12}?"
    r"(?:已经|already|都|(?:is|was) (?:now )?(?:fixed|set) (?:at|to)|设的|设成了|改成了)"
    r"[^,.;，。；]{0,10}?(?<![\d.])2\s*(?:s\b|secs?\b|seconds?\b|秒)",
    re.I,
)


def keyframe_said_set(text: str) -> bool:
    """The description says the keyframe interval is already 2 seconds."""
    return _KEYFRAME_SAID_SET_RE.search(text) is not None


def encoder_said_clean(text: str) -> bool:
    """The description (as :func:`description_text` gives it) says the
    encoder drops no frames."""
    return _ENCODER_CLEAN_RE.search(text) is not None


# "0% loss", "no packet loss", 丢包率是0, 没有丢包: the customer measured the
# loss and there is none (a lookbehind keeps "100% loss" out). Their words
# about loss then suggest no loss fix, as a pasted path without loss does not.
_NO_LOSS_RE = re.compile(
    r"(?:(?<![\d.])0(?:\.0+)?\s*%?|\bno|\bzero)\s+(?:packet\s+)?loss"
    r"|\bloss\s*(?:is|=|:|at|of)?\s*(?<![\d.])0(?:\.0+)?\s*%?(?![\d.])"
    # 丢不丢包 asks; 会不会丢包 too.
    r"|(?:没有|没|(?<![会丢])不|无)丢包"
    r"|丢包率?\s*(?:为|是|=|:|：)?\s*(?<![\d.])0(?:\.0+)?\s*%?(?![\d.])"
    # "ping and packet loss look fine", 丢包也正常.
    r"|\bloss\s+(?:looks?|looked|is|are|seems?|was)\s+(?:fine|ok|okay|normal|good|clean)\b"
    r"|丢包率?(?:也|都)?(?:正常|没问题)",
    re.I,
)


# Loss the same description reports elsewhere: "no loss inside, heavy loss
# after the international exit" answers nothing.
_LOSS_REPORTED_RE = re.compile(
    r"(?<![\d.])(?:[1-9]\d?(?:\.\d+)?|100)\s*%\s*(?:packet\s+)?loss"
    r"|\b(?:heavy|high|severe|lots of|serious)\s+(?:packet\s+)?loss"
    r"|\bloss\s+(?:starts|begins)"
    r"|(?<![\d.])(?:[1-9]\d?(?:\.\d+)?|100)\s*%\s*(?:starting|starts|beginning|begins|from)\b"
    r"|(?:以后|之后|开始|后面)[^，。,.；;]{0,6}丢包"
    r"|丢包(?:很|挺|非常)?(?:严重|多|高)",
    re.I,
)


def loss_said_none(text: str) -> bool:
    """The description says the customer measured no packet loss."""
    return _NO_LOSS_RE.search(text) is not None and _LOSS_REPORTED_RE.search(text) is None


# "The preview is smooth", 主播这边看着好好的, 源站流正常 (the origin the CDN's
# edges pull from): the publisher's side is fine, so the stutter the viewers
# report starts after the ingest.
PUBLISHER_SIDE_FINE = (
    r"\b(?:preview|my end|our end|my side|our side)\b[^.,;!?]{0,30}?"
    r"\b(?:is|looks|seems)\s+(?:smooth|fine|ok|okay|perfect|good)\b"
    r"|(?:主播|推流端|预览|源站)(?:这边|那边|端)?[^，。,.；;\s]{0,8}?(?:很|挺|都|全)?"
    # 不正常, 不流畅: not fine.
    r"(?<!不)(?:流畅|正常|好好的|没问题)"
)


# The first hops of a path without loss, the loss beginning further on: the
# customer's own network is not where packets are lost.
FIRST_HOPS_CLEAN = (
    r"\bfirst (?:few |two |three |\d )?hops?\b[^.;]{0,20}?"
    r"(?:clean|fine|ok|okay|(?<![\d.])0(?:\.0+)?%|no loss|zero loss)"
    r"|前(?:面)?(?:几|两|三|\d+)?跳[^，。,；;]{0,8}?(?:(?<![\d.])0(?:\.0+)?%?(?![\d.])|正常|不丢|干净|没丢|没有丢)"
)
_FIRST_HOPS_CLEAN_RE = re.compile(FIRST_HOPS_CLEAN, re.I | re.A)


# "CPU is fine now (20%)", CPU占用正常: the encoder keeps up.
_CPU_FINE_RE = re.compile(
    r"\bcpu\b[^.;,]{0,12}?\b(?:is |looks |stays )?(?:fine|ok|okay|low|normal)\b"
    r"|cpu\s*(?:占用|使用率|利用率)?[^，。,.；;]{0,6}(?:正常|不高|很低|没问题)",
    re.I | re.A,
)


def cpu_said_fine(text: str) -> bool:
    """The description says the encoder's CPU is not the limit."""
    return _CPU_FINE_RE.search(text) is not None


def first_hops_said_clean(text: str) -> bool:
    """The description says the path's first hops lose nothing."""
    return _FIRST_HOPS_CLEAN_RE.search(text) is not None


# The sound a muted autoplay leaves for the viewer to turn on: the stream
# has its audio (the engine then leaves the no-audio fix out of the words).
# "要点一下才有，" with nothing after 有: the sound the sentence is about.
SOUND_AFTER_A_CLICK = (r"点一下才(?:有|出)?声|点一下才有(?=[，,。.；;！!]|$)"
                       r"|(?:click|tap)(?:s|ing)? (?:to )?unmute")
_SOUND_AFTER_A_CLICK_RE = re.compile(SOUND_AFTER_A_CLICK, re.I)


def sound_after_a_click(text: str) -> bool:
    """The description says the sound comes once the viewer clicks."""
    return _SOUND_AFTER_A_CLICK_RE.search(text) is not None


# The upload a customer measured and the bitrate they set, in their words:
# "speedtest upload is 5 mbps, obs bitrate 6000", "i have 6mbps upload ...
# at 8000 kbps", 测速上行只有 3M，码率设的 6000, 上行才 10M，推 8M 码率. Gaps
# hold no digit and no sentence break, so a number belongs to the word
# before it.
_GAP = r"[^\d.,;!?，。；！？]"
_MBPS = r"(?:mbps|mbit/s|mbits?/s|mb/s|mbits?|mb|m|兆)(?![a-z])"
_KBPS = r"(?:kbps|kbit/s|kbits?/s|kb/s|kbits?|kb|k)(?![a-z\d])"
_RATE = rf"(?<![\d.])(?P<rate>{DECIMAL})\s*"
_UPLOAD_RES = (
    re.compile(rf"(?:\bupload(?:s|ed|ing)?|\buplink|\bupstream|上行|上传){_GAP}{{0,24}}?"
               rf"{_RATE}(?P<unit>{_MBPS})"),
    re.compile(rf"{_RATE}(?P<unit>{_MBPS})\s*(?:of\s+)?(?:upload|uplink|upstream|up\b|上行)"),
)
_BITRATE_RES = (
    re.compile(rf"(?:\bbit ?rate|码率|比特率){_GAP}{{0,20}}?{_RATE}"
               rf"(?P<unit>{_KBPS}|{_MBPS})?(?![\d.])"),
    re.compile(rf"{_RATE}(?P<unit>{_KBPS}|{_MBPS})\s*(?:的)?\s*(?:码率|bit ?rate)"),
    re.compile(rf"{_RATE}(?P<unit>{_KBPS})"),
)
# A unitless bitrate below this is megabits (码率 8), at or above kilobits
# (码率 6000); a "k" figure below it is a resolution (4k), not a rate.
_KBPS_FLOOR = 100


@dataclass(frozen=True)
class StatedRates:
    """An upload (Mbit/s) and a bitrate (kbit/s) a description states."""

    upload_mbps: float
    bitrate_kbps: int


def rates_stated(text: str) -> StatedRates | None:
    """The upload and the bitrate the description (as
    :func:`description_text` gives it) states, when it states both: the
    lowest upload, as the articles ask for the lowest of three tests, and
    the highest bitrate (a video figure beside an audio one)."""
    uploads: list[tuple[float, tuple[int, int]]] = []
    for pattern in _UPLOAD_RES:
        for m in pattern.finditer(text):
            value = reading(m.group("rate"))
            if value:
                uploads.append((value, m.span("rate")))
    if not uploads:
        return None
    taken = {span for _, span in uploads}
    bitrates = [rate for pattern in _BITRATE_RES for m in pattern.finditer(text)
                if m.span("rate") not in taken
                and (rate := _kbps(m.group("rate"), m.group("unit"))) is not None]
    if not bitrates:
        return None
    return StatedRates(upload_mbps=min(value for value, _ in uploads), bitrate_kbps=max(bitrates))


def _kbps(rate: str, unit: str | None) -> int | None:
    value = reading(rate)
    if not value:
        return None
    if unit and unit[0] in "m兆":
        value *= 1000
    elif unit is None and value < _KBPS_FLOOR:
        value *= 1000
    elif value < _KBPS_FLOOR:
        return None
    return int(value)


# What a customer writes when the standard fix did not help (lower case;
# "re:" prefix = regex).
FIX_FAILED_PHRASES: tuple[str, ...] = (
    "didn't help",
    "did not help",
    "doesn't help",
    "does not help",
    "didn't work",
    "did not work",
    "no luck",
    "no change",
    "no difference",
    "as the article says",
    "as the article said",
    "followed the article",
    "followed the fix",
    "tried the fix",
    "re:\\balready (?:tried|switched|lowered|changed|reduced|set|moved|replaced)\\b",
    "re:\\bstill (?:the same|there|drop|fail|stutter|lag|freez|disconnect|buffer|los)",
    "没用",
    "没有用",
    "不管用",
    "无效",
    "还是不行",
    "还是丢",
    "还是卡",
    "还是断",
    "仍然",
    "依然",
    "已经试",
    "已经按",
    "试过了",
    "按文章",
    "照着文章",
)


_FIX_FAILED_WORDS = tuple(p for p in FIX_FAILED_PHRASES if not p.startswith("re:"))
_FIX_FAILED_PATTERNS = tuple(re.compile(p[3:]) for p in FIX_FAILED_PHRASES if p.startswith("re:"))


def description_text(description: str | None) -> str:
    """The description as the phrases here are written: lower case, the
    typographic apostrophe macOS and iOS type (U+2019, "didn’t") read as
    the typewriter one, full-width letters and digits as ASCII."""
    return ascii_alphanumerics(description or "").lower().replace("\u2019", "'")


def fix_failed(description: str) -> bool:
    """The customer says the standard fix was tried and did not help."""
    text = description_text(description)
    if not text.strip():
        return False
    return any(word in text for word in _FIX_FAILED_WORDS) or any(
        p.search(text) for p in _FIX_FAILED_PATTERNS
    )
