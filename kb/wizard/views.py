"""The wizard's pages: start, the session page (one step at a time), statistics.

Every page works as a plain form post (POST, then redirect to the session
URL); with htmx the same forms swap only the step box. Refused input comes
back as the step with its message and a 4xx status.

A session is its owner's (``selectors.session_access``): someone else gets
a 404, staff who work tickets a read-only page. Every post that changes a
session (or starts one) counts against the wizard's rate limit; filing the
ticket also against the ticket limit.
"""

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from kb.articles.markdown import render_article_html
from kb.articles.sections import fix_summary_html
from kb.core.access import staff_only
from kb.core.choices import Region
from kb.core.exceptions import ApplicationError
from kb.core.languages import content_language
from kb.core.throttles import limited_message, retry_after, throttle_wait
from kb.diagnostics import MAX_ATTACHMENTS, findings_by_severity, reason_parts
from kb.tickets.selectors import (
    organization_for,
    sla_preview,
    ticket_list_visible_to,
    ticket_page_status,
)
from kb.tickets.throttles import TicketFilingThrottle
from kb.wizard import selectors, services
from kb.wizard.models import Flow, WizardSession
from kb.wizard.selectors import SessionAccess
from kb.wizard.throttles import WizardThrottle


def _text(value: dict, language: str) -> str:
    return value.get(language) or value.get("en", "")


def _localize(step: dict, language: str) -> dict:
    """The step with its texts in the reader's language (for the template)."""
    out = dict(step)
    out["prompt_text"] = _text(step.get("prompt", {}), language)
    out["help_text"] = _text(step.get("help", {}), language)
    if step["kind"] == "question":
        out["choices"] = [{**c, "label_text": _text(c["label"], language)}
                          for c in step["choices"]]
    return out


def start(request: HttpRequest) -> HttpResponse:
    """The front door: is a live stream down right now? Then the flows by area."""
    language = content_language()
    error = ""
    status = 200
    wait = None
    if request.method == "POST" and request.POST.get("stream_down") != "no":
        wait = throttle_wait(request, [WizardThrottle])
    if wait is not None:
        error = limited_message(wait)
        status = 429
    elif request.method == "POST":
        if request.POST.get("stream_down") == "yes":
            flow = selectors.flow_emergency()
            if flow is not None:
                return _start_session(request, flow, language)
            error = _("The emergency path is not set up; please contact support by phone.")
            status = 503
        elif request.POST.get("stream_down") == "no":
            return redirect(reverse("wizard:start") + "?" + urlencode({"down": "no"}))
        elif request.POST.get("flow"):
            flow = Flow.objects.filter(slug=request.POST["flow"], emergency=False,
                                       versions__isnull=False).first()
            if flow is not None:
                return _start_session(request, flow, language)
            error = _("That diagnosis does not exist; choose one of the list.")
            status = 400
        else:
            error = _("Answer the question: is a live stream down right now?")
            status = 400
    flows = [(flow, version) for flow, version in selectors.flow_list_published()
             if not flow.emergency]
    response = render(request, "wizard/start.html", {
        "show_flows": request.GET.get("down") == "no" or request.POST.get("flow"),
        "flows": [{"slug": flow.slug, "area": flow.get_area_display(),
                   "title": flow.title(language),
                   "summary": _text(version.definition.get("summary", {}), language)}
                  for flow, version in flows],
        "error": error,
    }, status=status)
    return retry_after(response, wait) if wait is not None else response


def _start_session(request: HttpRequest, flow: Flow, language: str) -> HttpResponse:
    session = services.session_start(flow=flow, language=language, user=request.user)
    return redirect("wizard:session", session_id=session.id)


def _get_session(request: HttpRequest, session_id) -> tuple[WizardSession, str]:
    """The session and how this visitor may use it; 404 for anyone else's."""
    session = selectors.session_get(session_id=session_id)
    access = None if session is None else selectors.session_access(
        session=session, user=request.user)
    if access is None:
        raise Http404(_("No such diagnosis session. Start a new one."))
    if (access == SessionAccess.OWNER and session.user_id is None
            and request.user.is_authenticated):
        # The first to sign in with an anonymous session keeps it.
        session = services.session_claim(session=session, user=request.user)
        access = selectors.session_access(session=session, user=request.user)
        if access is None:  # someone else signed in with it a moment earlier
            raise Http404(_("No such diagnosis session. Start a new one."))
    return session, access


def _step_url(session: WizardSession) -> str:
    """The address of the step shown: one per step, so the browser's Back
    goes to the previous step."""
    return reverse("wizard:step", args=[session.id, len(session.entries)])


def _context(request: HttpRequest, session: WizardSession, *, error: str = "",
             shown: WizardSession | None = None) -> dict:
    """What the step box shows. ``shown`` is the session as it stood at an
    earlier step the browser went back to (nothing changes until it is
    answered again)."""
    language = content_language()
    shown = shown or session
    step = _localize(selectors.session_step(shown), language)
    number, total = selectors.session_progress(shown)
    context = {
        "session": session,
        "flow_title": session.flow.title(language),
        "step": step,
        "step_url": _step_url(shown),
        "revisiting": shown is not session,
        "error": error,
        "progress_done": number,
        "progress_total": total,
        "can_go_back": bool(shown.entries) and session.outcome == "open" and shown is session,
        "max_attachments": MAX_ATTACHMENTS,
        "attachments": list(session.attachments.all()),
    }
    if session.outcome == WizardSession.Outcome.RESOLVED:
        context["resolved_article"] = session.resolved_article
    elif session.outcome == WizardSession.Outcome.ESCALATED:
        visible = ticket_list_visible_to(user=request.user).filter(pk=session.ticket_id)
        ticket = visible.first()
        if ticket is None and session.user_id is None and session.ticket is not None \
                and session.ticket.requester_id is None:
            # Filed without an account from this session: its holder filed it.
            ticket = session.ticket
            context["contact_ticket"] = True
        context["ticket"] = ticket
        context["ticket_filed"] = session.ticket_id is not None
        context["joined"] = bool(session.entries and session.entries[-1].get("joined"))
    elif step["kind"] == "check":
        context["findings"] = findings_by_severity(shown.diagnosis.get("findings", []))
        context["parsed"] = shown.diagnosis.get("attachments", [])
    elif step["kind"] == "fix":
        tried, candidate = selectors.fix_current(shown, step)
        if candidate is not None:
            article = selectors.article_for_reader(slug=candidate["article"], language=language)
            context.update({
                "candidate": candidate,
                "candidate_why": _text(candidate["why"], language) if candidate["why"] else "",
                "candidate_reason": reason_parts(candidate.get("reason", "")),
                "article": article,
                "article_html": render_article_html(article) if article else "",
                "fix_summary_html": fix_summary_html(article) if article else "",
                "candidate_number": tried + 1,
                "candidate_count": len(shown.candidates.get(step["id"], [])),
            })
    elif step["kind"] == "escalate":
        context.update(_escalation_context(request, shown, step, language))
    context.update(_known_incident_context(request, session))
    if session.outcome != WizardSession.Outcome.RESOLVED:
        quick = [s for s in selectors.session_step(shown).get("quick_checks", [])]
        context["quick_checks"] = [a for a in (selectors.article_for_reader(
            slug=slug, language=language) for slug in quick) if a is not None]
    return context


def _known_incident_context(request: HttpRequest, session: WizardSession) -> dict:
    """On the stream-down path, what monitoring already has open, shown
    before anything more is asked (nothing on any other path)."""
    known = selectors.session_known_incident(session, user=request.user)
    if known is None:
        return {}
    incident = known.incident
    return {"known": known, "known_since": incident.down_at or incident.opened_at,
            "known_page": ticket_page_status(ticket=known.ticket) if known.ticket else None}


def _escalation_context(request: HttpRequest, session: WizardSession, step: dict,
                        language: str) -> dict:
    preview = services.escalation_preview(session)
    draft = session.escalation_draft or {}
    region = draft.get("region") or preview["region"] or (
        "cn" if language == "zh-hans" else "")
    sla = _sla_or_none(preview["priority"], region)
    signed_in = request.user.is_authenticated
    return {
        "preview": preview,
        "form_region": region,
        "form_stream_id": draft.get("stream_id", preview["stream_id"]),
        "form_note": draft.get("note", ""),
        "form_email": draft.get("email", ""),
        "form_organization": draft.get("organization", ""),
        "regions": Region.choices,
        "sla": sla,
        "as_contact": not signed_in and preview["priority"] == "P1",
        "needs_sign_in": not signed_in and preview["priority"] != "P1",
        "no_organization": request.user.is_authenticated
        and organization_for(user=request.user) is None,
        "login_url": reverse("login") + "?" + urlencode(
            {"next": reverse("wizard:session", args=[session.id])}),
    }


def _render(request: HttpRequest, session: WizardSession, *, error: str = "",
            status: int = 200, shown: WizardSession | None = None) -> HttpResponse:
    template = ("wizard/_step.html" if request.htmx and not request.htmx.history_restore_request
                else "wizard/session.html")
    context = _context(request, session, error=error, shown=shown)
    response = render(request, template, context, status=status)
    if request.htmx and status == 200:
        # Each step gets its own entry in the browser's history.
        response["HX-Push-Url"] = context["step_url"]
    return response


def _render_read_only(request: HttpRequest, session: WizardSession, *, error: str = "",
                      status: int = 200) -> HttpResponse:
    language = content_language()
    return render(request, "wizard/session_read_only.html", {
        "session": session,
        "flow_title": session.flow.title(language),
        "step": _localize(selectors.session_step(session), language),
        "attachments": list(session.attachments.all()),
        "error": error,
    }, status=status)


def session_page(request: HttpRequest, session_id, position: int | None = None
                 ) -> HttpResponse:
    """The session at its current step; with ``position``, the step reached
    after that many answers (an earlier one is shown again after the
    browser's Back, and answering it replaces the answers after it)."""
    session, access = _get_session(request, session_id)
    if access == SessionAccess.READER:
        if request.method == "POST":
            return _render_read_only(request, session, status=403, error=_(
                "This is a customer's session: you can read it, only they can answer it."))
        return _render_read_only(request, session)
    if request.method != "POST":
        if position is None or session.outcome != WizardSession.Outcome.OPEN:
            return _render(request, session)
        shown = selectors.session_at(session, position)
        if shown is None:
            return redirect(_step_url(session))
        return _render(request, session, shown=shown)
    try:
        post = request.POST
        files = request.FILES.getlist("file")
    except RequestDataTooBig:
        return _render(request, session, status=413, error=_(
            "That is too much to send at once. Paste the part of the output around the "
            "problem."))
    action = post.get("action", "answer")
    throttles = [WizardThrottle]
    if action == "escalate":
        throttles.append(TicketFilingThrottle)
    wait = throttle_wait(request, throttles)
    if wait is not None:
        return retry_after(_render(request, session, error=limited_message(wait), status=429),
                           wait)
    try:
        if action == "back":
            session = services.session_back(session=session)
        elif action == "restart":
            session = services.session_restart(session=session)
        elif action == "escalate":
            if not request.user.is_authenticated:
                # Keep what they typed: signing in brings them back here, and
                # a refused contact form comes back filled in.
                services.session_escalation_save(
                    session=session, region=post.get("region", ""),
                    stream_id=post.get("stream_id", ""), note=post.get("note", ""),
                    email=post.get("email", ""),
                    organization_name=post.get("organization", ""))
            if not request.user.is_authenticated and services.escalation_without_account(
                    session):
                # A stream is down: no account needed to reach the on-call engineer.
                services.session_escalate_as_contact(
                    session=session, email=post.get("email", ""),
                    organization_name=post.get("organization", ""),
                    region=post.get("region", ""), stream_id=post.get("stream_id", ""),
                    note=post.get("note", ""))
            elif not request.user.is_authenticated:
                login = reverse("login") + "?" + urlencode(
                    {"next": reverse("wizard:session", args=[session.id])})
                if request.htmx:
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = login
                    return response
                return redirect(login)
            else:
                services.session_escalate(
                    session=session, user=request.user, region=post.get("region", ""),
                    stream_id=post.get("stream_id", ""), note=post.get("note", ""))
        elif action == "add_to_incident":
            if not request.user.is_authenticated:
                raise ApplicationError(_("Sign in to add to a ticket."), status_code=401)
            services.session_add_to_incident_ticket(session=session, user=request.user,
                                                    text=post.get("details", ""))
            session.refresh_from_db()
        elif action == "answer":
            if len(files) > MAX_ATTACHMENTS:
                raise ApplicationError(_("At most %(n)d files at once.") % {
                    "n": MAX_ATTACHMENTS})
            uploads = [services.Upload(name=f.name, data=f.read(services.MAX_ATTACHMENT_BYTES
                                                                 + 1))
                       for f in files]
            session = services.session_answer(
                session=session, step_id=post.get("step", ""), choice=post.get("choice", ""),
                text=post.get("text", ""), uploads=uploads, skip="skip" in post,
                fixed=post.get("fixed", ""), user=request.user, position=position)
        else:
            raise ApplicationError(_("Unknown action."))
    except ApplicationError as exc:
        session.refresh_from_db()
        return _render(request, session, error=exc.message, status=exc.status_code)
    if request.htmx:
        return _render(request, session)
    return redirect(_step_url(session))


def session_promise(request: HttpRequest, session_id) -> HttpResponse:
    """The promised times for the region chosen on the ticket form (htmx)."""
    session, access = _get_session(request, session_id)
    step = selectors.session_step(session)
    if access != SessionAccess.OWNER or step["kind"] != "escalate" \
            or session.outcome != WizardSession.Outcome.OPEN:
        raise Http404(_("No such diagnosis session. Start a new one."))
    region = request.GET.get("region", "")
    priority = services.escalation_preview(session)["priority"]
    return render(request, "wizard/_promise.html",
                  {"sla": _sla_or_none(priority, region)})


def _sla_or_none(priority: str, region: str) -> dict | None:
    if region not in Region.values:
        return None
    try:
        return sla_preview(priority=priority, region=region, at=timezone.now())
    except ApplicationError:
        return None


@staff_only
def stats_page(request: HttpRequest) -> HttpResponse:
    stats = selectors.flow_stats()
    language = content_language()
    for row in stats:
        for step in row["steps"]:
            step["prompt_text"] = _text(step["prompt"], language)
    return render(request, "wizard/stats.html", {
        "stats": stats, "deflection": selectors.deflection_overall(stats),
        "wizard": selectors.wizard_totals(stats, language=language),
    })
