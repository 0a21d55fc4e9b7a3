"""What the site itself writes on a ticket's timeline, in the reader's language.

A system entry is stored as a message code with its parameters, plus the
English text (for e-mails, logs and search); pages and the API render the
code in the language of whoever reads it. Comments are the people's own
words and stay as written.
"""

import datetime as dt

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from kb.tickets.models import Ticket, TicketEvent
from kb.tickets.names import team_name

MESSAGES = {
    "routed": _("Routed to the %(team)s."),
    "acknowledged": _("Acknowledged by %(user)s."),
    "contact_verified": _("The contact confirmed their e-mail address %(email)s."),
    "located": _("Located: %(codes)s."),
    "resolved_with": _("Resolved with “%(title)s”."),
    "resolved_without": _("Resolved; no article fits."),
    "closed": _("Closed by %(user)s."),
    "waiting": _("Waiting on the customer: the SLA clock is paused."),
    "resumed": _("The customer answered; the SLA clock resumes (paused for %(minutes)d min)."),
    "reopened": _("Reopened."),
    "linked_article": _("Linked to the new article “%(title)s”."),
    "reassigned_team": _("Reassigned to the %(to)s (was the %(from)s)."),
    "reassigned_engineer": _("Reassigned to %(to)s (was %(from)s)."),
    "p1_paging": _("P1: paging %(who)s by %(count)d channel(s)."),
    "p1_paging_lead": _("P1: nobody on call; paging the team lead %(who)s by %(count)d "
                        "channel(s)."),
    "p1_paging_members": _("P1: nobody on call and no team lead; paging every member of the "
                           "%(team)s: %(who)s (%(count)d deliveries)."),
    "p1_paging_leads": _("P1: the %(team)s has nobody on call, no lead and no member to "
                         "reach; paging the support leads: %(who)s (%(count)d deliveries)."),
    "page_alarm_nobody": _("Page alarm: nobody with an e-mail address could be paged for "
                           "this P1. Alarm deliveries queued to the support leads and the "
                           "team webhook: %(count)d."),
    "page_alarm_failed": _("Page alarm: every e-mail page for this P1 failed. Alarm "
                           "deliveries queued to the support leads and the team webhook: "
                           "%(count)d."),
    "delivery_failed": _("Delivery failed: %(channel)s to %(target)s: %(error)s"),
    "sla_warning": _("SLA warning: the %(stage)s target is 75 %% used (due %(due)s UTC)."),
    "sla_breach": _("SLA breach: the %(stage)s target was missed (due %(due)s UTC)."),
    "priority_raised": _("Priority raised from %(from)s to %(to)s."),
    # The customer's answer after close (kb.tickets.satisfaction); the comment follows.
    "satisfaction_good": _("The customer was satisfied (answered Good)."),
    "satisfaction_bad": _("The customer was not satisfied (answered Bad)."),
    "satisfaction_good_again": _("The customer changed their answer: satisfied (Good)."),
    "satisfaction_bad_again": _("The customer changed their answer: not satisfied (Bad)."),
    # Line monitoring (kb.monitoring) files and follows its own tickets.
    "monitoring_degraded": _("Line monitoring detected %(line)s degraded: %(bad)d of the last "
                             "%(window)d minutes crossed a threshold (the minutes are in the "
                             "description)."),
    "monitoring_down": _("Line monitoring detected %(line)s down: %(minutes)d consecutive "
                         "minutes without a reply."),
    "monitoring_escalated": _("Line monitoring: %(line)s is now down (%(minutes)d consecutive "
                              "minutes without a reply); priority raised from %(from)s to "
                              "%(to)s."),
    "monitoring_recovered": _("Line monitoring: %(line)s recovered (%(minutes)d consecutive "
                              "minutes neither degraded nor down). Support will close this "
                              "ticket with the cause."),
}

# Names of the stages inside the messages above.
STAGES = {"acknowledge": _("acknowledge"), "locate": _("locate"), "resolve": _("resolve")}

# The parameters that hold a team's code, shown as its name ("China team",
# "中国团队") in the reader's language.
TEAM_PARAMS = {"routed": ("team",), "reassigned_team": ("to", "from"),
               "p1_paging_members": ("team",), "p1_paging_leads": ("team",)}


def render(code: str, params: dict, note: str = "") -> str:
    """The entry in the active language; ``note`` is free text added after it."""
    values = dict(params)
    for key in TEAM_PARAMS.get(code, ()):
        if key in values:
            values[key] = team_name(values[key])
    if "stage" in values:
        values["stage"] = STAGES.get(values["stage"], values["stage"])
    text = str(MESSAGES[code]) % values
    return f"{text} {note}" if note else text


def render_english(code: str, params: dict, note: str = "") -> str:
    with translation.override("en"):
        return render(code, params, note)


def timeline_record(*, ticket: Ticket, kind: str, code: str, params: dict | None = None,
                    actor=None, public: bool = True, note: str = "",
                    at: dt.datetime | None = None) -> TicketEvent:
    """Write a system entry on the timeline."""
    params = params or {}
    return TicketEvent.objects.create(
        ticket=ticket, actor=actor, kind=kind, code=code, params=params, note=note,
        text=render_english(code, params, note), public=public,
        created_at=at or timezone.now(),
    )
