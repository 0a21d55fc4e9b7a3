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
from kb.core.access import staff_only
from kb.core.choices import Region
from kb.core.exceptions import ApplicationError
from kb.core.languages import content_language
from kb.core.throttles import limited_message, retry_after, throttle_wait
from kb.diagnostics import MAX_ATTACHMENTS
from kb.tickets.selectors import organization_for, sla_preview, ticket_list_visible_to
from kb.tickets.throttles import TicketFilingThrottle
from kb.wizard import selectors, services
from kb.wizard.flows import steps_to_end
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


def _context(request: HttpRequest, session: WizardSession, *, error: str = "") -> dict:
    language = content_language()
    step = _localize(selectors.session_step(session), language)
    done = len([e for e in session.entries if e["kind"] != "fix"])
    remaining = steps_to_end(session.definition, session.current_step)
    context = {
        "session": session,
        "flow_title": session.flow.title(language),
        "step": step,
        "error": error,
        "progress_done": done + 1,
        "progress_total": done + max(remaining, 1),
        "can_go_back": bool(session.entries) and session.outcome == "open",
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
    elif step["kind"] == "check":
        context["findings"] = session.diagnosis.get("findings", [])
        context["parsed"] = session.diagnosis.get("attachments", [])
    elif step["kind"] == "fix":
        tried, candidate = selectors.fix_current(session, step)
        if candidate is not None:
            article = selectors.article_for_reader(slug=candidate["article"], language=language)
            context.update({
                "candidate": candidate,
                "candidate_why": _text(candidate["why"], language) if candidate["why"] else "",
                "article": article,
                "article_html": render_article_html(article) if article else "",
                "candidate_number": tried + 1,
                "candidate_count": len(session.candidates.get(step["id"], [])),
            })
    elif step["kind"] == "escalate":
        context.update(_escalation_context(request, session, step, language))
    if session.outcome != WizardSession.Outcome.RESOLVED:
        quick = [s for s in selectors.session_step(session).get("quick_checks", [])]
        context["quick_checks"] = [a for a in (selectors.article_for_reader(
            slug=slug, language=language) for slug in quick) if a is not None]
    return context


def _escalation_context(request: HttpRequest, session: WizardSession, step: dict,
                        language: str) -> dict:
    preview = services.escalation_preview(session)
    draft = session.escalation_draft or {}
    region = draft.get("region") or preview["region"] or (
        "cn" if language == "zh-hans" else "")
    sla = None
    if region:
        try:
            sla = sla_preview(priority=preview["priority"], region=region, at=timezone.now())
        except ApplicationError:
            sla = None
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
            status: int = 200) -> HttpResponse:
    template = "wizard/_step.html" if request.htmx else "wizard/session.html"
    return render(request, template, _context(request, session, error=error), status=status)


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


def session_page(request: HttpRequest, session_id) -> HttpResponse:
    session, access = _get_session(request, session_id)
    if access == SessionAccess.READER:
        if request.method == "POST":
            return _render_read_only(request, session, status=403, error=_(
                "This is a customer's session: you can read it, only they can answer it."))
        return _render_read_only(request, session)
    if request.method != "POST":
        return _render(request, session)
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
                fixed=post.get("fixed", ""), user=request.user)
        else:
            raise ApplicationError(_("Unknown action."))
    except ApplicationError as exc:
        session.refresh_from_db()
        return _render(request, session, error=exc.message, status=exc.status_code)
    if request.htmx:
        return _render(request, session)
    return redirect("wizard:session", session_id=session.id)


@staff_only
def stats_page(request: HttpRequest) -> HttpResponse:
    stats = selectors.flow_stats()
    language = content_language()
    for row in stats:
        for step in row["steps"]:
            step["prompt_text"] = _text(step["prompt"], language)
    return render(request, "wizard/stats.html", {
        "stats": stats, "deflection": selectors.deflection_overall(stats),
    })
