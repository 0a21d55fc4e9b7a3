"""An incident's own page, twice: public under /status/ (incidents staff made
public), and for signed-in customers and staff under /monitoring/. Staff
post updates and, once the incident is resolved, its postmortem from
either; the form comes back to the page it was sent from."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kb.core.choices import Region
from kb.core.exceptions import ApplicationError
from kb.monitoring.incident_forms import IncidentPostmortemForm, IncidentUpdateForm
from kb.monitoring.incident_selectors import (
    incident_list_public,
    incident_list_visible_to,
    incident_story,
)
from kb.monitoring.models import Incident, IncidentUpdate
from kb.monitoring.status import incident_regions
from kb.monitoring.updates import (
    incident_postmortem_save,
    incident_resolves_by_measurement,
    incident_update_post,
    update_statuses_allowed,
)

STATUS_PAGE = "status"
MONITORING_PAGE = "monitoring"


def _render(request: HttpRequest, incident: Incident, page: str, *, status: int = 200,
            update_form: IncidentUpdateForm | None = None,
            postmortem_form: IncidentPostmortemForm | None = None) -> HttpResponse:
    context = {
        "incident": incident, "page": page, "story": incident_story(incident),
        "regions": [Region(code).label for code in incident_regions(incident)],
    }
    if request.user.is_staff:
        allowed = update_statuses_allowed(incident)
        context["update_form"] = update_form or IncidentUpdateForm(initial={
            "status": allowed[0] if len(allowed) == 1 else "identified"})
        context["resolves_by_measurement"] = incident_resolves_by_measurement(incident)
        context["update_statuses"] = [(value, label) for value, label
                                      in IncidentUpdate.Status.choices if value in allowed]
        context["postmortem_form"] = postmortem_form or IncidentPostmortemForm(
            initial={"markdown": incident.postmortem})
    return render(request, "monitoring/incident.html", context, status=status)


@require_GET
def status_incident_page(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = get_object_or_404(incident_list_public(), pk=incident_id)
    return _render(request, incident, STATUS_PAGE)


@require_GET
@login_required
def incident_page(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = get_object_or_404(incident_list_visible_to(user=request.user), pk=incident_id)
    return _render(request, incident, MONITORING_PAGE)


def _staff_incident(request: HttpRequest, incident_id: int) -> Incident:
    if not (request.user.is_authenticated and request.user.is_staff):
        raise PermissionDenied(_("Only staff write on an incident."))
    return get_object_or_404(incident_list_visible_to(user=request.user), pk=incident_id)


def _page_of(request: HttpRequest, incident: Incident) -> str:
    """The page the form came from; the public one only while it shows the
    incident."""
    page = request.POST.get("page")
    return STATUS_PAGE if page == STATUS_PAGE and incident.public else MONITORING_PAGE


def _done(request: HttpRequest, incident: Incident, page: str, message: str) -> HttpResponse:
    messages.success(request, message)
    if page == STATUS_PAGE:
        return redirect("status-incident", incident_id=incident.pk)
    return redirect("monitoring:incident", incident_id=incident.pk)


@require_POST
def incident_update_create(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = _staff_incident(request, incident_id)
    form = IncidentUpdateForm(request.POST)
    page = _page_of(request, incident)
    if form.is_valid():
        was_open = incident.state == Incident.State.OPEN
        try:
            update = incident_update_post(incident=incident, author=request.user,
                                          status=form.cleaned_data["status"],
                                          body=form.cleaned_data["body"])
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            resolved = was_open and update.incident.state == Incident.State.RESOLVED
            return _done(request, incident, page, _(
                "The update is on the incident's story, and the incident is resolved.")
                if resolved else _("The update is on the incident's story."))
    return _render(request, incident, page, status=400, update_form=form)


@require_POST
def incident_postmortem_create(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = _staff_incident(request, incident_id)
    form = IncidentPostmortemForm(request.POST)
    page = _page_of(request, incident)
    if form.is_valid():
        try:
            incident_postmortem_save(incident=incident, author=request.user,
                                     markdown=form.cleaned_data["markdown"])
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return _done(request, incident, page, _("The postmortem is saved."))
    return _render(request, incident, page, status=400, postmortem_form=form)
