"""What monitoring writes on an incident's story (the status page), in the
reader's language: stored as a code with parameters, rendered when read,
as ticket timelines are (kb.tickets.timeline)."""

from django.utils import translation
from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "detected_degraded": _("Monitoring detected degraded performance on %(line)s: "
                           "%(bad)d of the last %(window)d minutes crossed a threshold."),
    "detected_down": _("Monitoring detected %(line)s down: %(minutes)d consecutive minutes "
                       "without a reply."),
    "escalated_down": _("%(line)s is now down: %(minutes)d consecutive minutes without a "
                        "reply."),
    "recovered": _("%(line)s recovered: %(minutes)d consecutive minutes neither degraded "
                   "nor down."),
}


def render(code: str, params: dict) -> str:
    return str(MESSAGES[code]) % params


def render_english(code: str, params: dict) -> str:
    with translation.override("en"):
        return render(code, params)
