"""Knowledge gaps: closed tickets no article fits, grouped by similarity, each
with a drafted article in the curators' queue; frequent searches that find
nothing join them.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import Counter, defaultdict

from django.db import connection, transaction
from django.utils import timezone

from kb.articles import services as article_services
from kb.articles.models import Article
from kb.core.cache import cached
from kb.learning import clustering, phrases
from kb.learning.bulk import insert_pairs
from kb.learning.facts import TicketFacts
from kb.learning.models import (
    KnowledgeGap,
    LearningLock,
    TicketLearning,
    TicketTerm,
)
from kb.problems.models import Area, Problem
from kb.tickets.models import Ticket

log = logging.getLogger(__name__)

# Tickets without an article are clustered with those closed in this window.
GAP_WINDOW_DAYS = 365
SEARCH_GAP_MIN_SEARCHES = 3

# Knowledge gaps from tickets -------------------------------------------------------
def _seed_whole_history(clusterer: clustering.Clusterer, *, batch: set[int]) -> None:
    """The tickets without an article learned before this replay (this
    batch's own rows are already written: they are assigned, not seeded)."""
    window = timezone.now() - dt.timedelta(days=GAP_WINDOW_DAYS)
    rows = [row for row in TicketLearning.objects.filter(
        link=TicketLearning.Link.NONE, closed_at__gte=window).exclude(
        gap__status=KnowledgeGap.Status.CLOSED).values_list("ticket_id", "terms", "gap_id")
        if row[0] not in batch]
    gaps = KnowledgeGap.objects.in_bulk({gap_id for _, _, gap_id in rows if gap_id})
    for ticket_id, terms, gap_id in rows:
        clusterer.add(ticket_id, terms, group=gaps.get(gap_id))


def _candidates_clusterer(terms: dict[str, int], ticket_id: int) -> clustering.Clusterer:
    """A clusterer holding only the tickets that share a rare term with this
    one, found through the database's inverted index (``TicketTerm``)."""
    window = timezone.now() - dt.timedelta(days=GAP_WINDOW_DAYS)
    # Document frequencies, each counted on the index alone and up to a
    # cap: beyond it a term is common anyway, and counting a long posting
    # list would cost every close. One statement for all the terms.
    df = dict(_per_term("SELECT term FROM {table} WHERE term = %s LIMIT {cap}",
                        list(terms), cap=clustering.DF_CAP, group=True))
    total = cached(
        "kb:learning:tickets-without-article",
        lambda: TicketLearning.objects.filter(link=TicketLearning.Link.NONE).count(), 300)
    clusterer = clustering.Clusterer(df=df, total=total)
    # The latest postings of the rarer terms (ticket ids grow with time),
    # read off the (term, learning) index.
    shared = Counter(learning_id for (learning_id,) in _per_term(
        "SELECT learning_id FROM {table} WHERE term = %s AND learning_id <> "
        f"{int(ticket_id)} ORDER BY learning_id DESC LIMIT {{cap}}",
        clusterer.lookup_terms(terms), cap=clustering.POSTINGS_SCANNED))
    candidate_ids = [i for i, _ in shared.most_common(clustering.MAX_CANDIDATES)]
    rows = {ticket: (terms, gap_id) for ticket, terms, gap_id in TicketLearning.objects.filter(
        pk__in=candidate_ids, closed_at__gte=window).exclude(
        gap__status=KnowledgeGap.Status.CLOSED).values_list("ticket_id", "terms", "gap_id")}
    gaps = KnowledgeGap.objects.in_bulk({gap_id for _, gap_id in rows.values() if gap_id})
    # Added in order of shared terms, which is the order ``assign`` tries.
    for ticket in candidate_ids:
        if ticket in rows:
            clusterer.add(ticket, rows[ticket][0], group=gaps.get(rows[ticket][1]))
    return clusterer


def _per_term(template: str, terms: list[str], *, cap: int, group: bool = False) -> list:
    """One statement: ``template`` (a capped SELECT for one term) for each
    term, glued with UNION ALL; grouped to (term, count) when ``group``."""
    if not terms:
        return []
    table = connection.ops.quote_name(TicketTerm._meta.db_table)
    one = template.format(table=table, cap=int(cap))
    parts = " UNION ALL ".join(f"SELECT * FROM ({one}) AS part{n}" for n in range(len(terms)))
    sql = (f"SELECT term, COUNT(*) FROM ({parts}) AS found GROUP BY term" if group
           else parts)
    with connection.cursor() as cursor:
        cursor.execute(sql, terms)
        return cursor.fetchall()


def gaps_learn(items: list[TicketFacts], terms_of: dict[int, dict[str, int]],
                existing: dict[int, TicketLearning], *,
                clusterer: clustering.Clusterer | None,
                whole_history: bool) -> tuple[clustering.Clusterer | None, int]:
    if not items:
        return clusterer, 0
    # One clustering at a time: two closes at once must not both start a gap
    # from the same loose tickets.
    LearningLock.objects.get_or_create(name="gaps")
    LearningLock.objects.select_for_update().get(name="gaps")
    if whole_history and clusterer is None:
        clusterer = clustering.Clusterer()
        _seed_whole_history(clusterer, batch=set(terms_of))
    term_rows: list[tuple[int, str]] = []
    gap_members: dict[int, set[int]] = defaultdict(set)
    new_gaps: list[KnowledgeGap] = []
    for item in items:
        terms = terms_of[item.ticket_id]
        term_rows.extend((item.ticket_id, t[:100]) for t in terms)
        previous = existing.get(item.ticket_id)
        if previous is not None and previous.gap_id is not None:
            gap_members[previous.gap_id].add(item.ticket_id)
            if clusterer is not None:
                clusterer.add(item.ticket_id, terms, group=previous.gap)
            continue
        local = clusterer if whole_history else _candidates_clusterer(terms, item.ticket_id)
        assignment = local.assign(item.ticket_id, terms)
        if assignment.join is not None:
            gap_members[assignment.join.pk].add(item.ticket_id)
        elif assignment.new_group:
            gap = KnowledgeGap.objects.create(kind=KnowledgeGap.Kind.TICKETS,
                                              title=item.subject[:200])
            local.set_group(assignment.new_group, gap)
            gap_members[gap.pk].update(assignment.new_group)
            new_gaps.append(gap)
    insert_pairs(TicketTerm, ("learning_id", "term"), term_rows)
    for gap_id, members in gap_members.items():
        TicketLearning.objects.filter(pk__in=members).update(gap_id=gap_id)
    if not whole_history:
        for gap_id, members in gap_members.items():
            joining = [m for m in members
                       if m not in existing or existing[m].gap_id != gap_id]
            if joining and gap_id not in {g.pk for g in new_gaps}:
                _gap_grow(gap_id, [terms_of[m] for m in joining if m in terms_of],
                          [c for item in items if item.ticket_id in joining
                           for c in item.problem_codes])
    else:
        # A replay refreshes each gap once, at the end (``learn_replay``).
        clusterer.touched_groups.update(gap_members)
    for gap in new_gaps:
        gap_refresh(gap.pk)
        _gap_draft(KnowledgeGap.objects.get(pk=gap.pk))
    return clusterer, len(new_gaps)


def _gap_grow(gap_id: int, member_terms: list[dict[str, int]], codes: list[str]) -> None:
    """New members joined a gap: its size, centroid and problem codes grow
    (without reading every member again; ``gap_refresh`` does that)."""
    gap = KnowledgeGap.objects.select_for_update().get(pk=gap_id)
    centroid = Counter(gap.centroid)
    for terms in member_terms:
        centroid.update(terms)
    known = Counter({code: 1 for code in gap.problem_codes})
    known.update(codes)
    gap.size = TicketLearning.objects.filter(gap_id=gap_id).count()
    gap.centroid = dict(centroid.most_common(clustering.MAX_TERMS))
    gap.problem_codes = [code for code, _ in known.most_common()]
    gap.save(update_fields=["size", "centroid", "problem_codes", "updated_at"])


def gap_refresh(gap_id: int) -> None:
    """Size, centroid and problem codes of a gap from its member tickets."""
    members = list(TicketLearning.objects.filter(gap_id=gap_id).values_list("terms",
                                                                            "problem_codes"))
    centroid: Counter = Counter()
    codes: Counter = Counter()
    for terms, problem_codes in members:
        centroid.update(terms)
        codes.update(problem_codes)
    KnowledgeGap.objects.filter(pk=gap_id).update(
        size=len(members), centroid=dict(centroid.most_common(clustering.MAX_TERMS)),
        problem_codes=[code for code, _ in codes.most_common()], updated_at=timezone.now(),
    )


_CJK = re.compile(r"[\u3400-\u9fff]")

SECTION_HEADINGS = {
    "en": ("Symptoms", "How to confirm", "Fix", "Verify the fix", "When to escalate"),
    "zh-hans": ("现象", "如何确认", "解决步骤", "验证修复", "何时升级"),
}
DRAFT_TEXT = {
    "en": {
        "reported": "Customers reported, in their own words:",
        "errors": "Error strings from their descriptions and logs:",
        "diagnosed": "Support located the cause as:",
        "confirm": "Confirm with the same checks support ran on these tickets: {tickets}.",
        "resolved": "What resolved each ticket:",
        "verify": "Write how the customer sees that the fix worked (the symptoms above "
                  "are gone).",
        "escalate": "Escalate with the logs above attached when these steps do not help; "
                    "P1 when the stream is down.",
        "summary": "Drafted from {n} support tickets closed without an article: {subject}",
    },
    "zh-hans": {
        "reported": "客户的原话：",
        "errors": "描述和日志中的错误信息：",
        "diagnosed": "技术支持定位的原因：",
        "confirm": "按技术支持处理这些工单时的检查步骤确认：{tickets}。",
        "resolved": "每张工单的解决方式：",
        "verify": "写明客户如何确认问题已解决（上述现象消失）。",
        "escalate": "以上步骤无效时附上日志提交工单；直播中断时按 P1 处理。",
        "summary": "根据 {n} 张没有对应文章的已关闭工单起草：{subject}",
    },
}


def _gap_draft(gap: KnowledgeGap) -> Article:
    """A draft article in the standard form, from the gap's tickets."""
    tickets = list(Ticket.objects.filter(learning__gap=gap).order_by("created_at")
                   .prefetch_related("problems", "attachments"))
    cjk = sum(bool(_CJK.search(t.subject + t.description)) for t in tickets)
    language = "zh-hans" if cjk * 2 > len(tickets) else "en"
    words, headings = DRAFT_TEXT[language], SECTION_HEADINGS[language]
    wording: list[str] = []
    errors: list[str] = []
    for ticket in tickets:
        for kind, text in phrases.ticket_phrases(
                subject=ticket.subject, description=ticket.description,
                attachments=[a.content for a in ticket.attachments.all()]):
            target = errors if kind == "error" else wording
            if text not in target:
                target.append(text)
    codes = gap.problem_codes
    problems = list(Problem.objects.filter(code__in=codes))
    areas = Counter(p.area for p in problems)
    area = areas.most_common(1)[0][0] if areas else Area.OPERATIONS
    ticket_refs = ", ".join(f"#{t.pk}" for t in tickets)
    body = [f"## {headings[0]}", "", words["reported"], ""]
    body += [f"- {line}" for line in wording[:8]]
    if errors:
        body += ["", words["errors"], "", "```text", *errors[:8], "```"]
    body += ["", f"## {headings[1]}", ""]
    if problems:
        body += [words["diagnosed"], ""]
        body += [f"- `{p.code}`: {p.summary_zh if language == 'zh-hans' else p.summary_en}"
                 for p in problems]
        body.append("")
    body += [words["confirm"].format(tickets=ticket_refs), "", f"## {headings[2]}", "",
             words["resolved"], ""]
    body += [f"{n}. {t.resolution_summary.strip() or t.subject}"
             for n, t in enumerate(tickets, start=1)]
    body += ["", f"## {headings[3]}", "", words["verify"], "", f"## {headings[4]}", "",
             words["escalate"], ""]
    subject = tickets[0].subject if tickets else gap.title
    article = article_services.article_create(
        author=None, slug=f"gap-{gap.pk}", language=language, title=subject[:200],
        summary=words["summary"].format(n=len(tickets), subject=subject)[:500],
        body="\n".join(body), area=area, problems=problems,
        symptoms=(errors[:5] + wording[:5]), status=Article.Status.DRAFT,
        note=f"drafted from knowledge gap {gap.pk}",
    )
    gap.draft_article = article
    gap.save(update_fields=["draft_article", "updated_at"])
    log.info("knowledge_gap_drafted gap=%s article=%s tickets=%d", gap.pk, article.pk,
             len(tickets))
    return article


def search_gaps_sync(*, days: int = 30, min_searches: int = SEARCH_GAP_MIN_SEARCHES) -> int:
    """Frequent searches with no result or no click become knowledge gaps
    (and close again once they no longer are). Returns the open count.
    Questions about an account or billing are not (search_gap_rows)."""
    from kb.search.selectors import search_gap_rows

    current = {(row["normalized"], row["language"]): row
               for row in search_gap_rows(days=days, min_searches=min_searches, limit=500)}
    with transaction.atomic():
        known = {(g.search_key, g.search_language): g
                 for g in KnowledgeGap.objects.select_for_update().filter(
                     kind=KnowledgeGap.Kind.SEARCH)}
        for key, row in current.items():
            gap = known.get(key)
            if gap is None:
                KnowledgeGap.objects.create(
                    kind=KnowledgeGap.Kind.SEARCH, title=row["normalized"][:200],
                    search_key=key[0], search_language=key[1], searches=row["searches"],
                    size=row["searches"])
            else:
                gap.searches = gap.size = row["searches"]
                gap.status, gap.closed_at = KnowledgeGap.Status.OPEN, None
                gap.save(update_fields=["searches", "size", "status", "closed_at",
                                        "updated_at"])
        for key, gap in known.items():
            if key not in current and gap.status == KnowledgeGap.Status.OPEN:
                gap.status, gap.closed_at = KnowledgeGap.Status.CLOSED, timezone.now()
                gap.save(update_fields=["status", "closed_at", "updated_at"])
    return len(current)
