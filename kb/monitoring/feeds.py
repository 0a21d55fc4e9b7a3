"""The status page as an Atom feed (/status/feed.atom): one entry per public
incident, its updates newest first, and one per public maintenance window;
the most recently changed first.

A feed reader sends no language cookie, so ``?lang=zh-hans`` (the status
page links to the feed in the reader's language) chooses it; without it
the request's language applies, as on every page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kb.core.cache import cached
from kb.monitoring.messages import render as render_message
from kb.monitoring.models import Incident, IncidentUpdate, Maintenance
from kb.monitoring.regional import incident_title
from kb.monitoring.status import STATUS_CACHE_SECONDS
from kb.monitoring.subscriptions import incident_path, status_link

INCIDENTS = 50
MAINTENANCE_WINDOWS = 20


@dataclass
class FeedEntry:
    guid: str
    title: str
    link: str
    published: dt.datetime
    updated: dt.datetime
    html: str


def _stamp(at: dt.datetime) -> str:
    return f"{at.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"


def _incident_entry(incident: Incident) -> FeedEntry:
    updates = sorted(incident.updates.all(), key=lambda u: (u.created_at, u.pk), reverse=True)
    parts = [format_html("<p>{} · {}</p>", incident.get_severity_display(),
                         incident.get_state_display())]
    for update in updates:
        # Monitoring's own words are rendered here; staff's were sanitized
        # when saved.
        text = (mark_safe(f"<p>{escape(render_message(update.code, update.params))}</p>")
                if update.code else mark_safe(update.body_html))
        parts.append(format_html("<h3>{} · {}</h3>{}", update.get_status_display(),
                                 _stamp(update.created_at), text))
    if incident.postmortem_html:
        parts.append(format_html("<h3>{}</h3>{}", _("Postmortem"),
                                 mark_safe(incident.postmortem_html)))
    latest = updates[0] if updates else None
    title = incident_title(incident)
    if latest is not None:
        title = _("%(title)s: %(status)s") % {"title": title,
                                              "status": latest.get_status_display()}
    updated = max([incident.opened_at]
                  + [u.created_at for u in updates]
                  + ([incident.resolved_at] if incident.resolved_at else []))
    link = status_link(incident_path(incident.pk))
    return FeedEntry(guid=link, title=title, link=link,
                     published=incident.opened_at, updated=updated, html="".join(parts))


def _maintenance_entry(window: Maintenance) -> FeedEntry:
    html = format_html("<p>{}: {} – {}</p>", _("Planned maintenance"), _stamp(window.starts_at),
                       _stamp(window.ends_at))
    if window.description:
        html += format_html("<p>{}</p>", window.description)
    link = status_link(f"{reverse('status-page')}#maintenance-{window.pk}")
    return FeedEntry(
        guid=link, title=_("Planned maintenance: %(title)s") % {"title": window.title},
        link=link,
        published=window.created_at, updated=window.created_at, html=html)


def status_feed_entries() -> list[FeedEntry]:
    """Public incidents and maintenance windows, the latest changed first."""
    incidents = (Incident.objects.filter(public=True)
                 .prefetch_related(Prefetch("updates", queryset=IncidentUpdate.objects.order_by(
                     "created_at", "pk")))
                 .order_by("-opened_at", "-pk")[:INCIDENTS])
    windows = Maintenance.objects.filter(public=True).order_by("-starts_at", "-pk")[
        :MAINTENANCE_WINDOWS]
    entries = [_incident_entry(i) for i in incidents] + [_maintenance_entry(w) for w in windows]
    return sorted(entries, key=lambda e: e.updated, reverse=True)


class StatusFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        language = request.GET.get("lang")
        if language is None:
            return super().__call__(request, *args, **kwargs)
        codes = [code for code, _name in settings.LANGUAGES]
        if language not in codes:
            return HttpResponseBadRequest(
                _("lang must be one of %(codes)s.") % {"codes": ", ".join(codes)},
                content_type="text/plain; charset=utf-8")
        with translation.override(language):
            response = super().__call__(request, *args, **kwargs)
            response["Content-Language"] = language
            return response

    def title(self) -> str:
        return _("%(site)s status") % {"site": settings.KB_SITE_NAME}

    def subtitle(self) -> str:
        return _("Incidents on the regional ingest and dedicated routes, and planned "
                 "maintenance.")

    def link(self) -> str:
        return status_link(reverse("status-page"))

    def feed_url(self) -> str:
        return status_link(f"{reverse('status-feed')}?lang={get_language()}")

    def feed_guid(self) -> str:
        return f"{settings.KB_SITE_URL}{reverse('status-feed')}"

    def items(self) -> list[FeedEntry]:
        # Feed readers poll, and everyone's does during an incident: the
        # entries are built at most every 30 s per language, as the page is.
        return cached(f"monitoring:status-feed:{get_language()}", status_feed_entries,
                      STATUS_CACHE_SECONDS)

    def item_title(self, item: FeedEntry) -> str:
        return item.title

    def item_description(self, item: FeedEntry) -> str:
        return item.html

    def item_link(self, item: FeedEntry) -> str:
        return item.link

    def item_guid(self, item: FeedEntry) -> str:
        return item.guid

    def item_guid_is_permalink(self, item: FeedEntry) -> bool:
        return False

    def item_pubdate(self, item: FeedEntry) -> dt.datetime:
        return item.published

    def item_updateddate(self, item: FeedEntry) -> dt.datetime:
        return item.updated
