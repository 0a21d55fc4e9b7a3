"""What staff write on an incident: updates to its story and, once it is
resolved, its postmortem (cause, timeline, what changes).

Both are Markdown, rendered and sanitized like articles
(``kb.articles.markdown.render_markdown``) when saved, so the pages and
``GET /api/v1/status/`` serve the stored HTML as it is: a ``<script>``, an
``onerror=`` or a ``javascript:`` link never reaches a reader.

Who resolves what: staff resolve the incidents they declared for a whole
region by posting a "resolved" update. A line's incident resolves by
measurement only (``kb.monitoring.incidents.incident_resolve``, after the
line's recovery minutes), and a region incident monitoring opened resolves
with the last of its lines, so "resolved" is refused on those while they
are open: the status page would say "resolved" while the line is not.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kb.articles.markdown import render_markdown
from kb.core.exceptions import ApplicationError
from kb.core.languages import content_language
from kb.monitoring.incidents import incident_resolve
from kb.monitoring.models import Incident, IncidentUpdate
from kb.monitoring.status import status_cache_clear

log = logging.getLogger(__name__)

MAX_UPDATE_CHARS = 20_000
MAX_POSTMORTEM_CHARS = 50_000


def incident_markdown_html(text: str) -> str:
    """Staff Markdown as the sanitized HTML the pages show. The admin calls
    it too, for what it saves."""
    return render_markdown(text, language=content_language()).html if text.strip() else ""


def update_body_check(body: str) -> str:
    body = body.strip()
    if not body:
        raise ApplicationError(_("Write what is happening: the update is empty."))
    if len(body) > MAX_UPDATE_CHARS:
        raise ApplicationError(
            _("An update is at most %(limit)s characters; this one has %(length)s. "
              "Shorten it, or put the detail in the postmortem.") % {
                "limit": f"{MAX_UPDATE_CHARS:,}", "length": f"{len(body):,}"})
    return body


def postmortem_check(markdown: str) -> str:
    markdown = markdown.strip()
    if not markdown:
        raise ApplicationError(_("Write the postmortem: it is empty."))
    if len(markdown) > MAX_POSTMORTEM_CHARS:
        raise ApplicationError(
            _("A postmortem is at most %(limit)s characters; this one has %(length)s.") % {
                "limit": f"{MAX_POSTMORTEM_CHARS:,}", "length": f"{len(markdown):,}"})
    return markdown


def incident_resolves_by_measurement(incident: Incident) -> bool:
    """A line's incident, or a region's that monitoring opened: its story
    holds monitoring's coded updates and no staff member declared it."""
    return incident.line_id is not None or (
        incident.created_by_id is None and any(u.code for u in incident.updates.all()))


def update_statuses_allowed(incident: Incident) -> list[str]:
    """The statuses a staff update of the incident may have now."""
    if incident.state == Incident.State.RESOLVED:
        return [IncidentUpdate.Status.RESOLVED]
    if incident_resolves_by_measurement(incident):
        return [s for s in IncidentUpdate.Status.values if s != IncidentUpdate.Status.RESOLVED]
    return list(IncidentUpdate.Status.values)


def _status_check(incident: Incident, status: str) -> None:
    if status not in IncidentUpdate.Status.values:
        raise ApplicationError(_("Choose the update's status: %(statuses)s.") % {
            "statuses": ", ".join(IncidentUpdate.Status.values)})
    if incident.state == Incident.State.RESOLVED:
        if status != IncidentUpdate.Status.RESOLVED:
            raise ApplicationError(
                _("This incident is resolved: a further update keeps the status "
                  "“Resolved”. Write the cause in the postmortem."))
        return
    if status not in update_statuses_allowed(incident):
        if incident.line is None:
            raise ApplicationError(
                _("Monitoring opened this region's incident: it resolves when the last of "
                  "its lines recovers; until then post “Monitoring”."))
        raise ApplicationError(
            _("A line's incident resolves by measurement, after %(minutes)d minutes "
              "neither degraded nor down; until then post “Monitoring”.") % {
                "minutes": incident.line.recovery_minutes})


@transaction.atomic
def incident_update_post(*, incident: Incident, author, status: str,
                         body: str) -> IncidentUpdate:
    """Add a staff update to the incident's story; "resolved" resolves a
    region's incident (see the module's docstring for a line's)."""
    incident = (Incident.objects.select_for_update(of=("self",)).select_related("line")
                .get(pk=incident.pk))
    body = update_body_check(body)
    _status_check(incident, status)
    now = timezone.now()
    update = IncidentUpdate(incident=incident, status=status, body=body,
                            body_html=incident_markdown_html(body), author=author,
                            created_at=now)
    update.full_clean()
    update.save()
    if status == IncidentUpdate.Status.RESOLVED and incident.state == Incident.State.OPEN:
        update.incident = incident_resolve(incident=incident, at=now)
    log.info("incident_update incident=%s update=%s status=%s author=%s", incident.pk,
             update.pk, status, getattr(author, "pk", None))
    transaction.on_commit(status_cache_clear)
    return update


@transaction.atomic
def incident_postmortem_save(*, incident: Incident, author, markdown: str) -> Incident:
    """Write (or rewrite) a resolved incident's postmortem."""
    incident = Incident.objects.select_for_update(of=("self",)).get(pk=incident.pk)
    if incident.state != Incident.State.RESOLVED:
        raise ApplicationError(
            _("A postmortem is written once the incident is resolved; post an update "
              "until then."))
    markdown = postmortem_check(markdown)
    incident.postmortem = markdown
    incident.postmortem_html = incident_markdown_html(markdown)
    incident.save(update_fields=["postmortem", "postmortem_html"])
    log.info("incident_postmortem incident=%s author=%s chars=%s", incident.pk,
             getattr(author, "pk", None), len(markdown))
    transaction.on_commit(status_cache_clear)
    return incident
