"""Writes of the wizard: publishing flows, loading them, moving a session on."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kb.core.exceptions import ApplicationError
from kb.diagnostics import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, decode_paste, detect
from kb.problems.models import Problem
from kb.tickets.models import Ticket
from kb.tickets.selectors import organization_for
from kb.tickets.services import ticket_comment, ticket_create, ticket_create_for_contact
from kb.wizard import ranking, selectors
from kb.wizard.flows import REGIONS, FlowError, flow_parse
from kb.wizard.models import Flow, FlowVersion, WizardAttachment, WizardEvent, WizardSession
from kb.wizard.signals import wizard_fix_confirmed

log = logging.getLogger(__name__)

MAX_DESCRIPTION = 4000
MAX_STREAM_ID = 200
MAX_NOTE = 4000
MAX_TICKET_DESCRIPTION = 20_000
# A problem the diagnosis suggests with at least this confidence is put on
# the ticket as a problem code.
TICKET_PROBLEM_MIN_CONFIDENCE = 0.3


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# Flows ----------------------------------------------------------------------
def flow_validate(*, text: str) -> dict:
    """The definition of ``text``, or ApplicationError listing every problem."""
    try:
        definition = flow_parse(text)
    except FlowError as exc:
        raise ApplicationError(_("The flow is not valid: %(errors)s")
                               % {"errors": "; ".join(exc.errors)},
                               extra={"errors": exc.errors}) from exc
    errors = selectors.flow_article_errors(definition)
    if errors:
        raise ApplicationError(_("The flow is not valid: %(errors)s")
                               % {"errors": "; ".join(errors)}, extra={"errors": errors})
    return definition


@transaction.atomic
def flow_publish(*, flow: Flow, published_by=None) -> FlowVersion:
    """Freeze the flow's draft as its next version; running sessions keep theirs."""
    definition = flow_validate(text=flow.draft)
    if definition["slug"] != flow.slug:
        raise ApplicationError(_("The draft's slug must be the flow's slug (%(slug)s).")
                               % {"slug": flow.slug})
    flow.area = definition["area"]
    flow.emergency = definition["emergency"]
    flow.position = definition["position"]
    flow.title_en = definition["title"]["en"][:200]
    flow.title_zh = definition["title"]["zh-hans"][:200]
    flow.save(update_fields=["area", "emergency", "position", "title_en", "title_zh"])
    latest = selectors.flow_latest_version(flow=flow)
    version = FlowVersion.objects.create(
        flow=flow, number=(latest.number + 1) if latest else 1, definition=definition,
        source=flow.draft, source_digest=_digest(flow.draft), published_by=published_by,
        published_at=timezone.now(),
    )
    log.info("flow_published flow=%s version=%s", flow.slug, version.number)
    return version


@dataclass
class FlowLoadReport:
    published: int = 0
    unchanged: int = 0


def find_flow_files(root: Path) -> list[Path]:
    return sorted(root.glob("*.toml")) if root.is_dir() else []


@transaction.atomic
def flows_load_fixtures(*, root: Path) -> FlowLoadReport:
    """Publish each flow file whose text differs from its flow's latest version.

    An unchanged file does nothing; a changed one becomes the next version
    (replacing any draft a curator left unpublished in the admin).
    """
    report = FlowLoadReport()
    for path in find_flow_files(root):
        text = path.read_text(encoding="utf-8")
        try:
            definition = flow_parse(text)
        except FlowError as exc:
            raise ApplicationError(f"{path.name}: " + "; ".join(exc.errors)) from exc
        flow, _created = Flow.objects.get_or_create(
            slug=definition["slug"],
            defaults={"title_en": definition["title"]["en"][:200],
                      "title_zh": definition["title"]["zh-hans"][:200], "draft": text},
        )
        latest = selectors.flow_latest_version(flow=flow)
        if latest is not None and latest.source_digest == _digest(text):
            report.unchanged += 1
            continue
        flow.draft = text
        flow.draft_updated_at = timezone.now()
        flow.save(update_fields=["draft", "draft_updated_at"])
        try:
            flow_publish(flow=flow)
        except ApplicationError as exc:
            raise ApplicationError(f"{path.name}: {exc.message}") from exc
        report.published += 1
    return report


# Sessions -------------------------------------------------------------------
def _event(session: WizardSession, kind: str, step: str, article=None) -> None:
    WizardEvent.objects.create(session=session, flow_version=session.flow_version, step=step,
                               kind=kind, article=article, created_at=timezone.now())


def _save(session: WizardSession) -> None:
    session.last_activity_at = timezone.now()
    session.save()


def _enter(session: WizardSession, step_id: str) -> None:
    """Move to ``step_id``; a check or fix step diagnoses what is known now."""
    session.current_step = step_id
    step = selectors.session_step(session)
    _event(session, WizardEvent.Kind.ENTERED, step_id)
    if step["kind"] in ("check", "fix", "escalate"):
        session.diagnosis = ranking.session_diagnosis(session)
    if step["kind"] == "fix":
        candidates = ranking.fix_candidates(session, step)
        session.candidates = {**session.candidates, step_id: candidates}
        if not candidates:  # nothing to offer: go on (usually to escalation)
            _enter(session, step["next"])
            return
        _show_fix(session, step)


def _show_fix(session: WizardSession, step: dict) -> None:
    _tried, candidate = selectors.fix_current(session, step)
    if candidate is not None:
        article = selectors.article_for_reader(slug=candidate["article"],
                                               language=session.language)
        _event(session, WizardEvent.Kind.FIX_SHOWN, step["id"], article=article)


@transaction.atomic
def session_start(*, flow: Flow, language: str, user=None) -> WizardSession:
    version = selectors.flow_latest_version(flow=flow)
    if version is None:
        raise ApplicationError(_("This flow has not been published yet."), status_code=404)
    now = timezone.now()
    session = WizardSession.objects.create(
        flow_version=version, language=language,
        user=user if user is not None and user.is_authenticated else None,
        current_step=version.definition["start"], created_at=now, last_activity_at=now,
    )
    _event(session, WizardEvent.Kind.STARTED, session.current_step)
    _enter(session, session.current_step)
    _save(session)
    return session


def session_claim(*, session: WizardSession, user) -> WizardSession:
    """An anonymous session becomes the signed-in ``user``'s: the first to
    sign in with it ("sign in and come back to the same session"); from then
    on nobody else may open it. Of two people racing, one wins."""
    if session.user_id is None and user is not None and user.is_authenticated:
        claimed = WizardSession.objects.filter(pk=session.pk, user__isnull=True).update(
            user=user)
        if claimed:
            log.info("wizard_session_claimed session=%s user=%s", session.pk, user.pk)
        session.user = WizardSession.objects.select_related("user").get(pk=session.pk).user
    return session


def _require_open(session: WizardSession, step_id: str | None) -> dict:
    if session.outcome != WizardSession.Outcome.OPEN:
        raise ApplicationError(_("This session has ended; start a new one to go on."),
                               status_code=409)
    if step_id is not None and step_id != session.current_step:
        raise ApplicationError(
            _("That answer is for a step you are no longer on (perhaps it was answered in "
              "another tab). Here is where you are now."), status_code=409)
    return selectors.session_step(session)


def _clean_text(value: str) -> str:
    """Drop control characters a browser never sends in a text field."""
    return "".join(c for c in value if c in "\n\t" or c >= " ").strip()


@dataclass
class Upload:
    name: str
    data: bytes | str


def _rewind(session: WizardSession, position: int, step_id: str) -> None:
    """Go back to the step at ``position`` (answered before, shown again after
    the browser's Back): the answers from there on and their pastes go."""
    if session.outcome != WizardSession.Outcome.OPEN:
        _require_open(session, None)
    if not 0 <= position < len(session.entries) \
            or session.entries[position]["step"] != step_id:
        raise ApplicationError(
            _("That answer is for a step you are no longer on (perhaps it was answered in "
              "another tab). Here is where you are now."), status_code=409)
    dropped = session.entries[position:]
    pasted = [pk for entry in dropped if entry["kind"] == "paste"
              for pk in entry.get("attachments", [])]
    if pasted:
        session.attachments.filter(pk__in=pasted).delete()
    session.entries = list(session.entries[:position])
    _event(session, WizardEvent.Kind.BACK, step_id)
    _enter(session, step_id)


@transaction.atomic
def session_answer(*, session: WizardSession, step_id: str, choice: str = "",
                   text: str = "", uploads: list[Upload] | None = None,
                   skip: bool = False, fixed: str = "", user=None,
                   position: int | None = None) -> WizardSession:
    """Answer the current step and move on. Bad input: ApplicationError (4xx).

    ``position`` is the number of answers before the step the form was shown
    for: an earlier one (the browser went back to it) replaces the answers
    from there on.
    """
    session = WizardSession.objects.select_for_update().get(pk=session.pk)
    if position is not None and position != len(session.entries):
        _rewind(session, position, step_id)
    step = _require_open(session, step_id)
    if user is not None and user.is_authenticated and session.user_id is None:
        session.user = user
    kind = step["kind"]
    if kind == "question":
        selected = next((c for c in step["choices"] if c["id"] == choice), None)
        if selected is None:
            raise ApplicationError(_("Choose one of the answers offered."))
        session.entries = [*session.entries, {"step": step["id"], "kind": "question",
                                              "choice": selected["id"]}]
        _event(session, WizardEvent.Kind.ANSWERED, step["id"])
        _enter(session, selected["next"])
    elif kind == "describe":
        limit = MAX_STREAM_ID if step["field"] == "stream_id" else MAX_DESCRIPTION
        value = _clean_text(text)
        if len(value) > limit:
            raise ApplicationError(
                _("Please keep this under %(limit)d characters (it has %(length)d).")
                % {"limit": limit, "length": len(value)})
        if step["required"] and not value:
            raise ApplicationError(_("Please fill this in; it is needed to help you."))
        if step["field"] == "stream_id" and "\n" in value:
            raise ApplicationError(_("A stream ID is one line."))
        session.entries = [*session.entries, {"step": step["id"], "kind": "describe",
                                              "field": step["field"], "text": value}]
        _event(session, WizardEvent.Kind.ANSWERED, step["id"])
        _enter(session, step["next"])
    elif kind == "paste":
        created = _paste(session, step, text=text, uploads=uploads or [], skip=skip)
        session.entries = [*session.entries, {"step": step["id"], "kind": "paste",
                                              "attachments": [a.pk for a in created]}]
        _event(session, WizardEvent.Kind.ANSWERED, step["id"])
        _enter(session, step["next"])
    elif kind == "check":
        findings = session.diagnosis.get("findings", [])
        session.entries = [*session.entries, {"step": step["id"], "kind": "check",
                                              "findings": findings}]
        _event(session, WizardEvent.Kind.ANSWERED, step["id"])
        _enter(session, step["next"])
    elif kind == "fix":
        _answer_fix(session, step, fixed)
    else:
        raise ApplicationError(_("Confirm the ticket below to escalate."))
    _save(session)
    return session


def _paste(session: WizardSession, step: dict, *, text: str, uploads: list[Upload],
           skip: bool) -> list[WizardAttachment]:
    items = []
    if text.strip():
        items.append(Upload(name="pasted.txt", data=text))
    items += [u for u in uploads if u.data]
    if not items:
        if skip and step["optional"]:
            return []
        raise ApplicationError(
            _("Paste the output (or attach it as a file), or choose Skip.") if step["optional"]
            else _("Paste the output (or attach it as a file)."))
    existing = session.attachments.count()
    if existing + len(items) > MAX_ATTACHMENTS:
        raise ApplicationError(
            _("At most %(max)d outputs per session; this would make %(count)d. Paste the "
              "most relevant ones.") % {"max": MAX_ATTACHMENTS, "count": existing + len(items)})
    created = []
    for item in items:
        raw = item.data.encode() if isinstance(item.data, str) else item.data
        name = (_clean_text(item.name) or "attachment.txt")[:200]
        if len(raw) > MAX_ATTACHMENT_BYTES:
            raise ApplicationError(
                _("“%(name)s” is %(size).1f MB; the limit is %(limit)d MB. Paste the part "
                  "around the problem (for a log, the minutes before and after it).")
                % {"name": name, "size": len(raw) / 1048576,
                   "limit": MAX_ATTACHMENT_BYTES // 1048576}, status_code=413)
        if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise ApplicationError(_("“%(name)s” is not a text file; paste tool output as "
                                     "text.") % {"name": name})
        content = decode_paste(raw)
        detected, _platform = detect(content)
        created.append(WizardAttachment.objects.create(
            session=session, step=step["id"], name=name, content=content, size=len(raw),
            detected=detected, created_at=timezone.now()))
    return created


def _answer_fix(session: WizardSession, step: dict, fixed: str) -> None:
    if fixed not in ("yes", "no"):
        raise ApplicationError(_("Answer “Did this fix it?” with Yes or No."))
    _tried, candidate = selectors.fix_current(session, step)
    if candidate is None:  # defensive: candidates were exhausted
        _enter(session, step["next"])
        return
    article = selectors.article_for_reader(slug=candidate["article"], language=session.language)
    session.entries = [*session.entries, {"step": step["id"], "kind": "fix",
                                          "article": candidate["article"],
                                          "fixed": fixed == "yes"}]
    if fixed == "yes":
        _event(session, WizardEvent.Kind.FIX_WORKED, step["id"], article=article)
        session.outcome = WizardSession.Outcome.RESOLVED
        session.resolved_article = article
        session.ended_at = timezone.now()
        if article is not None:
            # What worked feeds the ranking of search and of the wizard's fixes.
            problems = candidate.get("problems", [])
            wizard_fix_confirmed.send(
                sender=WizardSession, article=article, session_ref=str(session.id),
                problem_code=problems[0] if len(problems) == 1 else "")
        return
    _event(session, WizardEvent.Kind.FIX_FAILED, step["id"], article=article)
    _tried, following = selectors.fix_current(session, step)
    if following is None:
        _enter(session, step["next"])
    else:
        _show_fix(session, step)


@transaction.atomic
def session_back(*, session: WizardSession) -> WizardSession:
    """Undo the last answer: its step becomes current again; its pastes go."""
    session = WizardSession.objects.select_for_update().get(pk=session.pk)
    _require_open(session, None)
    if not session.entries:
        raise ApplicationError(_("This is the first step."))
    entries = list(session.entries)
    last = entries.pop()
    if last["kind"] == "paste":
        session.attachments.filter(pk__in=last.get("attachments", [])).delete()
    session.entries = entries
    session.current_step = last["step"]
    _event(session, WizardEvent.Kind.BACK, last["step"])
    if selectors.session_step(session)["kind"] == "fix":
        _show_fix(session, selectors.session_step(session))
    _save(session)
    return session


@transaction.atomic
def session_restart(*, session: WizardSession) -> WizardSession:
    """Start this session over on its own version (answers and pastes dropped)."""
    session = WizardSession.objects.select_for_update().get(pk=session.pk)
    _require_open(session, None)
    session.attachments.all().delete()
    session.entries = []
    session.candidates = {}
    session.diagnosis = {}
    session.escalation_draft = {}
    _event(session, WizardEvent.Kind.RESTARTED, session.current_step)
    _enter(session, session.definition["start"])
    _save(session)
    return session


def _validate_escalation(*, region: str, stream_id: str, note: str) -> dict:
    stream_id = _clean_text(stream_id)
    note = _clean_text(note)
    if region not in REGIONS:
        raise ApplicationError(_("Choose the region the stream is in."))
    if len(stream_id) > MAX_STREAM_ID or "\n" in stream_id:
        raise ApplicationError(_("A stream ID is one line of at most %(max)d characters.")
                               % {"max": MAX_STREAM_ID})
    if len(note) > MAX_NOTE:
        raise ApplicationError(_("Please keep the note under %(max)d characters.")
                               % {"max": MAX_NOTE})
    return {"region": region, "stream_id": stream_id, "note": note}


@transaction.atomic
def session_escalation_save(*, session: WizardSession, region: str, stream_id: str,
                            note: str, email: str = "",
                            organization_name: str = "") -> WizardSession:
    """Keep what was typed on the ticket form while the customer signs in
    (or when the form comes back with a message)."""
    session = WizardSession.objects.select_for_update().get(pk=session.pk)
    _escalation_step(session)
    draft = {"region": region if region in REGIONS else "",
             "stream_id": _clean_text(stream_id)[:MAX_STREAM_ID],
             "note": _clean_text(note)[:MAX_NOTE],
             "email": _clean_text(email)[:254],
             "organization": _clean_text(organization_name)[:200]}
    session.escalation_draft = draft
    _save(session)
    return session


def _ticket_description(session: WizardSession, *, note: str) -> str:
    """The customer's own words, then the guided diagnosis (findings and
    transcript) under a heading that names the session: the ticket page shows
    the words and renders the diagnosis from the session itself, once
    (``ticket_description_own``). Written in the session's language."""
    facts = selectors.session_facts(session)
    parts = []
    if note:
        parts.append(note)
    if facts["description"]:
        parts.append(facts["description"])
    with translation.override(session.language):
        record = [_("Guided diagnosis (%(flow)s, session %(session)s):") % {
            "flow": session.flow_version, "session": session.id}]
        findings = session.diagnosis.get("findings", [])
        if findings:
            lines = [_("Findings:")]
            for finding in findings:
                lines.append(f"- {finding['summary']}")
                lines += [f"    > {line}" for line in finding.get("evidence", [])[:5]]
            record.append("\n".join(lines))
        record.append(selectors.session_transcript_text(session))
    parts.append("\n".join(record[:1]) + "\n" + "\n\n".join(record[1:]))
    text = "\n\n".join(parts)
    if len(text) > MAX_TICKET_DESCRIPTION:
        marker = "\n[... cut to fit; the whole transcript is on the ticket page]"
        text = text[:MAX_TICKET_DESCRIPTION - len(marker)] + marker
    return text


def escalation_preview(session: WizardSession, *, stream_id: str | None = None) -> dict:
    """What the ticket will hold: the customer confirms exactly this.

    ``stream_id`` is the one confirmed on the ticket form, when given.
    """
    step = selectors.session_step(session)
    facts = selectors.session_facts(session)
    if stream_id is not None:
        facts["stream_id"] = stream_id
    codes = [s["problem"] for s in session.diagnosis.get("suggestions", [])
             if s["confidence"] >= TICKET_PROBLEM_MIN_CONFIDENCE]
    subject = step["subject"].get(session.language) or step["subject"]["en"]
    if facts["stream_id"]:
        subject = f"{subject} ({facts['stream_id']})"
    return {
        "subject": subject[:200],
        "priority": ranking.session_priority(session, step),
        "region": facts["region"] or "",
        "stream_id": facts["stream_id"],
        "problems": codes[:5],
        "protocol": facts["protocol"] or "",
        "role": facts["role"] or "",
    }


def escalation_without_account(session: WizardSession) -> bool:
    """Whether this session's ticket can be filed without signing in: a
    stream that is down (the emergency path, P1) must reach support at once."""
    step = selectors.session_step(session)
    return step["kind"] == "escalate" and ranking.session_priority(session, step) == "P1"


def _escalation_step(session: WizardSession) -> dict:
    step = _require_open(session, None)
    if step["kind"] != "escalate":
        raise ApplicationError(_("This session is not at the ticket step."), status_code=409)
    return step


def _escalated(session: WizardSession, step: dict, ticket: Ticket, user=None) -> Ticket:
    now = timezone.now()
    session.entries = [*session.entries, {"step": step["id"], "kind": "escalate",
                                          "ticket": ticket.pk}]
    if user is not None:
        session.user = session.user or user
    session.ticket = ticket
    session.outcome = WizardSession.Outcome.ESCALATED
    session.ended_at = now
    session.escalation_draft = {}
    _event(session, WizardEvent.Kind.ESCALATED, step["id"])
    _save(session)
    return ticket


def _incident_mention(session: WizardSession, user) -> str:
    """A line for the new ticket naming the incident monitoring already had
    open (filed anyway: support links the two rather than working both),
    in the session's language, times in UTC for whoever reads it."""
    known = selectors.session_known_incident(session, user=user)
    if known is None:
        return ""
    incident = known.incident
    with translation.override(session.language):
        text = _("Monitoring already had an incident open when this was filed: "
                 "%(title)s (%(severity)s since %(since)s UTC, incident %(incident)d)") % {
            "title": incident.title, "severity": incident.get_severity_display(),
            "since": incident.opened_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M"),
            "incident": incident.pk}
        if incident.ticket_id is not None:
            text += "; " + _("its ticket is #%(ticket)d") % {"ticket": incident.ticket_id}
    return text + "."


def _ticket_fields(session: WizardSession, cleaned: dict, *, user=None) -> dict:
    preview = escalation_preview(session, stream_id=cleaned["stream_id"])
    mention = _incident_mention(session, user)
    note = "\n\n".join(part for part in (mention, cleaned["note"]) if part)
    return {
        "subject": preview["subject"],
        "description": _ticket_description(session, note=note),
        "priority": preview["priority"], "region": cleaned["region"],
        "stream_id": cleaned["stream_id"], "protocol": preview["protocol"],
        "role": preview["role"],
        "problems": list(Problem.objects.filter(code__in=preview["problems"])),
        "attachments": [(a.name, a.content) for a in session.attachments.all()],
        "language": session.language,
    }


@transaction.atomic
def session_escalate(*, session: WizardSession, user, region: str, stream_id: str = "",
                     note: str = "") -> Ticket:
    """File the ticket the escalate step previewed, with the whole transcript."""
    session = WizardSession.objects.select_for_update().get(pk=session.pk)
    step = _escalation_step(session)
    if user is None or not user.is_authenticated:
        raise ApplicationError(_("Sign in to file the ticket."), status_code=401)
    organization = organization_for(user=user)
    if organization is None:
        raise ApplicationError(
            _("Your account is not a member of a customer organization, so a ticket cannot be "
              "filed from it. Ask your administrator to add you, or contact support directly."),
            status_code=403)
    cleaned = _validate_escalation(region=region, stream_id=stream_id, note=note)
    ticket = ticket_create(requester=user, organization=organization,
                           **_ticket_fields(session, cleaned, user=user))
    return _escalated(session, step, ticket, user)


@transaction.atomic
def session_escalate_as_contact(*, session: WizardSession, email: str,
                                organization_name: str, region: str, stream_id: str = "",
                                note: str = "") -> Ticket:
    """File the P1 of a customer who is not signed in: their e-mail and
    organization stand in for the account (kb.tickets' contact tickets); the
    on-call engineer is paged as for any P1."""
    session = WizardSession.objects.select_for_update().get(pk=session.pk)
    step = _escalation_step(session)
    if not escalation_without_account(session):
        raise ApplicationError(_("Sign in to file the ticket."), status_code=401)
    cleaned = _validate_escalation(region=region, stream_id=stream_id, note=note)
    if not cleaned["stream_id"]:
        raise ApplicationError(_("Give the ID of the stream that is down, so the on-call "
                                 "engineer can look at it at once."))
    ticket = ticket_create_for_contact(email=email, organization_name=organization_name,
                                       **_ticket_fields(session, cleaned))
    return _escalated(session, step, ticket)


@transaction.atomic
def session_add_to_incident_ticket(*, session: WizardSession, user, text: str) -> Ticket:
    """Add the customer's details, as a reply, to the ticket of the incident
    monitoring already has open, instead of filing a second P1; the session
    ends there, pointing at that ticket."""
    session = WizardSession.objects.select_for_update().get(pk=session.pk)
    _require_open(session, None)
    if user is None or not user.is_authenticated:
        raise ApplicationError(_("Sign in to add to a ticket."), status_code=401)
    known = selectors.session_known_incident(session, user=user)
    if known is None or not known.can_add:
        raise ApplicationError(_("That incident is no longer open, or its ticket is not one "
                                 "you can add to. File a new ticket below."), status_code=409)
    text = _clean_text(text)
    if not text:
        raise ApplicationError(_("Say what you see: which stream, since when, what viewers "
                                 "get."))
    if len(text) > MAX_NOTE:
        raise ApplicationError(_("Please keep the note under %(max)d characters.")
                               % {"max": MAX_NOTE})
    facts = selectors.session_facts(session)
    with translation.override(session.language):
        lines = [text, ""]
        if facts["stream_id"]:
            lines.append(_("Stream: %(stream)s") % {"stream": facts["stream_id"]})
        lines.append(_("Added from the guided diagnosis \"a live stream is down\" "
                       "(session %(session)s).") % {"session": session.id})
    ticket = known.ticket
    ticket_comment(ticket=ticket, actor=user, text="\n".join(lines))
    session.entries = [*session.entries, {"step": session.current_step, "kind": "escalate",
                                          "ticket": ticket.pk, "joined": True}]
    session.user = session.user or user
    session.ticket = ticket
    session.outcome = WizardSession.Outcome.ESCALATED
    session.ended_at = timezone.now()
    session.escalation_draft = {}
    _event(session, WizardEvent.Kind.ESCALATED, session.current_step)
    _save(session)
    return ticket
