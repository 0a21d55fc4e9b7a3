"""A received e-mail, read as the mail clients customers use write it.

Vocabulary:

- *raw*: the message's bytes exactly as received (kept; this module only
  reads them);
- *body*: the message's text in full, decoded whatever the charset, or the
  text of its HTML part when it has no plain one (never HTML: the markup is
  removed, never rendered);
- *automatic*: a message no person wrote (an out-of-office reply, a bounce,
  a mailing list): the site neither files it nor answers it, so two robots
  can never answer each other for ever;
- *defects*: what the standard library found malformed; the message is read
  as far as it goes and kept whole.

Chinese clients label text ``gb2312`` while writing characters only GBK and
GB18030 have (Foxmail, Outlook on Chinese Windows), so every GB label is read
as GB18030, its superset; Big5 as CP950 and ISO-2022-JP as its extended
form, for the same reason. Nothing here raises for any bytes
(:func:`message_parse` has a property test that says so).
"""

from __future__ import annotations

import datetime as dt
import email
import email.utils
import hashlib
import re
from dataclasses import dataclass, field
from email import policy
from email.errors import HeaderParseError
from email.header import decode_header
from email.message import EmailMessage, Message
from html.parser import HTMLParser

import nh3

# Labels clients write, read with the codec that decodes what they really send.
CHARSET_ALIASES = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
    "euc-cn": "gb18030", "gb_2312-80": "gb18030", "chinese": "gb18030",
    "big5": "cp950", "big5-hkscs": "big5hkscs", "x-big5": "cp950",
    "iso-2022-jp": "iso2022_jp_ext", "ks_c_5601-1987": "cp949", "euc-kr": "cp949",
    "shift_jis": "cp932", "x-sjis": "cp932", "windows-874": "cp874",
    "unicode-1-1-utf-7": "utf-7", "x-unknown": "utf-8", "unknown-8bit": "utf-8",
    "us-ascii": "utf-8", "ascii": "utf-8",
}
# Tried in this order when a part names no charset or one Python lacks.
FALLBACK_CHARSETS = ("utf-8", "gb18030", "cp1252")

# Headers that say a robot wrote the message (RFC 3834, RFC 2076, common use).
AUTOMATIC_PRECEDENCE = {"bulk", "list", "junk", "auto_reply"}
AUTOREPLY_HEADERS = ("x-autoreply", "x-autorespond", "x-autoresponder", "x-auto-reply")
LIST_HEADERS = ("list-id", "list-unsubscribe")
BOUNCE_SENDERS = re.compile(r"^(mailer-daemon|postmaster|mail-daemon)@", re.I)

MAX_TEXT_CHARS = 200_000


@dataclass
class Attachment:
    name: str
    content_type: str
    content: bytes

    @property
    def is_text(self) -> bool:
        """Logs and pasted tool output: the diagnosis reads these."""
        name = self.name.lower()
        return (self.content_type.startswith("text/") and self.content_type != "text/html") \
            or name.endswith((".txt", ".log", ".csv", ".json"))


@dataclass
class ParsedMessage:
    message_id: str = ""
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    subject: str = ""
    sender: str = ""
    sender_name: str = ""
    date: dt.datetime | None = None
    # The first Received header's time: when the receiving server had it.
    received: dt.datetime | None = None
    body: str = ""
    from_html: bool = False
    attachments: list[Attachment] = field(default_factory=list)
    # Why no person wrote this (a reason code of AUTOMATIC_REASONS), or "".
    automatic: str = ""
    authentication_failed: bool = False
    defects: list[str] = field(default_factory=list)
    # Set when nothing of the message could be read as text.
    undecodable: bool = False

    @property
    def thread_ids(self) -> list[str]:
        """Every message this one answers, the nearest first."""
        seen: list[str] = []
        for message_id in [*self.in_reply_to, *reversed(self.references)]:
            if message_id not in seen:
                seen.append(message_id)
        return seen


AUTOMATIC_REASONS = ("auto_submitted", "precedence", "autoreply", "mailing_list", "bounce",
                     "empty_return_path")


def message_digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def charset_codec(label: str | None) -> str | None:
    """The Python codec for a charset label, or None when Python has none."""
    if not label:
        return None
    label = label.strip().strip('"').lower()
    label = CHARSET_ALIASES.get(label, label)
    try:
        "".encode(label)
        b"".decode(label)
    except (LookupError, ValueError):
        return None
    return label


def bytes_decode(data: bytes, label: str | None = None) -> str:
    """Text from bytes labelled ``label``: the label's codec when it decodes
    them cleanly, else the fallbacks, else the label's codec with
    replacement characters."""
    codec = charset_codec(label)
    for candidate in ([codec] if codec else []) + list(FALLBACK_CHARSETS):
        try:
            return data.decode(candidate)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode(codec or "utf-8", errors="replace")


def header_decode(value: str | None) -> str:
    """An RFC 2047 header value as text, any charset, folded onto one line."""
    if not value:
        return ""
    value = str(value)
    try:
        chunks = decode_header(value)
    # A broken encoded word (bad base64, an unknown charset) is shown as sent.
    except (HeaderParseError, ValueError, IndexError, AssertionError, LookupError):
        return " ".join(value.split())
    text = []
    for chunk, label in chunks:
        text.append(bytes_decode(chunk, label) if isinstance(chunk, bytes) else chunk)
    return " ".join("".join(text).replace("\x00", "").split())


def _unescaped(value: object) -> str:
    """A header as text: 8-bit bytes in it (RFC 6532 UTF-8, or a client's
    local charset) arrive as surrogate escapes and are decoded here."""
    text = value if isinstance(value, str) else str(value)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return bytes_decode(text.encode("utf-8", "surrogateescape"))
    return text


def _raw_header(message: Message, name: str) -> str | None:
    """The header as received (the policy's own decoding of GB2312 words
    would mangle what GBK clients put in them)."""
    for key, value in message.raw_items():
        if key.lower() == name:
            return _unescaped(value)
    return None


def _raw_headers(message: Message, name: str) -> list[str]:
    return [_unescaped(value) for key, value in message.raw_items() if key.lower() == name]


_MSGID = re.compile(r"<([^<>\s\x00]{1,900})>")


def message_ids(value: str | None) -> list[str]:
    """The ids in a Message-ID, In-Reply-To or References header, without
    angle brackets (clients that forget them get their bare word kept)."""
    if not value:
        return []
    found = _MSGID.findall(value)
    if not found:
        bare = value.strip().split()
        found = [bare[0]] if bare and "@" in bare[0] and len(bare[0]) <= 900 \
            and "\x00" not in bare[0] else []
    return found


def _address(message: Message) -> tuple[str, str]:
    raw = _raw_header(message, "from") or ""
    # Encoded words are opaque in the raw header, so its structure decides
    # which part is the address: a display name that decodes to "a@b" or
    # "Zhang, Wei" would otherwise be read as the address. Only a client
    # that encodes the address itself needs the decoded header.
    name, address = email.utils.parseaddr(raw)
    if "@" not in address:
        name, address = email.utils.parseaddr(header_decode(raw))
    address = address.strip().lower()
    if "@" not in address or len(address) > 254 or any(c.isspace() for c in address):
        address = ""
    return header_decode(name)[:200], address


def _date(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed is None or parsed.tzinfo is None:
        return None
    try:
        return parsed.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        return None


def _received_time(message: Message) -> dt.datetime | None:
    received = _raw_headers(message, "received")
    if not received:
        return None
    # RFC 5321: the date follows the last semicolon of the topmost trace.
    return _date(received[0].rsplit(";", 1)[-1]) if ";" in received[0] else None


class _HtmlText(HTMLParser):
    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
              "pre", "table", "ul", "ol", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")
        if tag in ("td", "th"):
            self.parts.append("\t")

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """Readable text of an HTML body; scripts, styles and markup removed
    (nh3 drops what is dangerous with its content, then tags become lines)."""
    cleaned = nh3.clean(html, tags=_HtmlText.BLOCKS | {"td", "th", "span", "a", "b", "i",
                                                       "strong", "em", "font", "tbody"},
                        attributes={}, strip_comments=True)
    parser = _HtmlText()
    try:
        parser.feed(cleaned)
        parser.close()
    except (AssertionError, ValueError):
        return " ".join(cleaned.split())
    lines = [" ".join(line.replace("\xa0", " ").split()) for line in
             "".join(parser.parts).splitlines()]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _part_text(part: Message) -> tuple[str, bool]:
    """A text part's content, decoded; and whether bytes were lost."""
    try:
        payload = part.get_payload(decode=True)
    except (ValueError, TypeError, AssertionError, LookupError):
        payload = None
    if not isinstance(payload, bytes):
        raw = part.get_payload()
        return (raw if isinstance(raw, str) else ""), False
    label = part.get_content_charset()
    text = bytes_decode(payload, label)
    return text, "\ufffd" in text and b"\xef\xbf\xbd" not in payload


def _filename(part: Message) -> str:
    try:
        name = part.get_filename()
    except (ValueError, TypeError, LookupError, AssertionError, IndexError):
        name = None
    if name and ("=?" in name or "\ufffd" in name):
        raw = None
        for header in ("content-disposition", "content-type"):
            value = _raw_header(part, header) or ""
            match = re.search(r'(?:file)?name\s*=\s*"?([^";]+)"?', value, re.I)
            if match:
                raw = match.group(1)
                break
        name = header_decode(raw or name)
    name = " ".join(_unescaped(name or "").replace("\x00", "").split())
    # Only the last path component: a name is never a path here.
    name = re.split(r"[\\/]", name)[-1]
    return name[:200]


def _automatic(message: Message, sender: str) -> str:
    def header(name: str) -> str:
        return header_decode(_raw_header(message, name)).strip().lower()

    if message.get_content_type() == "multipart/report" or BOUNCE_SENDERS.match(sender):
        return "bounce"
    auto_submitted = header("auto-submitted")
    if auto_submitted and auto_submitted.split(";")[0].strip() != "no":
        return "auto_submitted"
    if header("precedence") in AUTOMATIC_PRECEDENCE:
        return "precedence"
    if any(_raw_header(message, name) is not None for name in AUTOREPLY_HEADERS):
        return "autoreply"
    if header("x-auto-response-suppress") in {"all", "oof"} and \
            re.match(r"^(automatic reply|auto|out of office|自动回复)", header("subject")):
        return "autoreply"
    return_path = _raw_header(message, "return-path")
    if return_path is not None and return_path.strip() in {"<>", ""}:
        return "empty_return_path"
    if any(_raw_header(message, name) is not None for name in LIST_HEADERS):
        return "mailing_list"
    return ""


def _walk(message: Message, parsed: ParsedMessage) -> None:
    plain: list[str] = []
    html: list[str] = []
    lossy = False
    parts = list(message.walk()) if message.is_multipart() else [message]
    for part in parts[:500]:
        if part.is_multipart():
            continue
        content_type = part.get_content_type()
        if content_type.startswith("multipart/"):
            # A multipart whose boundary never comes: its bytes are its text.
            raw = part.get_payload()
            plain.append(raw if isinstance(raw, str) else "")
            continue
        disposition = (part.get_content_disposition() or "").lower()
        name = _filename(part)
        if disposition == "attachment" or (name and disposition != "inline") or \
                not (content_type.startswith("text/") or content_type == "message/rfc822"):
            try:
                content = part.get_payload(decode=True)
            except (ValueError, TypeError, AssertionError, LookupError):
                content = None
            if not isinstance(content, bytes):
                raw = part.get_payload()
                content = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""
            if content or name:
                parsed.attachments.append(Attachment(
                    name=name or f"attachment-{len(parsed.attachments) + 1}",
                    content_type=content_type, content=content))
            continue
        if content_type == "text/html":
            text, lost = _part_text(part)
            html.append(text)
        else:
            text, lost = _part_text(part)
            plain.append(text)
        lossy = lossy or lost
    if plain and any(p.strip() for p in plain):
        body = "\n\n".join(p.strip("\n") for p in plain)
    elif html:
        body = "\n\n".join(html_to_text(h) for h in html)
        parsed.from_html = True
    else:
        body = ""
    body = _unescaped(body).replace("\x00", "")
    parsed.body = body.replace("\r\n", "\n").replace("\r", "\n")[:MAX_TEXT_CHARS]
    if lossy:
        parsed.defects.append("Some characters could not be decoded and were replaced.")


def message_parse(raw: bytes) -> ParsedMessage:
    """Read ``raw`` as far as it goes; never raises."""
    parsed = ParsedMessage()
    try:
        message = email.message_from_bytes(raw, policy=policy.default)
    except Exception as exc:  # the library's own errors vary by input
        parsed.defects.append(f"Not readable as an e-mail ({type(exc).__name__}).")
        parsed.body = bytes_decode(raw)[:MAX_TEXT_CHARS]
        parsed.undecodable = not parsed.body.strip()
        return parsed
    assert isinstance(message, EmailMessage)
    steps = (_read_headers, _walk)
    for step in steps:
        try:
            step(message, parsed)
        except Exception as exc:  # keep what was read; the raw message stays whole
            parsed.defects.append(f"Part of the message could not be read "
                                  f"({type(exc).__name__}); the original is kept.")
    if message.defects:
        parsed.defects.append("Malformed MIME structure: "
                              + ", ".join(sorted({type(d).__name__ for d in message.defects})))
    if not parsed.body.strip() and not parsed.attachments:
        if parsed.defects:
            # A structure nothing could be read from: keep the raw text.
            parsed.body = bytes_decode(raw.split(b"\r\n\r\n", 1)[-1].split(b"\n\n", 1)[-1])
            parsed.body = parsed.body.replace("\x00", "")[:MAX_TEXT_CHARS]
        parsed.undecodable = not parsed.body.strip() and not parsed.subject
    return parsed


def _read_headers(message: Message, parsed: ParsedMessage) -> None:
    ids = message_ids(_raw_header(message, "message-id"))
    parsed.message_id = ids[0] if ids else ""
    parsed.in_reply_to = message_ids(_raw_header(message, "in-reply-to"))[:20]
    parsed.references = message_ids(_raw_header(message, "references"))[-50:]
    parsed.subject = header_decode(_raw_header(message, "subject"))[:1000]
    parsed.sender_name, parsed.sender = _address(message)
    parsed.date = _date(_raw_header(message, "date"))
    parsed.received = _received_time(message)
    parsed.automatic = _automatic(message, parsed.sender)
    results = " ".join(_raw_headers(message, "authentication-results")).lower()
    parsed.authentication_failed = bool(re.search(r"\bdmarc=fail\b", results))
