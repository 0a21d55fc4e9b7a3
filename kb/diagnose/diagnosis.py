"""A diagnosis as the site gives it: kb.diagnostics plus the knowledge base.

``kb.diagnostics`` reads the pasted outputs and the answers; this adds the
fixes that cover each suggested problem (the reader's language first) and
matches the free-text description against the knowledge base through search,
so a request with no attachment still gets useful suggestions.  Findings,
reasons and notes come back in the reader's language (kb.diagnostics renders
its message codes), and each attachment names its tool as a person would
("Windows tracert", "mtr report").
"""

import copy
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

from kb.articles.selectors import article_list_for_problems
from kb.diagnostics import Answers, ParsedAttachment, combine, diagnose, parse
from kb.diagnostics.catalogue import tool_name
from kb.diagnostics.messages import msg
from kb.search.services import SearchResults, search_articles

# Confidence given to problems whose fix the description found by search,
# by rank; merged with the rule-based confidence as independent evidence.
SEARCH_CONFIDENCE = (0.45, 0.35, 0.25)
# The same for a search shown as a weak match (kb.search.confidence): only
# its first fix, below anything a rule or a finding says.
WEAK_SEARCH_CONFIDENCE = (0.2,)
MAX_SUGGESTIONS = 6


# Parsed attachments by content digest: a page that shows a ticket's logs and
# its diagnosis, or a wizard step after the paste, parses each log once.
PARSE_CACHE_SIZE = 64
_parsed: OrderedDict[tuple[str, str], ParsedAttachment] = OrderedDict()
_parsed_lock = threading.Lock()


def attachment_parse(name: str, content: bytes | str) -> ParsedAttachment:
    """:func:`kb.diagnostics.parse`, once per name and content (a copy each
    time: the diagnosis adds notes to what it is given)."""
    raw = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
    key = (name, hashlib.sha256(raw or b"").hexdigest())
    with _parsed_lock:
        found = _parsed.get(key)
        if found is not None:
            _parsed.move_to_end(key)
    if found is None:
        found = parse(name, content)
        with _parsed_lock:
            _parsed[key] = found
            while len(_parsed) > PARSE_CACHE_SIZE:
                _parsed.popitem(last=False)
    return copy.deepcopy(found)


@dataclass
class DiagnoseInput:
    description: str = ""
    role: str | None = None
    protocol: str | None = None
    region: str | None = None
    stream_down: bool | None = None
    attachments: list[tuple[str, bytes | str]] | None = None


def _fixes_found(text: str, language: str) -> SearchResults:
    # Some over the suggestions' count: those the evidence answered are left out.
    return search_articles(text=text, language=language, limit=2 * len(SEARCH_CONFIDENCE),
                           record=False)


def diagnosis_build(*, data: DiagnoseInput, language: str) -> dict:
    found = _fixes_found(data.description, language) if data.description.strip() else None
    # The rules read the words with the search's typo corrections ("faild to
    # conect", 丢侦): the search offers them only when they match the knowledge
    # base no worse than what was typed. The fixes then come from the corrected
    # words' search (the search page shows the typed words' and offers the
    # correction; a diagnosis takes it). A search reads the first
    # MAX_QUERY_CHARS only, so a longer description is read as typed, whole.
    # What was typed is kept everywhere else (a ticket, the wizard's form).
    words = data.description
    if found is not None and found.suggestion and not found.truncated:
        words = found.suggestion
        found = _fixes_found(words, language)
    diagnosis = diagnose(
        description=words,
        answers=Answers(role=data.role, protocol=data.protocol, region=data.region,
                        stream_down=data.stream_down),
        parsed=[attachment_parse(name, content) for name, content in (data.attachments or [])],
    )
    result = diagnosis.to_dict(language)
    for parsed, shown in zip(diagnosis.attachments, result["attachments"], strict=False):
        shown["tool"] = tool_name(parsed.detected, parsed.platform, language, parsed.variant)

    suggestions = {s["problem"]: s for s in result["suggestions"]}
    if found is not None:
        if found.for_support and not result["escalate"]["recommended"] and not any(
                f["problems"] for f in result["findings"]):
            # An invoice, a password or how to add a watermark has no fix in
            # the articles: the fixes that share a word with it are no
            # suggestion, and support answers (a stream down, or evidence
            # pasted, keeps its own call).
            reason = "esc.account" if found.account_question else "esc.feature"
            result["escalate"] = {"recommended": True, "priority": "P4",
                                  "reason": msg(reason).render(language)}
        # A weak match only shares a word or two with the description: its
        # first fix counts for little, and is said to be weak.
        weights = WEAK_SEARCH_CONFIDENCE if found.weak else SEARCH_CONFIDENCE
        reason_code = "reason.search.weak" if found.weak else "reason.search"
        # A fix the customer's evidence or words answered "no" to (a path
        # without loss, "0 dropped frames") is no suggestion for sharing words
        # with the description; the next match takes its place.
        hits = [] if found.for_support else [
            hit for hit in found.hits if set(hit.problems) - diagnosis.answered]
        for rank, hit in enumerate(hits[:len(weights)]):
            for code in hit.problems:
                if code in diagnosis.answered:
                    continue
                reason = msg(reason_code, title=hit.title).render(language)
                if code in suggestions:
                    entry = suggestions[code]
                    entry["confidence"] = combine([entry["confidence"], weights[rank]])
                    entry["reason"] = f"{entry['reason']} {reason}".strip()
                else:
                    suggestions[code] = {"problem": code, "reason": reason,
                                         "confidence": weights[rank]}
    ranked = sorted(suggestions.values(), key=lambda s: (-s["confidence"], s["problem"]))
    ranked = ranked[:MAX_SUGGESTIONS]
    fixes = article_list_for_problems(codes=[s["problem"] for s in ranked], language=language)
    for suggestion in ranked:
        suggestion["articles"] = [
            {"slug": a.slug, "title": a.title, "url": a.get_absolute_url(), "lang": a.language}
            for a in fixes.get(suggestion["problem"], [])
        ]
    result["suggestions"] = ranked
    return result
