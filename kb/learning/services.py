"""Learning from closed tickets: one pipeline for one close or a replay.

``learn_from_ticket`` runs after every close (and reopen); ``learn_replay``
runs the same steps over many tickets at once for ``manage.py learn``. Both
are idempotent: a ticket whose digest (what it looked like when learned
from) has not changed is skipped, phrase sources and gap members are sets,
and every count is recomputed from facts under a row lock, so concurrent
closes of tickets that touch the same article cannot lose a count.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from kb.articles import services as article_services
from kb.articles.models import Article, ArticleFeedback
from kb.articles.selectors import stale_cutoff
from kb.core.exceptions import ApplicationError
from kb.learning import clustering, phrases
from kb.learning.models import (
    ArticleEffectiveness,
    ContentFlag,
    KnowledgeGap,
    LearnedPhrase,
    LearningLock,
    TicketLearning,
    TicketTerm,
    WizardFix,
)
from kb.problems.models import Area, Problem
from kb.tickets.models import Ticket, TicketAttachment, TicketEvent

log = logging.getLogger(__name__)

# The timeline entry ``kb.tickets.services.ticket_reopen`` writes (a message
# code of kb.tickets.timeline): each one is a close that did not hold.
REOPEN_EVENT_CODE = "reopened"

# Smoothed success rate: a Beta prior worth PRIOR_WEIGHT observations at
# PRIOR_MEAN (a Bayesian average). One vote moves a new article a little; an
# article nobody has judged yet sits at the prior, in the middle, so it is
# still shown.
PRIOR_MEAN = 0.6
PRIOR_WEIGHT = 4.0

# A phrase enters the article's search document once this many tickets
# resolved by the article used it: one customer's wording may be noise.
PHRASE_MIN_TICKETS = 2
MAX_PHRASES_PER_ARTICLE = 20

# Content health thresholds.
REOPEN_RATE_LIMIT = 0.25
REOPEN_MIN_COUNT = 2
UNHELPFUL_RATE_LIMIT = 0.5
UNHELPFUL_MIN_VOTES = 5

# Tickets without an article are clustered with those closed in this window.
GAP_WINDOW_DAYS = 365
SEARCH_GAP_MIN_SEARCHES = 3


def smoothed_success_rate(*, successes: float, failures: float) -> float:
    """(successes + prior) / (trials + prior weight), in [0, 1]."""
    return (successes + PRIOR_MEAN * PRIOR_WEIGHT) / (successes + failures + PRIOR_WEIGHT)


# What a ticket is, as far as learning is concerned ------------------------------
@dataclass
class TicketFacts:
    ticket_id: int
    status: str
    subject: str
    description: str
    summary: str
    created_at: dt.datetime
    closed_at: dt.datetime | None
    article_ids: list[int] = field(default_factory=list)
    problem_codes: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)

    @property
    def digest(self) -> str:
        digest = hashlib.sha256()
        for part in (self.status, self.closed_at.isoformat() if self.closed_at else "",
                     ",".join(map(str, sorted(self.article_ids))),
                     ",".join(sorted(self.problem_codes)), self.subject, self.description,
                     self.summary, *self.attachments):
            # Length-prefixed, so that no two different tickets hash alike.
            encoded = part.encode()
            digest.update(b"%d:" % len(encoded))
            digest.update(encoded)
        return digest.hexdigest()

    @property
    def text(self) -> str:
        return f"{self.subject}\n{self.description}\n{self.summary}"


def ticket_facts(ticket_ids: list[int]) -> list[TicketFacts]:
    """Everything learning reads about these tickets, in four queries."""
    wanted = set(ticket_ids)
    if len(ticket_ids) > 100 and max(ticket_ids) - min(ticket_ids) < 2 * len(ticket_ids):
        # A replay's batch is a run of ids: a range reads faster than an
        # IN list of thousands (what lies between and is not wanted is
        # dropped below).
        span = {"pk__gte": min(ticket_ids), "pk__lte": max(ticket_ids)}
        link_span = {"ticket_id__gte": span["pk__gte"], "ticket_id__lte": span["pk__lte"]}
    else:
        span, link_span = {"pk__in": ticket_ids}, {"ticket_id__in": ticket_ids}
    facts = {
        row["id"]: TicketFacts(
            ticket_id=row["id"], status=row["status"], subject=row["subject"],
            description=row["description"], summary=row["resolution_summary"],
            created_at=row["created_at"], closed_at=row["closed_at"],
        )
        for row in Ticket.objects.filter(**span).values(
            "id", "status", "subject", "description", "resolution_summary", "created_at",
            "closed_at")
        if row["id"] in wanted
    }
    for ticket_id, article_id in Ticket.articles.through.objects.filter(
            **link_span).values_list("ticket_id", "article_id"):
        if ticket_id in facts:
            facts[ticket_id].article_ids.append(article_id)
    for ticket_id, code in Ticket.problems.through.objects.filter(
            **link_span).values_list("ticket_id", "problem__code"):
        if ticket_id in facts:
            facts[ticket_id].problem_codes.append(code)
    for ticket_id, content in TicketAttachment.objects.filter(
            **link_span).order_by("pk").values_list("ticket_id", "content"):
        if ticket_id in facts:
            facts[ticket_id].attachments.append(content)
    for item in facts.values():
        item.article_ids.sort()
        item.problem_codes.sort()
    return [facts[i] for i in ticket_ids if i in facts]


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
            _gap_refresh(gap_id)
    if phrase_ids:
        _phrase_counts_refresh(list(phrase_ids.values()))
        total.phrases_activated = len(phrase_ids)
        if reindex:
            _reindex_on_commit({aid for aid, _ in phrase_ids})
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
    reopens = _reopen_counts([f.ticket_id for f in facts])
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
                counted = _contribution(item, reopens)
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
            gap_id=None, counted=_contribution(item, reopens),
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
    if relearned:
        TicketTerm.objects.filter(learning_id__in=relearned).delete()

    if whole_history:
        # A replay counts every phrase once at the end (``learn_replay``).
        report.phrase_ids = _learn_phrases(with_article, articles, known=report.phrase_ids)
        changed_articles = set()
        report.phrases_activated = len(report.phrase_ids)
    else:
        changed_articles = _learn_phrases(with_article, articles)
        report.phrases_activated = len(changed_articles)
    report.clusterer, report.gaps_created = _learn_gaps(
        without_article, terms_of, existing, clusterer=report.clusterer,
        whole_history=whole_history)

    if recount:
        _effectiveness_apply(deltas)
        content_health_check(article_ids=report.articles_touched)
    if reindex:
        _reindex_on_commit(changed_articles)
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


def _insert_pairs(model, columns: tuple[str, str], rows: Iterable[tuple]) -> None:
    """INSERT pairs, skipping those already there, without building model
    instances: a replay writes hundreds of thousands of these rows."""
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    sql = f"INSERT INTO {table} ({cols}) VALUES (%s, %s) ON CONFLICT DO NOTHING"
    rows = list(rows)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 10_000):
            cursor.executemany(sql, rows[start:start + 10_000])


def _reindex_on_commit(article_ids: Iterable[int]) -> None:
    from kb.search.tasks import index_article_task

    for article_id in sorted(set(article_ids)):
        transaction.on_commit(lambda a=article_id: index_article_task.delay(article_id=a))


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
    _insert_pairs(through, ("learnedphrase_id", "ticket_id"), (
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
        was_searchable = before >= PHRASE_MIN_TICKETS
        if (counts[pk] >= PHRASE_MIN_TICKETS) != was_searchable and \
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
    _insert_pairs(LearnedPhrase.tickets.through, ("learnedphrase_id", "ticket_id"), (
        (known[pair], ticket_id)
        for pair, ticket_ids in sources.items() if pair in known for ticket_id in ticket_ids))
    return known


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
    _reindex_on_commit([phrase.article_id])
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
    return phrase


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
    total = cache.get_or_set(
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


def _learn_gaps(items: list[TicketFacts], terms_of: dict[int, dict[str, int]],
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
    _insert_pairs(TicketTerm, ("learning_id", "term"), term_rows)
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
        _gap_refresh(gap.pk)
        _gap_draft(KnowledgeGap.objects.get(pk=gap.pk))
    return clusterer, len(new_gaps)


def _gap_grow(gap_id: int, member_terms: list[dict[str, int]], codes: list[str]) -> None:
    """New members joined a gap: its size, centroid and problem codes grow
    (without reading every member again; ``_gap_refresh`` does that)."""
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


def _gap_refresh(gap_id: int) -> None:
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


def search_gaps_sync(*, days: int = 30, min_searches: int = SEARCH_GAP_MIN_SEARCHES) -> int:
    """Frequent searches with no result or no click become knowledge gaps
    (and close again once they no longer are). Returns the open count."""
    from kb.search.selectors import search_gap_list

    current = {(row["normalized"], row["language"]): row
               for row in search_gap_list(days=days, min_searches=min_searches)[:500]}
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


# Effectiveness ---------------------------------------------------------------------
def _reopen_counts(ticket_ids: list[int]) -> dict[int, int]:
    return dict(TicketEvent.objects.filter(
        ticket_id__in=ticket_ids, kind=TicketEvent.Kind.STATUS, code=REOPEN_EVENT_CODE)
        .values("ticket_id").annotate(n=Count("id")).values_list("ticket_id", "n"))


def _contribution(item: TicketFacts, reopens: dict[int, int]) -> dict:
    return {"articles": item.article_ids, "codes": item.problem_codes,
            "resolved": int(item.status == Ticket.Status.CLOSED),
            "reopened": reopens.get(item.ticket_id, 0)}


def _effectiveness_apply(deltas: list[tuple[dict, dict]]) -> None:
    """Apply what changed in some tickets' contributions to the counters.

    Each counter moves by an atomic ``F()`` update under the articles' row
    locks (taken in id order), so two closes touching one article at once
    both count and cannot deadlock. ``effectiveness_recompute`` arrives at
    the same numbers from the facts (the daily task runs it).
    """
    change: dict[tuple[int, str], Counter] = defaultdict(Counter)
    for old, new in deltas:
        for sign, counted in ((-1, old), (1, new)):
            if not counted:
                continue
            for article_id in counted["articles"]:
                for code in ["", *counted["codes"]]:
                    change[(article_id, code)]["resolved"] += sign * counted["resolved"]
                    change[(article_id, code)]["reopened"] += sign * counted["reopened"]
    change = {key: c for key, c in change.items() if any(c.values())}
    if not change:
        return
    ids = sorted({article_id for article_id, _ in change})
    ids = list(Article.objects.filter(pk__in=ids).values_list("pk", flat=True))
    ArticleEffectiveness.objects.bulk_create(
        [ArticleEffectiveness(article_id=a, problem_code=c) for a, c in change if a in ids],
        ignore_conflicts=True)
    rows = list(ArticleEffectiveness.objects.select_for_update()
                .filter(article_id__in=ids).order_by("article_id", "problem_code"))
    for row in rows:
        c = change.get((row.article_id, row.problem_code))
        if c:
            ArticleEffectiveness.objects.filter(pk=row.pk).update(
                tickets_resolved=F("tickets_resolved") + c["resolved"],
                tickets_reopened=F("tickets_reopened") + c["reopened"],
                updated_at=timezone.now())
    _success_rates_refresh(ids)


def _success_rates_refresh(article_ids: list[int]) -> None:
    """Stored rates (and vote counts) of these articles from their counters."""
    votes: dict[int, Counter] = defaultdict(Counter)
    for article_id, helpful, n in ArticleFeedback.objects.filter(
            article_id__in=article_ids).values("article_id", "helpful").annotate(
            n=Count("id")).values_list("article_id", "helpful", "n"):
        votes[article_id][helpful] = n
    for row in ArticleEffectiveness.objects.filter(article_id__in=article_ids):
        if row.problem_code == "":
            row.helpful_votes = votes[row.article_id][True]
            row.unhelpful_votes = votes[row.article_id][False]
        rate = _rate(row)
        ArticleEffectiveness.objects.filter(pk=row.pk).update(
            helpful_votes=row.helpful_votes, unhelpful_votes=row.unhelpful_votes,
            success_rate=rate)


def effectiveness_recompute(*, article_ids: Iterable[int]) -> None:
    """Every counter of these articles, recomputed from facts.

    The articles' overall rows are locked first, in id order: a second
    close touching the same article waits, then counts what the first one
    committed, so concurrent closes lose nothing (and cannot deadlock).
    """
    ids = sorted(set(article_ids))
    if not ids:
        return
    ids = list(Article.objects.filter(pk__in=ids).values_list("pk", flat=True))
    with transaction.atomic():
        ArticleEffectiveness.objects.bulk_create(
            [ArticleEffectiveness(article_id=i, problem_code="") for i in ids],
            ignore_conflicts=True)
        list(ArticleEffectiveness.objects.select_for_update()
             .filter(article_id__in=ids, problem_code="").order_by("article_id")
             .values_list("pk", flat=True))
        counts: dict[tuple[int, str], Counter] = defaultdict(Counter)
        through = Ticket.articles.through
        # Tickets learned from, as the per-close counting sees them.
        closed = through.objects.filter(article_id__in=ids, ticket__status=Ticket.Status.CLOSED,
                                        ticket__learning__isnull=False)
        for article_id, n in closed.values("article_id").annotate(
                n=Count("ticket_id")).values_list("article_id", "n"):
            counts[(article_id, "")]["resolved"] = n
        for article_id, code, n in closed.filter(ticket__problems__isnull=False).values(
                "article_id", "ticket__problems__code").annotate(n=Count("ticket_id")).values_list(
                "article_id", "ticket__problems__code", "n"):
            counts[(article_id, code)]["resolved"] = n
        reopened = through.objects.filter(
            article_id__in=ids, ticket__events__kind=TicketEvent.Kind.STATUS,
            ticket__events__code=REOPEN_EVENT_CODE, ticket__learning__isnull=False)
        for article_id, n in reopened.values("article_id").annotate(
                n=Count("id")).values_list("article_id", "n"):
            counts[(article_id, "")]["reopened"] = n
        for article_id, code, n in reopened.filter(ticket__problems__isnull=False).values(
                "article_id", "ticket__problems__code").annotate(n=Count("id")).values_list(
                "article_id", "ticket__problems__code", "n"):
            counts[(article_id, code)]["reopened"] = n
        for article_id, code, n in WizardFix.objects.filter(article_id__in=ids).values(
                "article_id", "problem_code").annotate(n=Count("id")).values_list(
                "article_id", "problem_code", "n"):
            counts[(article_id, "")]["wizard"] += n
            if code:
                counts[(article_id, code)]["wizard"] += n
        for article_id, helpful, n in ArticleFeedback.objects.filter(article_id__in=ids).values(
                "article_id", "helpful").annotate(n=Count("id")).values_list(
                "article_id", "helpful", "n"):
            counts[(article_id, "")]["helpful" if helpful else "unhelpful"] = n

        rows = {(r.article_id, r.problem_code): r
                for r in ArticleEffectiveness.objects.filter(article_id__in=ids)}
        to_create, to_update = [], []
        for key in set(rows) | set(counts):
            c = counts.get(key, Counter())
            row = rows.get(key) or ArticleEffectiveness(article_id=key[0], problem_code=key[1])
            row.tickets_resolved = c["resolved"]
            row.tickets_reopened = c["reopened"]
            row.wizard_fixes = c["wizard"]
            row.helpful_votes = c["helpful"]
            row.unhelpful_votes = c["unhelpful"]
            row.success_rate = _rate(row)
            (to_update if row.pk else to_create).append(row)
        ArticleEffectiveness.objects.bulk_create(to_create, ignore_conflicts=True)
        ArticleEffectiveness.objects.bulk_update(
            to_update, ["tickets_resolved", "tickets_reopened", "wizard_fixes", "helpful_votes",
                        "unhelpful_votes", "success_rate", "updated_at"], batch_size=500)


def _rate(row: ArticleEffectiveness) -> float:
    # Each close that held, each wizard fix and each "yes" is a success; each
    # reopening (a close that did not hold) and each "no" a failure.
    return smoothed_success_rate(
        successes=row.tickets_resolved + row.wizard_fixes + row.helpful_votes,
        failures=row.tickets_reopened + row.unhelpful_votes,
    )


def effectiveness_record_wizard_fix(*, article: Article, session_ref: str,
                                    problem_code: str = "") -> bool:
    """The wizard's seam: a session ended with "this fixed it" on ``article``.

    Call once per wizard session; ``session_ref`` (the session's id) makes a
    repeated call harmless. Returns False when it was already recorded.
    """
    if not session_ref:
        raise ApplicationError("A wizard fix needs the session it came from.")
    with transaction.atomic():
        _, created = WizardFix.objects.get_or_create(
            session_ref=session_ref[:100],
            defaults={"article": article, "problem_code": problem_code[:64]})
        if created:
            codes = ["", problem_code[:64]] if problem_code else [""]
            ArticleEffectiveness.objects.bulk_create(
                [ArticleEffectiveness(article=article, problem_code=c) for c in codes],
                ignore_conflicts=True)
            ArticleEffectiveness.objects.filter(article=article, problem_code__in=codes).update(
                wizard_fixes=F("wizard_fixes") + 1, updated_at=timezone.now())
            _success_rates_refresh([article.pk])
    return created


# Content health --------------------------------------------------------------------
def _health_reasons(article: Article, overall: ArticleEffectiveness | None,
                    cutoff: dt.date) -> dict[str, str]:
    reasons = {}
    if overall is not None:
        closes = overall.tickets_resolved + overall.tickets_reopened
        if overall.tickets_reopened >= REOPEN_MIN_COUNT and closes and \
                overall.tickets_reopened / closes >= REOPEN_RATE_LIMIT:
            reasons[ContentFlag.Reason.REOPENED] = (
                f"{overall.tickets_reopened} of {closes} closes of tickets it resolved "
                f"were reopened.")
        votes = overall.helpful_votes + overall.unhelpful_votes
        if votes >= UNHELPFUL_MIN_VOTES and overall.unhelpful_votes / votes >= \
                UNHELPFUL_RATE_LIMIT:
            reasons[ContentFlag.Reason.UNHELPFUL] = (
                f"{overall.unhelpful_votes} of {votes} readers said it did not help.")
    if article.status == Article.Status.PUBLISHED and (
            article.last_verified is None or article.last_verified < cutoff):
        when = article.last_verified.isoformat() if article.last_verified else "never"
        reasons[ContentFlag.Reason.STALE] = (
            f"Last verified {when}; articles are verified every "
            f"{settings.KB_STALE_AFTER_DAYS} days.")
    return reasons


def content_health_check(*, article_ids: Iterable[int] | None = None) -> int:
    """Flag articles that need review (once per reason), clear flags whose
    reason is gone, and e-mail each new flag to the article's owner.

    ``article_ids`` None checks every published article. Returns the number
    of flags raised.
    """
    qs = Article.objects.all()
    if article_ids is not None:
        ids = set(article_ids)
        if not ids:
            return 0
        qs = qs.filter(pk__in=ids)
    else:
        qs = qs.filter(status=Article.Status.PUBLISHED)
    articles = list(qs.only("pk", "status", "last_verified"))
    overall = {r.article_id: r for r in ArticleEffectiveness.objects.filter(
        article_id__in=[a.pk for a in articles], problem_code="")}
    open_flags: dict[int, dict[str, ContentFlag]] = defaultdict(dict)
    for flag in ContentFlag.objects.filter(article_id__in=[a.pk for a in articles],
                                           resolved_at__isnull=True):
        open_flags[flag.article_id][flag.reason] = flag
    cutoff = stale_cutoff()
    raised = []
    with transaction.atomic():
        for article in articles:
            reasons = _health_reasons(article, overall.get(article.pk), cutoff)
            current = open_flags.get(article.pk, {})
            for reason, detail in reasons.items():
                if reason not in current:
                    raised.append(ContentFlag(article_id=article.pk, reason=reason,
                                              detail=detail[:300]))
            for reason, flag in current.items():
                if reason not in reasons:
                    flag.resolved_at = timezone.now()
                    flag.save(update_fields=["resolved_at"])
        ContentFlag.objects.bulk_create(raised, ignore_conflicts=True)
        from kb.learning.tasks import notify_content_flag_task

        # Each open flag not yet told (the task marks it, so once per flag).
        unnotified = ContentFlag.objects.filter(
            article_id__in={f.article_id for f in raised}, resolved_at__isnull=True,
            notified_at__isnull=True).values_list("pk", flat=True)
        for flag_id in unnotified:
            transaction.on_commit(lambda f=flag_id: notify_content_flag_task.delay(flag_id=f))
    return len(raised)


def content_flag_notify(*, flag_id: int) -> bool:
    """E-mail the article's owner why it was flagged, once per flag."""
    from django.core.mail import send_mail

    with transaction.atomic():
        flag = (ContentFlag.objects.select_for_update(of=("self",))
                .select_related("article__owner")
                .filter(pk=flag_id, notified_at__isnull=True, resolved_at__isnull=True).first())
        if flag is None:
            return False
        owner = flag.article.owner
        flag.notified_at = timezone.now()
        flag.save(update_fields=["notified_at"])
        if owner is None or not owner.email:
            log.warning("content_flag_no_owner flag=%s article=%s", flag.pk, flag.article_id)
            return False
        article = flag.article
        send_mail(
            subject=f"[Streamline KB] Review needed: {article.title}",
            message=(
                f"“{article.title}” ({article.language}) was flagged for review.\n\n"
                f"Reason: {flag.get_reason_display()}\n{flag.detail}\n\n"
                f"Open it: /admin/articles/article/{article.pk}/change/\n"
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[owner.email],
        )
    log.info("content_flag_notified flag=%s owner=%s", flag.pk, owner.pk)
    return True


def content_flag_resolve(*, flag: ContentFlag, actor) -> ContentFlag:
    if flag.resolved_at is not None:
        raise ApplicationError("This flag is already resolved.")
    flag.resolved_at = timezone.now()
    flag.save(update_fields=["resolved_at"])
    return flag
