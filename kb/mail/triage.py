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


# The places customers name when they say where they stream to or from:
# ingest cities, countries and the regions themselves, in both languages.
# Ordered lists (checked in order of appearance in the text, not here).
_REGION_WORDS: dict[str, tuple[str, ...]] = {
    "cn": ("china", "mainland", "shanghai", "beijing", "shenzhen", "guangzhou", "hangzhou",
           "chengdu", "中国", "国内", "大陆", "上海", "北京", "深圳", "广州", "杭州", "成都"),
    "sea": ("southeast asia", "south-east asia", "singapore", "jakarta", "bangkok",
            "kuala lumpur", "manila", "ho chi minh", "hanoi", "东南亚", "新加坡", "雅加达",
            "曼谷", "吉隆坡", "马尼拉", "胡志明", "河内"),
    "eu": ("europe", "european", "frankfurt", "london", "amsterdam", "paris", "madrid",
           "milan", "stockholm", "warsaw", "欧洲", "法兰克福", "伦敦", "阿姆斯特丹", "巴黎",
           "德国", "英国", "法国"),
    "na": ("north america", "united states", "usa", "u.s.", "los angeles", "new york",
           "virginia", "ashburn", "san jose", "seattle", "chicago", "dallas", "toronto",
           "canada", "北美", "美国", "美西", "美东", "洛杉矶", "纽约", "硅谷", "加拿大"),
    "latam": ("latin america", "latam", "brazil", "são paulo", "sao paulo", "mexico",
              "buenos aires", "santiago", "bogota", "lima", "拉美", "南美", "巴西", "圣保罗",
              "墨西哥"),
    "mea": ("middle east", "dubai", "riyadh", "saudi", "africa", "johannesburg", "cairo",
            "lagos", "中东", "迪拜", "利雅得", "沙特", "非洲", "约翰内斯堡"),
}


def _word_pattern(word: str) -> str:
    if CJK.search(word):
        return re.escape(word)
    return rf"(?<![\w.]){re.escape(word)}(?!\w)"


_REGION_PATTERNS = {
    region: re.compile("|".join(_word_pattern(w) for w in words), re.I)
    for region, words in _REGION_WORDS.items()
}


def regions_named(text: str) -> list[str]:
    """The regions a message names, in the order it first names them."""
    sample = text[:20_000]
    first: dict[str, int] = {}
    for region, pattern in _REGION_PATTERNS.items():
        match = pattern.search(sample)
        if match is not None:
            first[region] = match.start()
    return sorted(first, key=first.__getitem__)
