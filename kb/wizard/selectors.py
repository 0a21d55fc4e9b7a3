"""Reads of the wizard: flows, a session's facts, fix candidates, transcript, statistics."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from kb.articles.models import Article
from kb.core.choices import Language
from kb.monitoring.models import Incident
from kb.monitoring.selectors import incident_for_stream_down
from kb.problems.models import Problem
from kb.tickets.models import Ticket
from kb.tickets.permissions import ticket_operation_allowed
from kb.tickets.selectors import ticket_list_visible_to
from kb.wizard.flows import flow_articles, flow_problem_codes, steps_to_end
from kb.wizard.models import Flow, FlowVersion, WizardEvent, WizardSession

# A session with no activity for this long has been abandoned (computed at
# read time, so no periodic job is needed).
ABANDONED_AFTER = dt.timedelta(hours=24)


# Flows ----------------------------------------------------------------------
def flow_latest_version(*, flow: Flow) -> FlowVersion | None:
    return flow.versions.order_by("-number").first()


def flow_list_published() -> list[tuple[Flow, FlowVersion]]:
    """Every flow that has a published version, with its latest version."""
    out = []
    for flow in Flow.objects.prefetch_related("versions"):
        versions = sorted(flow.versions.all(), key=lambda v: -v.number)
        if versions:
            out.append((flow, versions[0]))
    return out


def flow_emergency() -> Flow | None:
    return Flow.objects.filter(emergency=True, versions__isnull=False).order_by(
        "position").first()


def flow_article_errors(definition: dict) -> list[str]:
    """Fixes the flow names that are not published in both languages; unknown codes."""
    errors = []
    named = flow_articles(definition)
    published = set(
        Article.objects.filter(slug__in={slug for _, slug in named},
                               status=Article.Status.PUBLISHED)
        .values_list("slug", "language")
    )
    for where, slug in named:
        for language in Language.values:
            if (slug, language) not in published:
                errors.append(f"{where}: article {slug!r} is not published in {language}")
    codes = flow_problem_codes(definition)
    known = set(Problem.objects.filter(code__in={c for _, c in codes})
                .values_list("code", flat=True))
    errors += [f"{where}: unknown problem code {code!r}" for where, code in codes
               if code not in known]
    return errors


# A session ------------------------------------------------------------------
def session_get(*, session_id) -> WizardSession | None:
    return (WizardSession.objects.select_related("flow_version__flow", "resolved_article",
                                                 "ticket", "user")
            .filter(id=session_id).first())


class SessionAccess:
    """How a user may use a session (``session_access``)."""

    OWNER = "owner"  # answer, go back, start over, escalate
    READER = "reader"  # read only: staff who work tickets


def session_access(*, session: WizardSession, user) -> str | None:
    """``SessionAccess.OWNER``, ``SessionAccess.READER`` or None (404).

    A session started by a signed-in customer, or claimed by one
    (``services.session_claim``), is theirs alone; staff with the ticket
    permission may read any session (what a customer pasted is what they
    need to help). An anonymous session nobody has claimed yet is open to
    whoever holds its unguessable link.
    """
    signed_in = user is not None and user.is_authenticated
    if signed_in and session.user_id == user.pk:
        return SessionAccess.OWNER
    if signed_in and user.is_staff and (user.has_perm("tickets.view_ticket")
                                        or user.has_perm("tickets.work_ticket")):
        return SessionAccess.READER
    if session.user_id is None:
        return SessionAccess.OWNER
    return None


def session_step(session: WizardSession, step_id: str | None = None) -> dict:
    return session.definition["steps"][step_id or session.current_step]


def session_facts(session: WizardSession) -> dict:
    """What the answers so far say, replayed from the entries in order."""
    facts: dict = {"role": None, "protocol": None, "region": None, "stream_down": None,
                   "priority": None, "suspects": [], "description": "", "stream_id": ""}
    steps = session.definition["steps"]
    for entry in session.entries:
        step = steps.get(entry["step"], {})
        if entry["kind"] == "question":
            choice = next((c for c in step.get("choices", []) if c["id"] == entry["choice"]),
                          None)
            if choice is None:
                continue
            for key, value in choice["sets"].items():
                if key == "suspect":
                    facts["suspects"] += [(code, choice["label"]) for code in value]
                else:
                    facts[key] = value
        elif entry["kind"] == "describe" and entry.get("text"):
            if entry["field"] == "stream_id":
                facts["stream_id"] = entry["text"]
            else:
                facts["description"] = "\n\n".join(
                    t for t in (facts["description"], entry["text"]) if t)
    return facts


def article_for_reader(*, slug: str, language: str) -> Article | None:
    """The published fix in the reader's language, else its translation."""
    found = list(Article.objects.filter(slug=slug, status=Article.Status.PUBLISHED))
    found.sort(key=lambda a: a.language != language)
    return found[0] if found else None


def fix_current(session: WizardSession, step: dict) -> tuple[int, dict | None]:
    """(index, candidate) of the fix to show now at a fix step."""
    tried = sum(1 for e in session.entries if e["step"] == step["id"] and e["kind"] == "fix")
    candidates = session.candidates.get(step["id"], [])
    return tried, (candidates[tried] if tried < len(candidates) else None)


def session_progress(session: WizardSession) -> tuple[int, int]:
    """(this step's number, about how many steps in all) for "Step n of about m".

    Every answer is a step, a fix tried included, so the number grows with
    each one. Ahead: at a fix step, the fixes still to try and then the
    shortest way on; elsewhere the shortest way to an end (a fix that works
    ends it).
    """
    number = len(session.entries) + 1
    step = session_step(session)
    if step["kind"] == "fix":
        tried, _candidate = fix_current(session, step)
        left = max(len(session.candidates.get(step["id"], [])) - tried, 1)
        ahead = left + steps_to_end(session.definition, step["next"])
    else:
        ahead = steps_to_end(session.definition, session.current_step)
    return number, number - 1 + max(ahead, 1)


def session_at(session: WizardSession, position: int) -> WizardSession | None:
    """The session as it stood at step ``position`` (0 = the first), to show
    that step again after the browser's Back; nothing is saved. None when
    the session never got there."""
    if position == len(session.entries):
        return session
    if not 0 <= position < len(session.entries):
        return None
    earlier = WizardSession(**{f.attname: getattr(session, f.attname)
                               for f in WizardSession._meta.concrete_fields})
    earlier.flow_version = session.flow_version
    earlier.entries = list(session.entries[:position])
    earlier.current_step = session.entries[position]["step"]
    return earlier


def session_is_abandoned(session: WizardSession, *, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return (session.outcome == WizardSession.Outcome.OPEN
            and session.last_activity_at < now - ABANDONED_AFTER)


# The transcript -------------------------------------------------------------
def _text(value: dict, language: str) -> str:
    return value.get(language) or value.get("en", "")


def session_transcript(session: WizardSession, *, language: str | None = None) -> list[dict]:
    """Every question with its answer, findings with evidence, fixes tried."""
    language = language or session.language
    steps = session.definition["steps"]
    slugs = {e["article"] for e in session.entries if e.get("article")}
    titles = {a.slug: a for a in sorted(
        Article.objects.filter(slug__in=slugs), key=lambda a: a.language == language)}
    attachments = {a.pk: a for a in session.attachments.all()}
    items = []
    for entry in session.entries:
        step = steps.get(entry["step"], {})
        prompt = _text(step.get("prompt", {}), language)
        item = {"kind": entry["kind"], "step": entry["step"], "prompt": prompt, "answer": "",
                "findings": [], "article": None, "fixed": None, "attachments": []}
        if entry["kind"] == "question":
            choice = next((c for c in step.get("choices", []) if c["id"] == entry["choice"]),
                          None)
            item["answer"] = _text(choice["label"], language) if choice else entry["choice"]
        elif entry["kind"] == "describe":
            item["answer"] = entry.get("text", "")
        elif entry["kind"] == "paste":
            item["attachments"] = [attachments[i] for i in entry.get("attachments", [])
                                   if i in attachments]
            item["skipped"] = not item["attachments"]
        elif entry["kind"] == "check":
            item["findings"] = entry.get("findings", [])
        elif entry["kind"] == "fix":
            item["article"] = titles.get(entry["article"])
            item["article_slug"] = entry["article"]
            item["fixed"] = entry["fixed"]
        elif entry["kind"] == "escalate":
            item["answer"] = entry.get("ticket", "")
        items.append(item)
    return items


def session_transcript_text(session: WizardSession, *, language: str | None = None) -> str:
    """The transcript as plain text, for the ticket description (its
    scaffolding in the active language: the caller chooses the session's)."""
    lines = []
    for number, item in enumerate(session_transcript(session, language=language), start=1):
        if item["kind"] == "fix":
            title = item["article"].title if item["article"] else item["article_slug"]
            answer = _("yes") if item["fixed"] else _("no")
            lines.append(f"{number}. " + _("Fix offered: %(title)s (%(slug)s) - did it fix it? "
                                          "%(answer)s") % {"title": title,
                                                           "slug": item["article_slug"],
                                                           "answer": answer})
            continue
        if item["kind"] == "escalate":
            continue
        lines.append(f"{number}. {item['prompt']}")
        if item["kind"] == "paste":
            if item["attachments"]:
                for attachment in item["attachments"]:
                    lines.append("   " + _("pasted: %(name)s (%(tool)s, %(size)d bytes)") % {
                        "name": attachment.name, "tool": attachment.detected or "?",
                        "size": attachment.size})
            else:
                lines.append("   " + _("skipped"))
        elif item["kind"] == "check":
            if not item["findings"]:
                lines.append("   " + _("no findings"))
            for finding in item["findings"]:
                lines.append("   " + _("finding: %(summary)s") % {"summary": finding["summary"]})
                lines += [f"     > {line}" for line in finding.get("evidence", [])[:5]]
        else:
            answer = item["answer"].replace("\n", "\n   ")
            lines.append("   " + _("answer: %(answer)s") % {"answer": answer})
    return "\n".join(lines)


# Statistics -----------------------------------------------------------------
def flow_stats(*, now: dt.datetime | None = None) -> list[dict]:
    """Per flow version and per step: started, ended, resolved (by which fix),
    escalated, abandoned after a fix was shown ("probably resolved"), plain
    abandoned, and the deflection rate (resolved / ended)."""
    now = now or timezone.now()
    cutoff = now - ABANDONED_AFTER
    versions = FlowVersion.objects.select_related("flow").order_by("flow__position",
                                                                     "flow__slug", "-number")
    sessions_by_version: dict[int, list[WizardSession]] = defaultdict(list)
    for session in WizardSession.objects.select_related("resolved_article").only(
            "id", "flow_version_id", "outcome", "current_step", "last_activity_at",
            "resolved_article__slug", "resolved_article__title"):
        sessions_by_version[session.flow_version_id].append(session)
    entered: dict[tuple[int, str], set] = defaultdict(set)
    worked: Counter = Counter()
    escalated_at: Counter = Counter()
    for version_id, step, kind, session_id in WizardEvent.objects.filter(
            kind__in=[WizardEvent.Kind.ENTERED, WizardEvent.Kind.FIX_WORKED,
                      WizardEvent.Kind.ESCALATED]).values_list(
            "flow_version_id", "step", "kind", "session_id"):
        if kind == WizardEvent.Kind.ENTERED:
            entered[(version_id, step)].add(session_id)
        elif kind == WizardEvent.Kind.FIX_WORKED:
            worked[(version_id, step)] += 1
        else:
            escalated_at[(version_id, step)] += 1
    out = []
    for version in versions:
        steps = version.definition["steps"]
        sessions = sessions_by_version.get(version.pk, [])
        resolved = [s for s in sessions if s.outcome == WizardSession.Outcome.RESOLVED]
        escalated = [s for s in sessions if s.outcome == WizardSession.Outcome.ESCALATED]
        abandoned = [s for s in sessions if s.outcome == WizardSession.Outcome.OPEN
                     and s.last_activity_at < cutoff]
        after_fix = [s for s in abandoned
                     if steps.get(s.current_step, {}).get("kind") == "fix"]
        plain = [s for s in abandoned if s not in after_fix]
        ended = len(resolved) + len(escalated) + len(abandoned)
        by_fix = Counter((s.resolved_article.slug if s.resolved_article else "?")
                         for s in resolved)
        step_rows = []
        for step_id in version.definition["order"]:
            step_rows.append({
                "id": step_id,
                "kind": steps[step_id]["kind"],
                "prompt": steps[step_id]["prompt"],
                "reached": len(entered[(version.pk, step_id)]),
                "resolved": worked[(version.pk, step_id)],
                "escalated": escalated_at[(version.pk, step_id)],
                "probably_resolved": sum(1 for s in after_fix if s.current_step == step_id),
                "abandoned": sum(1 for s in plain if s.current_step == step_id),
            })
        out.append({
            "version": version,
            "started": len(sessions),
            "ended": ended,
            "in_progress": len(sessions) - ended,
            "resolved": len(resolved),
            "resolved_by": by_fix.most_common(),
            "escalated": len(escalated),
            "probably_resolved": len(after_fix),
            "abandoned": len(plain),
            "deflection": (len(resolved) / ended) if ended else None,
            "steps": step_rows,
        })
    return out


def deflection_overall(stats: list[dict]) -> float | None:
    ended = sum(row["ended"] for row in stats)
    return (sum(row["resolved"] for row in stats) / ended) if ended else None


OUTCOME_FIGURES = ("started", "ended", "in_progress", "resolved", "escalated",
                   "probably_resolved", "abandoned")


@dataclass
class WizardTotals:
    """The wizard's figures, overall and per flow (its versions summed): the
    one source every page that shows them reads, so no two can disagree."""

    started: int = 0
    ended: int = 0
    in_progress: int = 0
    resolved: int = 0
    escalated: int = 0
    probably_resolved: int = 0
    abandoned: int = 0
    deflection: float | None = None
    flows: list[dict] = field(default_factory=list)


def wizard_totals(stats: list[dict] | None = None, *, language: str = Language.EN,
                  now: dt.datetime | None = None) -> WizardTotals:
    """Sums of ``flow_stats`` (computed here unless given); flows titled in
    ``language``."""
    stats = flow_stats(now=now) if stats is None else stats
    totals = WizardTotals(deflection=deflection_overall(stats))
    by_flow: dict[int, dict] = {}
    for row in stats:
        flow = row["version"].flow
        entry = by_flow.setdefault(flow.pk, {"flow": flow, "title": flow.title(language),
                                             **dict.fromkeys(OUTCOME_FIGURES, 0)})
        for name in OUTCOME_FIGURES:
            entry[name] += row[name]
            setattr(totals, name, getattr(totals, name) + row[name])
    for entry in by_flow.values():
        entry["deflection"] = entry["resolved"] / entry["ended"] if entry["ended"] else None
    totals.flows = [entry for entry in by_flow.values() if entry["started"]]
    return totals


def session_outcomes_by_week(*, since: dt.datetime,
                             now: dt.datetime | None = None) -> dict[dt.date, dict[str, int]]:
    """Sessions started each week (Monday, UTC) from ``since``, by how they
    ended, counted as ``flow_stats`` counts them (abandoned after
    ``ABANDONED_AFTER`` without activity, whatever step it was at)."""
    cutoff = (now or timezone.now()) - ABANDONED_AFTER
    open_ = Q(outcome=WizardSession.Outcome.OPEN)
    rows = (WizardSession.objects.filter(created_at__gte=since)
            .annotate(week=TruncWeek("created_at", tzinfo=dt.UTC)).values("week")
            .annotate(started=Count("pk"),
                      resolved=Count("pk", filter=Q(outcome=WizardSession.Outcome.RESOLVED)),
                      escalated=Count("pk", filter=Q(outcome=WizardSession.Outcome.ESCALATED)),
                      abandoned=Count("pk", filter=open_ & Q(last_activity_at__lt=cutoff)))
            .order_by())
    found = {}
    for row in rows:
        week = row.pop("week")
        found[week.date() if isinstance(week, dt.datetime) else week] = {
            **row, "ended": row["resolved"] + row["escalated"] + row["abandoned"]}
    return found


def session_list_for_ticket(*, ticket) -> QuerySet[WizardSession]:
    return ticket.wizard_sessions.select_related("flow_version__flow").order_by("created_at")


# Monitoring on the stream-down path -----------------------------------------
@dataclass(frozen=True)
class KnownIncident:
    """An incident monitoring already has open for a stream said to be down.

    ``ticket`` is the incident's ticket when the customer may read it (their
    organization's), else None; ``can_add`` says whether they may add their
    details to it as a reply instead of filing a new ticket.
    """

    incident: Incident
    ticket: Ticket | None
    can_add: bool


def session_known_incident(session: WizardSession, *, user) -> KnownIncident | None:
    """What monitoring knows for an open emergency session: an open incident
    on one of the customer's lines (in the region chosen, when one is), or
    the region's public incident; None on any other path."""
    if not session.flow.emergency or session.outcome != WizardSession.Outcome.OPEN:
        return None
    region = session_facts(session)["region"] or ""
    incident = incident_for_stream_down(user=user, region=region)
    if incident is None:
        return None
    ticket = None
    if incident.ticket_id is not None:
        ticket = ticket_list_visible_to(user=user).filter(pk=incident.ticket_id).first()
    can_add = (ticket is not None and ticket.status in Ticket.OPEN_STATUSES
               and ticket_operation_allowed(user=user, ticket=ticket, operation="comment"))
    return KnownIncident(incident=incident, ticket=ticket, can_add=can_add)
