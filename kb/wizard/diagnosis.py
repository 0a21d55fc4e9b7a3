"""A diagnosis as the site gives it: kb.diagnostics plus the knowledge base.

``kb.diagnostics`` reads the pasted outputs and the answers; this adds the
fixes that cover each suggested problem (the reader's language first) and
matches the free-text description against the knowledge base through search,
so a request with no attachment still gets useful suggestions.  Findings,
reasons and notes come back in the reader's language (kb.diagnostics renders
its message codes), and each attachment names its tool as a person would
("Windows tracert", "mtr report").
"""

from dataclasses import dataclass

from kb.articles.selectors import article_list_for_problems
from kb.diagnostics import Answers, Attachment, diagnose
from kb.diagnostics.catalogue import tool_name
from kb.diagnostics.messages import msg
from kb.search.services import search_articles

# Confidence given to problems whose fix the description found by search,
# by rank; merged with the rule-based confidence as independent evidence.
SEARCH_CONFIDENCE = (0.45, 0.35, 0.25)
MAX_SUGGESTIONS = 6


@dataclass
class DiagnoseInput:
    description: str = ""
    role: str | None = None
    protocol: str | None = None
    region: str | None = None
    stream_down: bool | None = None
    attachments: list[tuple[str, bytes | str]] | None = None


def _combine(a: float, b: float) -> float:
    return round(1 - (1 - a) * (1 - b), 3)


def diagnosis_build(*, data: DiagnoseInput, language: str) -> dict:
    diagnosis = diagnose(
        description=data.description,
        answers=Answers(role=data.role, protocol=data.protocol, region=data.region,
                        stream_down=data.stream_down),
        attachments=[Attachment(name=name, content=content)
                     for name, content in (data.attachments or [])],
    )
    result = diagnosis.to_dict(language)
    for parsed, shown in zip(diagnosis.attachments, result["attachments"], strict=False):
        shown["tool"] = tool_name(parsed.detected, parsed.platform, language, parsed.variant)

    suggestions = {s["problem"]: s for s in result["suggestions"]}
    if data.description.strip():
        found = search_articles(text=data.description, language=language, limit=3,
                                record=False)
        for rank, hit in enumerate(found.hits[:len(SEARCH_CONFIDENCE)]):
            for code in hit.problems:
                reason = msg("reason.search", title=hit.title).render(language)
                if code in suggestions:
                    entry = suggestions[code]
                    entry["confidence"] = _combine(entry["confidence"], SEARCH_CONFIDENCE[rank])
                    entry["reason"] = f"{entry['reason']} {reason}".strip()
                else:
                    suggestions[code] = {"problem": code, "reason": reason,
                                         "confidence": SEARCH_CONFIDENCE[rank]}
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
