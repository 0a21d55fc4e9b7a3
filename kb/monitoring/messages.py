"""What monitoring writes on an incident's story (the status page), in the
reader's language: stored as a code with parameters, rendered when read,
as ticket timelines are (kb.tickets.timeline).

A ``region`` parameter is stored as the region's code and shown as its
name in the reader's language."""

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from kb.core.choices import Region

MESSAGES = {
    "detected_degraded": _("Monitoring detected degraded performance on %(line)s: "
                           "%(bad)d of the last %(window)d minutes crossed a threshold."),
    "detected_down": _("Monitoring detected %(line)s down: %(minutes)d consecutive minutes "
                       "without a reply."),
    "escalated_down": _("%(line)s is now down: %(minutes)d consecutive minutes without a "
                        "reply."),
    "recovered": _("%(line)s recovered: %(minutes)d consecutive minutes neither degraded "
                   "nor down."),
    # A region's incident (kb.monitoring.regional): several lines to the
    # same region at once. Never a customer's line or organization by name.
    "regional_detected_degraded": _(
        "Monitoring detected degraded performance on %(lines)d lines to %(region)s at "
        "once. We are investigating a problem in the region."),
    "regional_detected_down": _(
        "Monitoring detected %(lines)d lines to %(region)s in trouble at once, some "
        "without any reply. We are investigating an outage in the region."),
    "regional_escalated_down": _(
        "Service to %(region)s is now down: %(down)d of the %(lines)d affected lines get "
        "no reply."),
    "regional_recovering": _(
        "Service to %(region)s is recovering: %(recovered)d of the %(lines)d affected lines "
        "are healthy again. We are monitoring the others."),
    "regional_recovered": _(
        "Service to %(region)s has recovered: all %(lines)d affected lines are healthy "
        "again."),
}

# The titles of monitoring's region incidents, stored in English (the
# title is one field); ``regional_title`` gives them in the active language.
REGIONAL_TITLES = {
    "degraded": _("Degraded service to %(region)s"),
    "down": _("Service to %(region)s is down"),
}


def _shown(params: dict) -> dict:
    if params.get("region") in Region.values:
        return {**params, "region": str(Region(params["region"]).label)}
    return params


def render(code: str, params: dict) -> str:
    return str(MESSAGES[code]) % _shown(params)


def render_english(code: str, params: dict) -> str:
    with translation.override("en"):
        return render(code, params)


def regional_title(*, region: str, severity: str) -> str:
    """A region incident's title in the active language: the region's name
    only, so the public page never shows whose lines are affected."""
    return str(REGIONAL_TITLES[severity]) % _shown({"region": region})
