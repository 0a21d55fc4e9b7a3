"""Reads of one incident's page: who may see it, and its story.

The public page shows incidents staff made public (the status page's);
the signed-in page shows a customer the incidents of their organization's
lines and the region incidents those are part of, and staff every
incident. Anything else is not found (404), never "forbidden".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from kb.monitoring.messages import render as render_message
from kb.monitoring.models import Incident, Line
from kb.monitoring.selectors import incident_updates_prefetch


@dataclass
class StoryEntry:
    status: str
    at: dt.datetime
    html: SafeString


def incident_story(incident: Incident) -> list[StoryEntry]:
    """An incident's updates, oldest first, as HTML in the reader's language:
    monitoring's own are message codes, staff's are sanitized Markdown."""
    story = []
    for update in incident.updates.all():
        html: SafeString = (
            mark_safe(f"<p>{escape(render_message(update.code, update.params))}</p>")
            if update.code else mark_safe(update.body_html))  # sanitized when saved
        story.append(StoryEntry(status=update.get_status_display(), at=update.created_at,
                                html=html))
    return story


def _incidents() -> QuerySet[Incident]:
    return (Incident.objects.select_related("line", "line__organization", "ticket")
            .prefetch_related(incident_updates_prefetch()))


def incident_list_public() -> QuerySet[Incident]:
    return _incidents().filter(public=True)


def incident_list_visible_to(*, user) -> QuerySet[Incident]:
    if user is None or not user.is_authenticated:
        return Incident.objects.none()
    if user.is_staff:
        return _incidents()
    own_lines = Line.objects.filter(organization__members=user).values("pk")
    regions_of_own = (Incident.objects.filter(line__in=own_lines, regional__isnull=False)
                      .values("regional_id"))
    return _incidents().filter(Q(line__in=own_lines) | Q(pk__in=regions_of_own))
