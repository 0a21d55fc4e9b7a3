"""How the wizard decides: which problems a session points at, which fixes to
offer and in what order, and the priority of the ticket an escalation files.

The reads it decides from are in :mod:`kb.wizard.selectors`; evidence from
several sources (the diagnosis, an answer) is combined with the one
noisy-OR of :func:`kb.diagnostics.combine`.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils import translation
from django.utils.translation import gettext as _

from kb.articles.models import Article
from kb.diagnose.diagnosis import DiagnoseInput, diagnosis_build
from kb.diagnostics import combine
from kb.search.boosts import article_success_rates
from kb.wizard import selectors
from kb.wizard.models import WizardSession

# Confidence a problem gets from an answer that points at it ("suspect").
SUSPECT_CONFIDENCE = 0.5
# Fixes found only by the diagnosis (not listed by the flow) are offered
# from this confidence up, so a weak search match does not crowd the list.
DIAGNOSIS_ONLY_MIN_CONFIDENCE = 0.25
MAX_CANDIDATES = 5
# Weight of the learned success rate (kb.search.boosts) against the diagnosis.
LEARNED_WEIGHT = 0.3


def session_diagnosis(session: WizardSession) -> dict:
    """kb.diagnostics over the answers, description and pastes, plus the
    problems the answers point at (each answer is evidence of its own)."""
    facts = selectors.session_facts(session)
    result = diagnosis_build(
        data=DiagnoseInput(
            description=facts["description"], role=facts["role"], protocol=facts["protocol"],
            region=facts["region"], stream_down=facts["stream_down"],
            attachments=[(a.name, a.content) for a in session.attachments.all()],
        ),
        language=session.language,
    )
    by_code = {s["problem"]: s for s in result["suggestions"]}
    for code, label in facts["suspects"]:
        with translation.override(session.language):
            reason = _("You answered “%(answer)s”.") % {
                "answer": label.get(session.language) or label.get("en", "")}
        if code in by_code:
            entry = by_code[code]
            entry["confidence"] = combine([entry["confidence"], SUSPECT_CONFIDENCE])
            if reason not in entry["reason"]:
                entry["reason"] = f"{entry['reason']} {reason}".strip()
        else:
            by_code[code] = {"problem": code, "confidence": SUSPECT_CONFIDENCE,
                             "reason": reason, "articles": []}
    result["suggestions"] = sorted(by_code.values(),
                                   key=lambda s: (-s["confidence"], s["problem"]))
    return result


def fix_success_rates(slugs: list[str]) -> dict[str, float]:
    """How well each fix has worked (0..1), from the learning loop.

    The smoothed success rate of :func:`kb.search.boosts.article_success_rates`
    (tickets it resolved that stayed closed, wizard sessions it fixed, "yes"
    votes, against reopenings and "no" votes), the better of the fix's two
    translations. A fix nobody has judged gets the prior, the same for all,
    so then the diagnosis alone orders them.
    """
    ids = dict(Article.objects.filter(slug__in=slugs, status=Article.Status.PUBLISHED)
               .values_list("pk", "slug"))
    rates: dict[str, float] = {}
    for article_id, rate in article_success_rates(list(ids)).items():
        slug = ids[article_id]
        rates[slug] = max(rate, rates.get(slug, 0.0))
    return rates


def fix_candidates(session: WizardSession, step: dict) -> list[dict]:
    """The fixes to offer at a fix step, most likely first, each with its reason.

    Score = the diagnosis confidence of the problems the fix covers (the
    suggestions of :func:`session_diagnosis`, stored in ``session.diagnosis``),
    blended with :func:`fix_success_rates` (what has worked before). Ties
    keep the order the flow's author gave.
    """
    suggestions = session.diagnosis.get("suggestions", [])
    by_code = {s["problem"]: s for s in suggestions}
    listed = [entry["article"] for entry in step.get("fixes", [])]
    extra: list[tuple[str, dict]] = []
    if step.get("use_diagnosis"):
        for suggestion in suggestions:
            if suggestion["confidence"] < DIAGNOSIS_ONLY_MIN_CONFIDENCE:
                continue
            for article in suggestion.get("articles", []):
                extra.append((article["slug"], suggestion))
    slugs = set(listed) | {slug for slug, _ in extra}
    problems_of: dict[str, set[str]] = defaultdict(set)
    for slug, code in (Article.objects.filter(slug__in=slugs, status=Article.Status.PUBLISHED)
                       .values_list("slug", "problems__code")):
        if code:
            problems_of[slug].add(code)
    candidates: dict[str, dict] = {}
    order = 0
    for entry in step.get("fixes", []):
        slug = entry["article"]
        if slug not in problems_of or slug in candidates:
            continue
        best = max((by_code[c] for c in problems_of[slug] if c in by_code),
                   key=lambda s: s["confidence"], default=None)
        candidates[slug] = {"article": slug, "why": entry["why"], "order": order,
                            "confidence": best["confidence"] if best else 0.0,
                            "reason": best["reason"] if best else "",
                            "problems": sorted(problems_of[slug])}
        order += 1
    for slug, suggestion in extra:
        if slug in candidates or slug not in problems_of:
            continue
        candidates[slug] = {"article": slug, "why": {}, "order": order,
                            "confidence": suggestion["confidence"],
                            "reason": suggestion["reason"],
                            "problems": sorted(problems_of[slug])}
        order += 1
    rates = fix_success_rates(list(candidates))
    for candidate in candidates.values():
        rate = rates.get(candidate["article"])
        candidate["score"] = (candidate["confidence"] if rate is None else
                              (1 - LEARNED_WEIGHT) * candidate["confidence"]
                              + LEARNED_WEIGHT * rate)
    ranked = sorted(candidates.values(), key=lambda c: (-c["score"], c["order"]))
    return ranked[:MAX_CANDIDATES]



def session_priority(session: WizardSession, step: dict) -> str:
    """The priority of the ticket an escalation files.

    The emergency path is always P1. Otherwise an answer that sets one wins
    (e.g. "degraded but still up" -> P2), then the diagnosis's advice when it
    is more urgent, then the escalate step's own default (usually P3).
    """
    if step.get("emergency"):
        return "P1"
    facts = selectors.session_facts(session)
    if facts["priority"]:
        return facts["priority"]
    advised = (session.diagnosis.get("escalate") or {}).get("priority")
    if advised and advised < step.get("priority", "P3"):
        return advised
    return step.get("priority", "P3")
