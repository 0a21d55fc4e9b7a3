"""Learning from closed tickets: one pipeline for one close or a replay.

``learn_from_ticket`` runs after every close (and reopen); ``learn_replay``
runs the same steps over many tickets at once for ``manage.py learn``. Both
are idempotent: a ticket whose digest (what it looked like when learned
from) has not changed is skipped, phrase sources and gap members are sets,
and every count is recomputed from facts under a row lock, so concurrent
closes of tickets that touch the same article cannot lose a count.

The pipeline and the learned phrases are here; what a ticket is to learning
in :mod:`.facts`, the counters and success rate in :mod:`.effectiveness`,
knowledge gaps in :mod:`.gaps`, content health in :mod:`.health`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from kb.articles import services as article_services
from kb.articles.models import Article
from kb.core.exceptions import ApplicationError
from kb.learning import clustering, phrases
from kb.learning.bulk import insert_pairs
from kb.learning.effectiveness import (
    effectiveness_apply,
    effectiveness_recompute,
    reopen_counts,
    ticket_contribution,
)
from kb.learning.facts import TicketFacts, ticket_facts
from kb.learning.gaps import gap_refresh, gaps_learn
from kb.learning.health import content_health_check
from kb.learning.models import (
    KnowledgeGap,
    LearnedPhrase,
    TicketLearning,
    TicketTerm,
)
from kb.learning.selectors import searchable_learned_phrases
from kb.search.boosts import article_phrases_set
from kb.tickets.models import Ticket

log = logging.getLogger(__name__)

# The entry points -----------------------------------------------------------------
def learn_from_ticket(*, ticket_id: int) -> str:
    """Learn from one ticket after it closed or reopened.

    Returns what happened: "learned", "unchanged" (already learned from this
    exact ticket), "not-closed" (a reopen: only its articles' counts are
    recomputed) or "missing".
    """
    with transaction.atomic():
        # Two runs for one ticket (a retry overlapping the first) take turns.
        if not Ticket.objects.select_for_update().filter(pk=ticket_id).exists():
            return "missing"
        report = _learn(ticket_facts([ticket_id]), whole_history=False)
    return report.outcome.get(ticket_id, "unchanged")


def learn_replay(*, since: dt.datetime | None = None, batch_size: int = 5000,
                 progress: Callable[[int, int], None] | None = None,
                 reindex: bool = True) -> LearnReport:
    """Learn from every ticket closed since ``since``, in batches."""
    qs = Ticket.objects.filter(status=Ticket.Status.CLOSED)
    if since is not None:
        qs = qs.filter(closed_at__gte=since)
    # In id order (the order tickets were filed): each batch is a run of ids.
    ids = list(qs.order_by("pk").values_list("pk", flat=True))
    total = LearnReport()
    clusterer = None
    phrase_ids: dict = {}
    for start in range(0, len(ids), batch_size):
        batch = ticket_facts(ids[start:start + batch_size])
        # Counts are recomputed once at the end, not after every batch.
        report = _learn(batch, whole_history=True, clusterer=clusterer, reindex=reindex,
                        recount=False, phrase_ids=phrase_ids)
        clusterer, phrase_ids = report.clusterer, report.phrase_ids
        total.merge(report)
        if progress is not None:
            progress(min(start + batch_size, len(ids)), len(ids))
    if clusterer is not None:
        for gap_id in sorted(clusterer.touched_groups):
            gap_refresh(gap_id)
    if phrase_ids:
        _phrase_counts_refresh(list(phrase_ids.values()))
        total.phrases_activated = len(phrase_ids)
        _phrases_publish({aid for aid, _ in phrase_ids}, reindex=reindex)
    effectiveness_recompute(article_ids=total.articles_touched)
    content_health_check(article_ids=total.articles_touched)
    return total


@dataclass
class LearnReport:
    outcome: dict[int, str] = field(default_factory=dict)
    links: Counter = field(default_factory=Counter)
    phrases_activated: int = 0
    # A replay's phrases so far, (article id, key) -> id, so that each batch
    # asks the database only about the phrases it has not seen.
    phrase_ids: dict = field(default_factory=dict)
    gaps_created: int = 0
    articles_touched: set = field(default_factory=set)
    clusterer: clustering.Clusterer | None = None

    def merge(self, other: LearnReport) -> None:
        self.outcome.update(other.outcome)
        self.links.update(other.links)
        self.phrases_activated += other.phrases_activated
        self.gaps_created += other.gaps_created
        self.articles_touched |= other.articles_touched


# The pipeline --------------------------------------------------------------------
@transaction.atomic
def _learn(facts: list[TicketFacts], *, whole_history: bool,
           clusterer: clustering.Clusterer | None = None, reindex: bool = True,
           recount: bool = True, phrase_ids: dict | None = None) -> LearnReport:
    report = LearnReport(clusterer=clusterer, phrase_ids=phrase_ids or {})
    existing = TicketLearning.objects.in_bulk([f.ticket_id for f in facts])
    reopens = reopen_counts([f.ticket_id for f in facts])
    todo: list[TicketFacts] = []
    deltas: list[tuple[dict, dict]] = []
    for item in facts:
        if item.status != Ticket.Status.CLOSED:
            # Reopened (or never closed): its articles' counts follow, the
            # record of its earlier close stays.
            report.outcome[item.ticket_id] = "not-closed"
            report.articles_touched.update(item.article_ids)
            previous = existing.get(item.ticket_id)
            if previous is not None:
                counted = ticket_contribution(item, reopens)
                if counted != previous.counted:
                    deltas.append((previous.counted, counted))
                    TicketLearning.objects.filter(pk=previous.pk).update(counted=counted)
            continue
        previous = existing.get(item.ticket_id)
        if previous is not None and previous.digest == item.digest:
            report.outcome[item.ticket_id] = "unchanged"
            continue
        todo.append(item)
        report.outcome[item.ticket_id] = "learned"

    articles = {
        a["id"]: a for a in Article.objects.filter(
            pk__in={i for f in todo for i in f.article_ids}).values(
            "id", "published_at", "title", "symptoms", "status")
    }
    learnings = []
    with_article: list[TicketFacts] = []
    without_article: list[TicketFacts] = []
    for item in todo:
        linked = [articles[i] for i in item.article_ids if i in articles]
        if linked:
            first = linked[0]
            known = first["published_at"] is not None and first["published_at"] <= item.created_at
            link = TicketLearning.Link.EXISTING if known else TicketLearning.Link.NEW
            with_article.append(item)
            report.articles_touched.update(a["id"] for a in linked)
        else:
            first, link = None, TicketLearning.Link.NONE
            without_article.append(item)
        report.links[link] += 1
        learnings.append(_Learned(
            ticket_id=item.ticket_id, link=link, article_id=first["id"] if first else None,
            problem_codes=item.problem_codes, opened_at=item.created_at,
            closed_at=item.closed_at, digest=item.digest,
            terms=(clustering.ticket_terms(item.text, item.problem_codes)
                   if link == TicketLearning.Link.NONE else {}),
            gap_id=None, counted=ticket_contribution(item, reopens),
        ))
        previous = existing.get(item.ticket_id)
        deltas.append((previous.counted if previous else {}, learnings[-1].counted))
    terms_of = {lr.ticket_id: lr.terms for lr in learnings if lr.link == TicketLearning.Link.NONE}
    # A ticket learned from before keeps its gap while it still has no article.
    for learning in learnings:
        previous = existing.get(learning.ticket_id)
        if previous is not None and learning.link == TicketLearning.Link.NONE:
            learning.gap_id = previous.gap_id
    _upsert_learnings(learnings, new=[lr.ticket_id not in existing for lr in learnings])
    relearned = [lr.ticket_id for lr in learnings if lr.ticket_id in existing]
    dropped_articles: set[int] = set()
    if relearned:
        TicketTerm.objects.filter(learning_id__in=relearned).delete()
        # What the ticket said before is no source any more; what it still
        # says is added again below.
        dropped_articles = _phrase_sources_drop(relearned)

    if whole_history:
        # A replay counts every phrase once at the end (``learn_replay``).
        report.phrase_ids = _learn_phrases(with_article, articles, known=report.phrase_ids)
        changed_articles = dropped_articles
        report.phrases_activated = len(report.phrase_ids)
    else:
        changed_articles = _learn_phrases(with_article, articles)
        report.phrases_activated = len(changed_articles)
        changed_articles |= dropped_articles
    report.clusterer, report.gaps_created = gaps_learn(
        without_article, terms_of, existing, clusterer=report.clusterer,
        whole_history=whole_history)

    if recount:
        effectiveness_apply(deltas)
        content_health_check(article_ids=report.articles_touched)
    _phrases_publish(changed_articles, reindex=reindex)
    return report


_LEARNING_COLUMNS = ("ticket_id", "link", "article_id", "problem_codes", "opened_at",
                     "closed_at", "terms", "gap_id", "digest", "processed_at", "counted")


@dataclass(slots=True)
class _Learned:
    """A TicketLearning row about to be written (no model instance: a replay
    writes a hundred thousand of them)."""

    ticket_id: int
    link: str
    article_id: int | None
    problem_codes: list[str]
    opened_at: dt.datetime
    closed_at: dt.datetime
    digest: str
    terms: dict[str, int]
    gap_id: int | None
    counted: dict


def _upsert_learnings(learnings: list[_Learned], *, new: list[bool]) -> None:
    """Insert or replace the learning rows in one statement per 2,000 rows.

    Written in SQL (portable to SQLite and PostgreSQL) because the ORM's
    bulk upsert spends most of a replay's time building and adapting model
    instances.
    """
    if not learnings:
        return
    qn = connection.ops.quote_name
    table = qn(TicketLearning._meta.db_table)
    sqlite = connection.vendor == "sqlite"

    def when(value: dt.datetime | None):
        if value is None or not sqlite:
            return value
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")

    processed = when(timezone.now())
    rows = [
        (lr.ticket_id, lr.link, lr.article_id, json.dumps(lr.problem_codes), when(lr.opened_at),
         when(lr.closed_at), json.dumps(lr.terms, ensure_ascii=False), lr.gap_id, lr.digest,
         processed, json.dumps(lr.counted))
        for lr in learnings
    ]
    updates = ", ".join(f"{qn(c)} = excluded.{qn(c)}" for c in _LEARNING_COLUMNS[1:])
    insert = (f"INSERT INTO {table} ({', '.join(qn(c) for c in _LEARNING_COLUMNS)}) VALUES "
              f"({', '.join(['%s'] * len(_LEARNING_COLUMNS))})")
    upsert = f"{insert} ON CONFLICT ({qn('ticket_id')}) DO UPDATE SET {updates}"
    # A row seen for the first time may meet one a worker wrote meanwhile (a
    # replay does not lock tickets): either is right, the first stays.
    first = f"{insert} ON CONFLICT ({qn('ticket_id')}) DO NOTHING"
    with connection.cursor() as cursor:
        for sql, part in ((first, [r for r, n in zip(rows, new, strict=True) if n]),
                          (upsert, [r for r, n in zip(rows, new, strict=True) if not n])):
            for start in range(0, len(part), 2000):
                cursor.executemany(sql, part[start:start + 2000])


def _phrases_publish(article_ids: Iterable[int], *, reindex: bool = True) -> None:
    """Hand these articles' searchable phrases to search (which re-indexes
    the articles whose phrases changed, after the commit)."""
    ids = sorted(set(article_ids))
    if not ids:
        return
    searchable = searchable_learned_phrases(ids)
    article_phrases_set(phrases={a: searchable.get(a, []) for a in ids}, reindex=reindex)


# Learned phrases -----------------------------------------------------------------
def _curated_keys(article: dict) -> set[str]:
    lines = [article["title"], *article["symptoms"].splitlines()]
    return {phrases.phrase_key(line) for line in lines if line.strip()}


def _learn_phrases(items: list[TicketFacts], articles: dict[int, dict], *,
                   known: dict | None = None):
    """Add each ticket's wording and error strings to the articles that
    resolved it. Returns the articles whose searchable phrases changed;
    with ``known`` (a replay), the updated (article, key) -> id map instead,
    leaving the counting to the end of the replay."""
    wanted: dict[tuple[int, str], tuple[str, str]] = {}
    sources: dict[tuple[int, str], set[int]] = defaultdict(set)
    curated = {aid: _curated_keys(a) for aid, a in articles.items()}
    for item in items:
        found = phrases.ticket_phrases(subject=item.subject, description=item.description,
                                       attachments=item.attachments)
        for article_id in item.article_ids:
            if article_id not in articles:
                continue
            for kind, text in found:
                key = phrases.phrase_key(text)
                if key in curated[article_id]:
                    continue  # the article already says it
                wanted.setdefault((article_id, key), (kind, text))
                sources[(article_id, key)].add(item.ticket_id)
    if not wanted:
        return set() if known is None else known
    if known is not None:
        return _learn_phrases_replay(wanted, sources, known)
    article_ids = {aid for aid, _ in wanted}

    def stored_phrases() -> dict[tuple[int, str], tuple[int, int, str]]:
        return {
            (aid, key): (pk, count, status)
            for pk, aid, key, count, status in LearnedPhrase.objects.filter(
                article_id__in=article_ids, key__in={k for _, k in wanted}).values_list(
                "pk", "article_id", "key", "ticket_count", "status")
        }

    known = stored_phrases()
    LearnedPhrase.objects.bulk_create(
        [LearnedPhrase(article_id=aid, key=key, kind=kind, text=text)
         for (aid, key), (kind, text) in wanted.items() if (aid, key) not in known],
        ignore_conflicts=True,
    )
    # Read again only when some were created (the lookup above may also
    # return other articles' phrases with a wanted key: compare the pairs).
    stored = stored_phrases() if any(pair not in known for pair in wanted) else known
    through = LearnedPhrase.tickets.through
    insert_pairs(through, ("learnedphrase_id", "ticket_id"), (
        (stored[pair][0], ticket_id)
        for pair, ticket_ids in sources.items() if pair in stored for ticket_id in ticket_ids))
    # Counts from the set of source tickets (one UPDATE with a subquery): a
    # second run adds nothing, and two closes at once both count right.
    phrase_ids = [pk for pk, _, _ in stored.values()]
    _phrase_counts_refresh(phrase_ids)
    counts = {}
    for chunk in range(0, len(phrase_ids), 5000):
        counts.update(LearnedPhrase.objects.filter(pk__in=phrase_ids[chunk:chunk + 5000])
                      .values_list("pk", "ticket_count"))
    changed_articles = set()
    for (article_id, _), (pk, before, status) in stored.items():
        was_searchable = before >= phrases.PHRASE_MIN_TICKETS
        if (counts[pk] >= phrases.PHRASE_MIN_TICKETS) != was_searchable and \
                status == LearnedPhrase.Status.ACTIVE:
            changed_articles.add(article_id)
    return changed_articles


def _learn_phrases_replay(wanted: dict, sources: dict, known: dict) -> dict:
    missing = [pair for pair in wanted if pair not in known]
    if missing:
        LearnedPhrase.objects.bulk_create(
            [LearnedPhrase(article_id=aid, key=key, kind=wanted[(aid, key)][0],
                           text=wanted[(aid, key)][1]) for aid, key in missing],
            ignore_conflicts=True, batch_size=2000)
        missing_set = set(missing)
        for pk, aid, key in LearnedPhrase.objects.filter(
                article_id__in={a for a, _ in missing}, key__in={k for _, k in missing}
        ).values_list("pk", "article_id", "key"):
            if (aid, key) in missing_set:
                known[(aid, key)] = pk
    insert_pairs(LearnedPhrase.tickets.through, ("learnedphrase_id", "ticket_id"), (
        (known[pair], ticket_id)
        for pair, ticket_ids in sources.items() if pair in known for ticket_id in ticket_ids))
    return known


def _phrase_sources_drop(ticket_ids: list[int]) -> set[int]:
    """Take these tickets out of the sources of every phrase they gave.
    Returns the articles a phrase stopped being searchable for."""
    through = LearnedPhrase.tickets.through
    links = through.objects.filter(ticket_id__in=ticket_ids)
    before = {pk: (article_id, count, status) for pk, article_id, count, status in
              LearnedPhrase.objects.filter(pk__in=links.values("learnedphrase_id")).values_list(
                  "pk", "article_id", "ticket_count", "status")}
    if not before:
        return set()
    links.delete()
    _phrase_counts_refresh(list(before))
    after = dict(LearnedPhrase.objects.filter(pk__in=before).values_list("pk", "ticket_count"))
    return {article_id for pk, (article_id, count, status) in before.items()
            if status == LearnedPhrase.Status.ACTIVE
            and count >= phrases.PHRASE_MIN_TICKETS > after[pk]}


def _phrase_counts_refresh(phrase_ids: list[int]) -> None:
    """Each phrase's count from its set of source tickets."""
    through = LearnedPhrase.tickets.through
    for chunk in range(0, len(phrase_ids), 5000):
        LearnedPhrase.objects.filter(pk__in=phrase_ids[chunk:chunk + 5000]).update(
            ticket_count=Coalesce(Subquery(
                through.objects.filter(learnedphrase_id=OuterRef("pk")).values(
                    "learnedphrase_id").annotate(n=Count("ticket_id")).values("n")[:1]), 0),
            updated_at=timezone.now(),
        )


@transaction.atomic
def learned_phrase_remove(*, phrase: LearnedPhrase, actor) -> LearnedPhrase:
    """A curator takes a phrase out of the article's search document."""
    if phrase.status != LearnedPhrase.Status.ACTIVE:
        raise ApplicationError("Only an active learned phrase can be removed.")
    phrase.status = LearnedPhrase.Status.REMOVED
    phrase.save(update_fields=["status", "updated_at"])
    _phrases_publish([phrase.article_id])
    log.info("learned_phrase_removed id=%s by=%s", phrase.pk, getattr(actor, "pk", None))
    return phrase


@transaction.atomic
def learned_phrase_promote(*, phrase: LearnedPhrase, actor) -> LearnedPhrase:
    """Make a learned phrase one of the article's curated symptoms.

    The symptom is added through the articles service, so the article gets
    a new version and revision (and is re-indexed when published).
    """
    if phrase.status != LearnedPhrase.Status.ACTIVE:
        raise ApplicationError("Only an active learned phrase can be promoted.")
    article = Article.objects.get(pk=phrase.article_id)
    article_services.article_update(
        article=article, editor=actor, expected_version=article.version,
        symptoms=[*article.symptom_list, phrase.text],
        note=f"promoted learned phrase: {phrase.text}"[:300],
    )
    phrase.status = LearnedPhrase.Status.PROMOTED
    phrase.save(update_fields=["status", "updated_at"])
    _phrases_publish([phrase.article_id])  # now a symptom, no longer a learned phrase
    return phrase


@transaction.atomic
def knowledge_gap_close_for_article(*, article_id: int) -> int:
    """Publishing a gap's draft closes the gap and links its tickets.

    Returns how many gaps closed (0 when the article is not a published
    draft of an open gap, so a repeated call does nothing).
    """
    from kb.tickets.services import ticket_link_article

    article = Article.objects.filter(pk=article_id, status=Article.Status.PUBLISHED).first()
    if article is None:
        return 0
    gaps = list(KnowledgeGap.objects.select_for_update().filter(
        draft_article=article, status=KnowledgeGap.Status.OPEN))
    ticket_ids: list[int] = []
    for gap in gaps:
        members = list(Ticket.objects.filter(learning__gap=gap))
        for ticket in members:
            ticket_link_article(ticket=ticket, article=article, actor=None)
        ticket_ids += [t.pk for t in members]
        gap.status = KnowledgeGap.Status.CLOSED
        gap.closed_at = timezone.now()
        gap.save(update_fields=["status", "closed_at", "updated_at"])
        log.info("knowledge_gap_closed gap=%s article=%s tickets=%d", gap.pk, article.pk,
                 len(members))
    if ticket_ids:
        # The tickets now count for the new article, and teach it their words.
        _learn(ticket_facts(ticket_ids), whole_history=False)
    return len(gaps)
