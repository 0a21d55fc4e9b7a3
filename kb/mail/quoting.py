"""What of an e-mail's text the ticket's timeline shows: the new words.

Replies carry the whole thread below (or above) what the person wrote, and a
signature; the timeline shows the new text only. The full text stays with
the received message. Each client marks the quoted part its own way: Gmail
and Apple Mail "On <date>, <name> wrote:", Outlook a "From: ... Sent: ..."
block or "-----Original Message-----", Foxmail and QQ Mail
"------------------ 原始邮件 ------------------", Chinese Outlook
"发件人: ... 发送时间: ...", most "> " on every quoted line.
"""

import re

# A line at which the quoted history starts.
HISTORY_STARTS = [
    re.compile(r"^-{2,}\s*(original message|forwarded message|原始邮件|转发邮件)\s*-{2,}\s*$",
               re.I),
    re.compile(r"^-{5,}\s*$"),  # Outlook's rule above "From:"
    re.compile(r"^_{10,}\s*$"),  # Outlook on the web's rule
    re.compile(r"^\s*(on\b.{0,200}\bwrote|在.{0,200}写道)\s*[:：]\s*$", re.I),
    re.compile(r"^\s*(from|发件人|寄件者)\s*[:：].+$", re.I),
]
# A "From:" line starts the history only with the header block it heads.
HEADER_BLOCK = re.compile(r"^\s*(sent|date|to|subject|发送时间|日期|收件人|主题)\s*[:：]", re.I)
# A line at which the signature starts.
SIGNATURE_STARTS = [
    re.compile(r"^-- ?$"),
    re.compile(r"^\s*(sent from my|get outlook for|发自我的|从我的).{0,40}$", re.I),
]


def _history_start(lines: list[str]) -> int | None:
    for index, line in enumerate(lines):
        stripped = line.strip()
        for number, pattern in enumerate(HISTORY_STARTS):
            if not pattern.match(stripped):
                continue
            if number == 4:  # "From:": only when a header block follows
                following = [x for x in lines[index + 1:index + 4] if x.strip()]
                if not any(HEADER_BLOCK.match(x) for x in following):
                    continue
            if number == 1 and not any(
                    HISTORY_STARTS[4].match(x.strip()) for x in lines[index + 1:index + 3]):
                continue
            return index
        # Gmail wraps a long "On ... wrote:" over two lines.
        if index + 1 < len(lines) and re.match(r"^\s*on\b", stripped, re.I) and \
                re.match(r"^.{0,120}\bwrote\s*:\s*$", lines[index + 1].strip(), re.I):
            return index
    return None


def new_text(body: str) -> str:
    """``body`` without the quoted history and the signature; the whole body
    when that would leave nothing (a message that is only a forward)."""
    lines = body.replace("\r\n", "\n").split("\n")
    start = _history_start(lines)
    kept = lines[:start] if start is not None else lines
    for index, line in enumerate(kept):
        if any(pattern.match(line) for pattern in SIGNATURE_STARTS):
            kept = kept[:index]
            break
    # Quoted lines at the end (bottom-posting with nothing after them).
    while kept and (kept[-1].startswith(">") or not kept[-1].strip()):
        kept.pop()
    # Interleaved quotes between new lines are dropped too.
    kept = [line for line in kept if not line.startswith(">")]
    text = "\n".join(kept).strip()
    return text if text else body.strip()
