"""Text analysis for one index that holds English and Chinese.

One tokenizer handles both languages in the same field, so a mixed query
("obs 推流 failed") works: runs of CJK characters are segmented with jieba
(with a domain dictionary so that 推流, 防盗链, 关键帧间隔 stay whole), other
runs are split into words. English words are stemmed and stop words dropped;
Chinese tokens pass through unchanged.
"""

import logging
import re
import threading
from functools import lru_cache
from pathlib import Path

from whoosh.analysis import (
    Filter,
    LowercaseFilter,
    StemFilter,
    StopFilter,
    Token,
    Tokenizer,
)
from whoosh.lang.porter2 import stem

USER_DICT = Path(__file__).with_name("data") / "userdict.txt"

# The version of the terms an article is indexed under. Raise it with any
# change here that changes them (the stemmer, the stop words, the domain
# dictionary): an index built under another version misses words a query
# now looks up, so bootstrap and the check at worker start rebuild it
# (kb.search.indexing.index_analysis_outdated). An index that records no
# version was built under 1.
# 2: Porter2 (Snowball's English stemmer) in place of Whoosh's Porter, which
#    kept a doubled consonant: "dropping" and "dropped" were "dropp", never
#    "drop" as "drops" is; "lagging" never "lag"; "setting" was "sett".
# 3: a degree word fused with the word after it is split off and dropped
#    ("很卡", "好慢": see _segments), and the degree words 好 超 巨 挺 真 贼
#    蛮 特 alone, and 直播, are stop words; 快直播 is a dictionary word.
# 4: 主播 is a dictionary word: jieba's own dictionary gives it no weight, so
#    after 比 its characters fused into a word no article has ("画面比主播慢
#    20 秒" looked up 比主播).
# 5: the renditions' names 标清 高清 超清 are dictionary words: "没有标清高清"
#    was 标 + 清高 (aloof) + 清, and the transcoding fix lost its best words.
# 6: irregular past forms share their verb's stem (IRREGULAR_FORMS): "the
#    picture froze", "it's frozen" find the articles that say "freezes".
ANALYSIS_VERSION = 6

# A word may hold a full stop (a version, a host name) or an apostrophe:
# the typewriter one or the typographic one (U+2019) that macOS and iOS
# type and Apple's error messages print ("couldn’t"), read as the same word.
_RUNS = re.compile(
    r"(?P<cjk>[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)"
    r"|(?P<word>[0-9A-Za-z\u00c0-\u024f]+(?:[.'\u2019][0-9A-Za-z]+)*)"
)
ENGLISH_STOP_WORDS = frozenset(
    """a an and are as at be but by for from has have how i if in into is it its me my of
    on or our so that the their then there these they this to was we were what when where
    which while who why will with you your can do does did after before again
    constantly continuously very""".split()
)
CHINESE_STOP_WORDS = frozenset(
    "的 了 吗 呢 啊 吧 呀 是 我 我们 你 您 在 怎么 怎么办 怎样 为什么 如何 就 都 也 还 和 与 及 "
    "或 请问 一下 这个 那个 这样 一直 总是 老是 会 说 "
    # Degree words, fillers and the greetings of a chat message: they tell
    # nothing about the problem ("很严重", "老师好，麻烦看看").
    "很 太 非常 特别 比较 有点 有些 好像 感觉 其实 然后 但是 可是 就是 还是 已经 现在 "
    "好 超 巨 挺 真 贼 蛮 特 "
    "那边 这边 我这边 我们这边 他们 大家 各位 老师 你好 您好 谢谢 麻烦 帮忙 看看 帮忙看看 "
    "请教 大佬 大神 求助 急 哈哈 嗯 哦 呃 么 嘛".split()
)

_jieba_lock = threading.Lock()
_jieba_ready = False


def _jieba():
    """jieba with the domain dictionary, loaded once per process."""
    global _jieba_ready
    import jieba

    if not _jieba_ready:
        with _jieba_lock:
            if not _jieba_ready:
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                jieba.load_userdict(str(USER_DICT))
                _jieba_ready = True
    return jieba


def jieba_dictionary() -> tuple[dict[str, int], int]:
    """The segmenter's word frequencies (the domain dictionary included) and
    their total: the word model typo correction weighs runs with."""
    dictionary = _jieba().dt
    return dictionary.FREQ, dictionary.total


@lru_cache(maxsize=4096)
def segment_cjk(run: str) -> tuple[str, ...]:
    """Segment a run of Chinese characters; cached, queries repeat."""
    return tuple(w for w in _jieba().cut(run) if w.strip())


# Degree words ("very", "so", "super") that jieba's model for words outside
# its dictionary fuses with the one-character word after them: "直播很卡" was
# 直播 + 很卡, a word no article has, so the search for it found only 直播.
_DEGREE_PREFIXES = frozenset("很太好超巨挺真贼蛮特")


@lru_cache(maxsize=4096)
def _segments(run: str) -> tuple[str, ...]:
    """``segment_cjk`` with a degree word split from the word it was fused
    with (很卡 -> 很 卡): a dictionary word (超时, 真实, 超高) stays whole."""
    frequencies = jieba_dictionary()[0]
    parts: list[str] = []
    for part in segment_cjk(run):
        if len(part) == 2 and part[0] in _DEGREE_PREFIXES and not frequencies.get(part):
            parts.extend(part)
        else:
            parts.append(part)
    return tuple(parts)


class BilingualTokenizer(Tokenizer):
    """Words for Latin text, jieba segments for Chinese, in text order."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True,
                 mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for word, start, end in _words(value):
            yield self._emit(token, word, pos, start_char + start, start_char + end,
                             keeporiginal, positions, chars)
            pos += 1

    @staticmethod
    def _emit(token, text, pos, startchar, endchar, keeporiginal, positions, chars):
        token.text = text
        token.boost = 1.0
        token.stopped = False
        if keeporiginal:
            token.original = text
        if positions:
            token.pos = pos
        if chars:
            token.startchar = startchar
            token.endchar = endchar
        return token


# Porter2 works on suffixes, so a verb's irregular past is a word of its own:
# "froze" and "frozen" never met "freezes", though a viewer's "the picture
# froze" is the article's "the picture freezes". Only the verbs customers use
# for a stream's symptoms; a word that is also a common word in the articles'
# instructions (went: "go to Settings") is left out.
IRREGULAR_FORMS = {
    "froze": "freeze",
    "frozen": "freeze",
    "hung": "hang",
    "fell": "fall",
    "lost": "lose",
    "broke": "break",
    "broken": "break",
    "heard": "hear",
}


def english_stem(word: str) -> str:
    """Porter2's stem of a lowercase English word, irregular pasts included."""
    return stem(IRREGULAR_FORMS.get(word, word))


class AsciiStemFilter(StemFilter):
    """Porter2 stemming for English words only; Chinese tokens pass untouched."""

    def __init__(self):
        super().__init__(stemfn=english_stem, ignore=None, cachesize=50000)

    def __call__(self, tokens):
        for t in tokens:
            if t.text.isascii() and not t.text.isdigit():
                t.text = self._stem(t.text)
            yield t

    def _stem(self, text: str) -> str:
        return self.stemfn(text)


class TrimPossessiveFilter(Filter):
    """One kind of apostrophe (U+2019 read as "'"), then "'s" trimmed."""

    def __call__(self, tokens):
        for t in tokens:
            if "\u2019" in t.text:
                t.text = t.text.replace("\u2019", "'")
            if t.text.endswith("'s"):
                t.text = t.text[:-2]
            yield t


# "Live streaming": in nearly every Chinese question (直播卡, 直播延迟), it
# told nothing and drew them all to the one article whose head says it most
# (the recording article). 直播间 and 快直播 are words of their own. A search
# stop word only: ticket clustering (kb.learning.clustering) keeps its stored
# terms as they were written, 直播 among them.
SEARCH_ONLY_STOP_WORDS = frozenset({"直播"})
STOP_WORDS = ENGLISH_STOP_WORDS | CHINESE_STOP_WORDS | SEARCH_ONLY_STOP_WORDS


def filter_chain(*, stem_words: bool = True):
    """The analysis as a chain of Whoosh filters: the reference that
    ``BilingualAnalyzer`` reproduces in one pass (and what indexes built
    before it name in their schema)."""
    chain = (
        BilingualTokenizer()
        | LowercaseFilter()
        | TrimPossessiveFilter()
        | StopFilter(stoplist=STOP_WORDS, minsize=1)
    )
    return chain | AsciiStemFilter() if stem_words else chain


class BilingualAnalyzer(Tokenizer):
    """``filter_chain()`` in a single generator: split (jieba for Chinese),
    lowercase, trim "'s", drop or mark stop words (renumbering positions as
    Whoosh's StopFilter does), stem English words. The same tokens, without
    four generators and their per-token calls: analysis is most of the cost
    of indexing, and of a query's preparation."""

    def __init__(self, stem_words: bool = True):
        self.stem_words = stem_words

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="",
                 no_morph=False, **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        stem_words = self.stem_words and not no_morph
        pos = start_pos  # the tokenizer's position, stop words included
        kept_pos = None  # the renumbered position of the last word kept
        for word, start, end in _words(value):
            text = term_text(word)
            if text.endswith("'s"):
                text = text[:-2]
            stopped = not text or text in STOP_WORDS
            if stopped and removestops:
                pos += 1
                continue
            if stem_words and text.isascii() and not text.isdigit():
                text = cached_stem(text)
            token.text = text
            token.boost = 1.0
            token.stopped = stopped
            if keeporiginal:
                token.original = word
            if positions:
                if not stopped:
                    kept_pos = pos if kept_pos is None else kept_pos + 1
                token.pos = pos if stopped else kept_pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            pos += 1
            yield token


def term_text(word: str) -> str:
    """A word as the index spells it: lower case, one kind of apostrophe."""
    text = word.lower()
    return text.replace("\u2019", "'") if "\u2019" in text else text


def _words(value: str):
    """(word, start, end) in text order: jieba's segments for Chinese; a
    resolution, frame rate or bitrate in any of the ways customers write it
    as the same few words (``_quantities``)."""
    skip_to = 0  # a unit word before this offset was read with its number
    skip_char = -1  # the 帧 of "30帧", already read as the frame-rate unit
    for match in _RUNS.finditer(value):
        word = match.group()
        begin = match.start()
        if match.lastgroup == "cjk":
            offset = begin
            if offset == skip_char:
                offset += 1
                word = word[1:]
            for part in _segments(word) if word else ():
                start = value.find(part, offset)
                offset = start + len(part)
                yield part, start, offset
            continue
        if not word[0].isdigit():
            if begin < skip_to:
                continue
            # Most words: no quantity in them (a unit word alone is one).
            if len(word) <= 5 and (unit := _UNIT_WORDS.get(word.lower())) is not None:
                yield unit, begin, match.end()
            else:
                yield word, begin, match.end()
            continue
        end = match.end()
        quantity = None
        number = _NUMBER.fullmatch(word)
        if number:
            following = _RUNS.search(value, end)
            if following is not None:
                gap = value[end:following.start()]
                if following.lastgroup == "cjk" and not gap:
                    run = following.group()
                    unit = _CJK_UNITS.get(run[0])
                    # 30帧 is a frame rate; 30帧率 is not read that way.
                    if unit is not None and segment_cjk(run)[0] == run[0] and \
                            (quantity := _rate(word, unit)) is not None:
                        skip_char = following.start()
                elif following.lastgroup == "word" and (not gap or gap.isspace()):
                    unit = following.group().lower()
                    if unit in _RATE_UNITS and (quantity := _rate(word, unit)) is not None:
                        skip_to = end = following.end()
        if quantity is None and not number:
            quantity = _quantities(word)
        if quantity is None:
            yield word, begin, end
        else:
            for part in quantity:
                yield part, begin, end


# Resolutions, frame rates and bitrates: "720p60", "1280x720 60fps", "4K30",
# "6000k", "6 Mbps", "6M", "30帧" become the words the articles' tables use
# after the same analysis: a resolution ("720p", "1080p", "4k"), a number and
# "fps", a number of kbps and "kbps". Split or dropped, a number meant
# nothing, and "6000k" never met "6000 kbps".
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_RESOLUTION = re.compile(r"(\d{3,4})[pi](\d{2,3})?|([2458])k(\d{2,3})?", re.IGNORECASE)
_FRAME_SIZE = re.compile(r"(\d{3,4})x(\d{3,4})", re.IGNORECASE)
_RATE = re.compile(r"(\d+(?:\.\d+)?)(fps|p|kbps|kbit|kbits|kb|k|mbps|mbit|mbits|mb|m)",
                   re.IGNORECASE)
_HEIGHTS = {"2160": "4k", "4320": "8k"}
_UNIT_WORDS = {"kbps": "kbps", "kbit": "kbps", "kbits": "kbps", "mbps": "kbps",
               "mbit": "kbps", "mbits": "kbps", "fps": "fps"}
_CJK_UNITS = {"帧": "fps", "兆": "m"}
_RATE_UNITS = frozenset({"fps", "kbps", "kbit", "kbits", "kb", "k", "mbps", "mbit", "mbits",
                         "mb", "m"})


def _resolution(height: str) -> str:
    return _HEIGHTS.get(height, f"{int(height)}p")


def _quantities(word: str) -> list[str] | None:
    """The words a quantity (a word starting with a digit) is read as, or None."""
    lower = word.lower()
    found = _RESOLUTION.fullmatch(lower)
    if found:
        height, fps, k, k_fps = found.groups()
        words = [_resolution(height)] if height else [f"{k}k"]
        rate = fps or k_fps
        return words + [str(int(rate)), "fps"] if rate else words
    found = _FRAME_SIZE.fullmatch(lower)
    if found:
        return [_resolution(found.group(2))]
    found = _RATE.fullmatch(lower)
    if found:
        return _rate(found.group(1), found.group(2).lower())
    return None


def _rate(number: str, unit: str) -> list[str] | None:
    value = float(number)
    if unit in ("fps", "p"):
        return [f"{value:g}", "fps"] if 1 <= value <= 240 else None
    if unit in ("k", "kb", "kbps", "kbit", "kbits"):
        return [f"{value:g}", "kbps"] if value >= 64 else None
    # m, mb, mbps: megabits (6M, 4兆 upload, 2.5 Mbps)
    return [f"{value * 1000:g}", "kbps"] if 0 < value <= 200 else None


def bilingual_analyzer(*, stem_words: bool = True) -> BilingualAnalyzer:
    return BilingualAnalyzer(stem_words=stem_words)


def analyze(text: str, *, stem_words: bool = True) -> list[str]:
    """The index terms of ``text`` (what a query for it looks up)."""
    return [t.text for t in bilingual_analyzer(stem_words=stem_words)(text)]


# Porter2 costs about 10 microseconds a word (Whoosh's Porter 2): every stem
# outside Whoosh's filter (which caches its own) goes through this.
cached_stem = lru_cache(maxsize=50000)(english_stem)


def term_offsets(text: str) -> list[tuple[str, int, int]]:
    """(index term, start, end) of every word of ``text``, stop words included:
    what ``bilingual_analyzer()(text, chars=True, removestops=False)`` yields,
    computed directly (snippets need it per hit, and the filter chain's
    generators and Token objects were most of the cost)."""
    out = []
    for word, start, end in _words(text):
        term = term_text(word)
        if term.endswith("'s"):
            term = term[:-2]
        if term.isascii() and not term.isdigit():
            term = cached_stem(term)
        out.append((term, start, end))
    return out


def surface_words(text: str) -> list[tuple[str, str]]:
    """(original word, lowercase word) pairs, unstemmed, stop words dropped."""
    analyzer = bilingual_analyzer(stem_words=False)
    words = []
    for token in analyzer(text, keeporiginal=True):
        words.append((token.original, token.text))
    return words
