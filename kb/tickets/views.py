"""The support portal (customers) and the queue and ticket pages (staff)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kb.core.access import staff_only
from kb.core.choices import Priority, Region
from kb.core.exceptions import ApplicationError
from kb.core.languages import content_language
from kb.core.throttles import limited_message, retry_after, throttle_wait
from kb.search.services import search_articles
from kb.tickets import contacts, forms, satisfaction, services
from kb.tickets.holidays import holiday_flags
from kb.tickets.models import Ticket
from kb.tickets.panels import ticket_panels_render
from kb.tickets.permissions import ticket_operation_allowed
from kb.tickets.selectors import (
    organization_for,
    organization_usual_region,
    page_alarms_open,
    sla_preview,
    ticket_attachments_parsed,
    ticket_description_own,
    ticket_diagnosis,
    ticket_events_visible_to,
    ticket_list_followed,
    ticket_list_visible_to,
    ticket_page_alarm,
    ticket_page_status,
    ticket_promises,
    ticket_queue,
)
from kb.tickets.throttles import TicketFilingThrottle

SUGGESTIONS = 5


@login_required
@require_GET
def ticket_list(request: HttpRequest) -> HttpResponse:
    tickets = ticket_list_visible_to(user=request.user)
    page = Paginator(tickets, 25).get_page(request.GET.get("page"))
    return render(request, "tickets/list.html", {
        "page": page, "organization": organization_for(user=request.user),
    })


@login_required
def ticket_new(request: HttpRequest) -> HttpResponse:
    organization = organization_for(user=request.user)
    if organization is None:
        return render(request, "tickets/no_organization.html", status=403)
    # A link may start the form (an article that did not help names itself);
    # cut to the fields' lengths, the form validates the rest when filed.
    form = forms.TicketForm(request.POST or None, request.FILES or None,
                            initial={"region": organization_usual_region(
                                organization=organization),
                                "subject": request.GET.get("subject", "")[:200],
                                "description": request.GET.get("description", "")[:2000]})
    status = 200
    wait = throttle_wait(request, [TicketFilingThrottle]) if request.method == "POST" else None
    if wait is not None:
        form.is_valid()  # shows the form with what was typed
        form.add_error(None, limited_message(wait))
        status = 429
    elif request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                ticket = services.ticket_create(
                    requester=request.user, organization=organization,
                    subject=data["subject"], description=data["description"],
                    priority=data["priority"], region=data["region"],
                    stream_id=data["stream_id"].strip(), protocol=data["protocol"],
                    role=data["role"], attachments=form.attachments(),
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                status = exc.status_code
            else:
                messages.success(request, _("Ticket #%(id)d is filed. We keep you posted here "
                                            "and by e-mail.") % {"id": ticket.pk})
                return redirect("tickets:detail", ticket_id=ticket.pk)
        else:
            status = 400
    preview = _preview_or_none(form["priority"].value(), form["region"].value())
    response = render(request, "tickets/new.html",
                      {"form": form, "organization": organization, "preview": preview},
                      status=status)
    return retry_after(response, wait) if wait is not None else response


def _preview_or_none(priority, region):
    if priority not in Priority.values or region not in Region.values:
        return None
    try:
        return sla_preview(priority=priority, region=region, at=timezone.now())
    except ApplicationError:
        return None


@login_required
@require_GET
def ticket_sla_preview(request: HttpRequest) -> HttpResponse:
    """The promise shown while the form is filled in (htmx)."""
    preview = _preview_or_none(request.GET.get("priority"), request.GET.get("region"))
    return render(request, "tickets/_sla_preview.html", {"preview": preview})


@login_required
@require_GET
def ticket_suggest(request: HttpRequest) -> HttpResponse:
    """Fixes matching the subject being typed (htmx)."""
    text = request.GET.get("subject", "")[:200]
    results = None
    if len(text.strip()) >= 3:
        # Not logged: every keystroke would count as a search without a click.
        results = search_articles(text=text, language=content_language(), limit=SUGGESTIONS,
                                  record=False)
    return render(request, "tickets/_suggestions.html", {"results": results})


def _get_ticket(request: HttpRequest, ticket_id: int) -> Ticket:
    # Another organization's ticket is not found, never "forbidden".
    return get_object_or_404(ticket_list_visible_to(user=request.user), pk=ticket_id)


@require_GET
def ticket_follow(request: HttpRequest, ticket_id: int, token: str) -> HttpResponse:
    """The link e-mailed to a contact: confirms their address and lets this
    browser follow the ticket without an account."""
    ticket = get_object_or_404(Ticket, pk=ticket_id, contact_email__gt="")
    if not contacts.follow_token_valid(token, ticket=ticket):
        raise Http404(_("This link is not valid any more. Ask support for a new one."))
    services.ticket_contact_verify(ticket=ticket)
    contacts.follow_in_session(request.session, ticket)
    messages.success(request, _("Thank you: your e-mail address is confirmed. This page "
                                "follows your ticket."))
    return redirect("tickets:detail", ticket_id=ticket.pk)


@require_http_methods(["GET", "HEAD", "POST"])
def ticket_satisfaction(request: HttpRequest, ticket_id: int, token: str) -> HttpResponse:
    """The e-mailed Good / Bad link: opening it shows the answer preselected
    (mail scanners open links too); only confirming it records the answer."""
    offered = satisfaction.satisfaction_token_rating(token, ticket_id=ticket_id)
    ticket = Ticket.objects.filter(pk=ticket_id).first() if offered else None
    if ticket is None:
        return render(request, "tickets/satisfaction_invalid.html", status=404)
    previous = satisfaction.satisfaction_for(ticket_id=ticket.pk)
    context = {"ticket": ticket, "token": token, "previous": previous,
               "rating": offered, "comment": previous.comment if previous else "",
               "comment_max": satisfaction.TicketSatisfaction.COMMENT_MAX, "error": None}
    if request.method != "POST":
        return render(request, "tickets/satisfaction.html", context)
    context["rating"] = request.POST.get("rating", "")
    context["comment"] = request.POST.get("comment", "")
    try:
        answer = satisfaction.satisfaction_record(
            ticket=ticket, rating=context["rating"], comment=context["comment"])
    except ApplicationError as error:
        context["error"] = error.message
        return render(request, "tickets/satisfaction.html", context, status=error.status_code)
    return render(request, "tickets/satisfaction_thanks.html",
                  {"ticket": ticket, "answer": answer, "replaced": previous is not None})


def _render_detail(request: HttpRequest, ticket: Ticket, *, status: int = 200,
                   **bound_forms) -> HttpResponse:
    can_work = services.can_work_tickets(request.user)
    wizard_sessions = list(ticket.wizard_sessions.all())
    context = {
        "can_work": can_work,
        "ticket": ticket,
        "promises": ticket_promises(ticket=ticket, now=timezone.now()),
        "page_status": ticket_page_status(ticket=ticket),
        "events": ticket_events_visible_to(ticket=ticket, user=request.user),
        "attachments": ticket_attachments_parsed(ticket=ticket),
        "reply_form": forms.ReplyForm(),
        "reopen_form": forms.ReopenForm(),
        "attach_form": forms.AttachForm(),
        "wizard_sessions": wizard_sessions,
        "description": ticket_description_own(
            ticket=ticket, session_ids=[s.id for s in wizard_sessions]),
        "panels": ticket_panels_render(ticket=ticket, request=request),
    }
    if request.user.is_staff:
        context["diagnosis"] = ticket_diagnosis(ticket=ticket, language=content_language(),
                                                sessions=wizard_sessions)
        context["notifications"] = ticket.notifications.all()
        context["page_alarm"] = ticket_page_alarm(ticket=ticket)
    if can_work:
        diagnosis = context["diagnosis"]
        located = list(ticket.problems.values_list("code", flat=True))
        context.update({
            "locate_form": forms.LocateForm(initial={"problems": located or [
                s["problem"] for s in diagnosis["suggestions"][:1]]}),
            "resolve_form": forms.ResolveForm(
                codes=located + [s["problem"] for s in diagnosis["suggestions"]],
                language=ticket.language),
            "wait_form": forms.WaitForm(),
            "assign_form": forms.AssignForm(initial={"team": ticket.team.code}),
        })
    context.update(bound_forms)
    return render(request, "tickets/detail.html", context, status=status)


@require_GET
def ticket_detail(request: HttpRequest, ticket_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        # A contact who opened the link of their confirmation e-mail.
        if ticket_id not in contacts.followed_ticket_ids(request.session):
            return redirect_to_login(request.get_full_path())
        ticket = get_object_or_404(ticket_list_followed(
            ticket_ids=contacts.followed_ticket_ids(request.session)), pk=ticket_id)
        return _render_detail(request, ticket)
    return _render_detail(request, _get_ticket(request, ticket_id))


def _may(request: HttpRequest, ticket: Ticket, operation: str) -> bool:
    return ticket_operation_allowed(user=request.user, ticket=ticket, operation=operation)


def _operate(request: HttpRequest, ticket_id: int, *, operation: str, perform,
             done: str, form_class=None, form_name: str = "") -> HttpResponse:
    """One operation from the ticket page: who may do it is
    kb.tickets.permissions' rule (the API's too), the form validates, the
    service acts; a refusal is shown on the page."""
    ticket = _get_ticket(request, ticket_id)
    # What a person may not do is not offered to them: "no such action".
    if not _may(request, ticket, operation):
        raise Http404(_("No such action."))
    form = form_class(request.POST, request.FILES) if form_class else None
    if form is not None and not form.is_valid():
        return _render_detail(request, ticket, status=400, **{form_name: form})
    try:
        perform(ticket, request.user, form.cleaned_data if form else {})
    except ApplicationError as exc:
        messages.error(request, exc.message)
        ticket.refresh_from_db()
        return _render_detail(request, ticket, status=exc.status_code)
    messages.success(request, done)
    return redirect("tickets:detail", ticket_id=ticket.pk)


@login_required
@require_POST
def ticket_reply(request: HttpRequest, ticket_id: int) -> HttpResponse:
    def reply(ticket, user, data):
        if data["internal"] and not _may(request, ticket, "note"):
            raise Http404(_("No such action."))
        services.ticket_comment(ticket=ticket, actor=user, text=data["text"],
                                public=not data["internal"])

    return _operate(request, ticket_id, operation="comment", perform=reply,
                    form_class=forms.ReplyForm, form_name="reply_form",
                    done=_("Your reply is on the timeline."))


@login_required
@require_POST
def ticket_attach(request: HttpRequest, ticket_id: int) -> HttpResponse:
    def attach(ticket, user, data):
        for upload in data["logs"]:
            services.ticket_attachment_add(ticket=ticket, actor=user, name=upload.name,
                                           content=upload.read())

    return _operate(request, ticket_id, operation="attach", perform=attach,
                    form_class=forms.AttachForm, form_name="attach_form",
                    done=_("The logs are attached."))


@login_required
@require_POST
def ticket_reopen(request: HttpRequest, ticket_id: int) -> HttpResponse:
    def reopen(ticket, user, data):
        services.ticket_reopen(ticket=ticket, actor=user, reason=data["text"])

    return _operate(request, ticket_id, operation="reopen", perform=reopen,
                    form_class=forms.ReopenForm, form_name="reopen_form",
                    done=_("Reopened: support picks it up again."))


@login_required
@require_POST
def ticket_confirm(request: HttpRequest, ticket_id: int) -> HttpResponse:
    def confirm(ticket, user, data):
        services.ticket_close(ticket=ticket, actor=user)

    return _operate(request, ticket_id, operation="confirm", perform=confirm,
                    done=_("Thank you: the ticket is closed."))


@login_required
@require_POST
def ticket_acknowledge(request: HttpRequest, ticket_id: int) -> HttpResponse:
    def acknowledge(ticket, user, data):
        services.ticket_acknowledge(ticket=ticket, actor=user)

    return _operate(request, ticket_id, operation="acknowledge", perform=acknowledge,
                    done=_("Acknowledged."))


@login_required
@require_POST
def ticket_locate(request: HttpRequest, ticket_id: int) -> HttpResponse:
    def locate(ticket, user, data):
        services.ticket_locate(ticket=ticket, actor=user, problems=list(data["problems"]))

    return _operate(request, ticket_id, operation="locate", perform=locate,
                    form_class=forms.LocateForm, form_name="locate_form", done=_("Located."))


@login_required
@require_POST
def ticket_resolve(request: HttpRequest, ticket_id: int) -> HttpResponse:
    def resolve(ticket, user, data):
        services.ticket_resolve(ticket=ticket, actor=user, article=data["article"],
                                summary=data["summary"])

    return _operate(request, ticket_id, operation="resolve", perform=resolve,
                    form_class=forms.ResolveForm, form_name="resolve_form",
                    done=_("Resolved: the customer is asked to confirm."))


@login_required
@require_POST
def ticket_close(request: HttpRequest, ticket_id: int) -> HttpResponse:
    def close(ticket, user, data):
        services.ticket_close(ticket=ticket, actor=user)

    return _operate(request, ticket_id, operation="close", perform=close, done=_("Closed."))


@login_required
@require_POST
def ticket_wait(request: HttpRequest, ticket_id: int) -> HttpResponse:
    def wait(ticket, user, data):
        services.ticket_wait_on_customer(ticket=ticket, actor=user, question=data["text"])

    return _operate(request, ticket_id, operation="wait", perform=wait,
                    form_class=forms.WaitForm, form_name="wait_form",
                    done=_("Waiting on the customer; the SLA clock is paused."))


@login_required
@require_POST
def ticket_assign(request: HttpRequest, ticket_id: int) -> HttpResponse:
    def assign(ticket, user, data):
        services.ticket_reassign(ticket=ticket, actor=user, team=data["team"],
                                 assignee=data["assignee"])

    return _operate(request, ticket_id, operation="assign", perform=assign,
                    form_class=forms.AssignForm, form_name="assign_form",
                    done=_("Reassigned."))


@require_GET
@staff_only
def ticket_queue_page(request: HttpRequest) -> HttpResponse:
    filters = forms.QueueFilterForm(request.GET or None)
    criteria = {}
    status = 200
    if filters.is_bound:
        if filters.is_valid():
            data = filters.cleaned_data
            criteria = {"priority": data["priority"] or None, "region": data["region"] or None,
                        "team": data["team"].code if data["team"] else None,
                        "status": data["status"] or None, "mine": data["mine"]}
        else:
            status = 400
    tickets = ticket_queue(user=request.user, **criteria)
    page = Paginator(tickets, 50).get_page(request.GET.get("page"))
    alarms = list(page_alarms_open())
    now = timezone.now()
    return render(request, "tickets/queue.html", {
        "filters": filters, "page": page, "now": now, "page_alarms": alarms,
        "alarmed": {alarm.ticket_id for alarm in alarms},
        "holiday_flags": holiday_flags(now=now),
        "satisfaction_teams": (satisfaction.satisfaction_by_team(now=now)
                               if satisfaction.satisfaction_lead_can_see(request.user) else None),
    }, status=status)
