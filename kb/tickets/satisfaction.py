"""Were you satisfied? The one-click question after a ticket closes.

The "closed" e-mail carries two links, Good and Bad. Each carries the ticket
and the answer, signed with the site's secret (salted for this use), so
nobody needs to sign in and nobody can answer for another ticket; a link
expires after ``ANSWER_MAX_AGE``. Opening a link only shows the answer
preselected: mail scanners open every link of an e-mail, so the answer is
recorded when the customer confirms it (a POST). One answer per ticket; a
second one replaces the first.

Support leads see the last 30 days per team on the queue page; the public
response-times page shows the share of good answers over 90 days once
there are enough answers for the share to mean something.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kb.core.exceptions import ApplicationError
from kb.tickets.models import Team, Ticket, TicketEvent, TicketSatisfaction
from kb.tickets.selectors import SUPPORT_LEADS_GROUP
from kb.tickets.timeline import timeline_record

SALT = "kb.tickets.satisfaction"
ANSWER_MAX_AGE = dt.timedelta(days=30)
LEAD_WINDOW_DAYS = 30
PUBLIC_WINDOW_DAYS = 90
# Below this many answers the public share would swing on one customer.
PUBLIC_MIN_ANSWERS = 5
RECENT_COMMENTS = 5


def satisfaction_token(ticket: Ticket, rating: str) -> str:
    return signing.TimestampSigner(salt=SALT).sign_object({"t": ticket.pk, "r": rating})


def satisfaction_url(ticket: Ticket, rating: str) -> str:
    """The absolute link for the e-mail (sent by the worker, outside a request)."""
    path = reverse("tickets:satisfaction", args=[ticket.pk, satisfaction_token(ticket, rating)])
    return f"{settings.KB_SITE_URL}{path}"


def satisfaction_token_rating(token: str, *, ticket_id: int) -> str | None:
    """The answer a link offers for ``ticket_id``; None when the link is not
    valid (forged, another ticket's, expired)."""
    try:
        value = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=ANSWER_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or value.get("t") != ticket_id:
        return None
    rating = value.get("r")
    return rating if rating in TicketSatisfaction.Rating.values else None


def satisfaction_email_text(ticket: Ticket) -> str:
    """The question of the "closed" e-mail, in the active language."""
    return "\n\n".join([
        _("Support closed your ticket #%(id)d: %(subject)s") % {
            "id": ticket.pk, "subject": ticket.subject},
        _("Were you satisfied with how we handled it? One click answers (you can add a "
          "comment before you confirm):"),
        _("Good: %(url)s") % {"url": satisfaction_url(ticket, TicketSatisfaction.Rating.GOOD)},
        _("Bad: %(url)s") % {"url": satisfaction_url(ticket, TicketSatisfaction.Rating.BAD)},
    ])


@transaction.atomic
def satisfaction_record(*, ticket: Ticket, rating: str, comment: str = "") -> TicketSatisfaction:
    """Record the customer's answer, or replace the one they gave before."""
    if rating not in TicketSatisfaction.Rating.values:
        raise ApplicationError(_("Choose Good or Bad."))
    comment = comment.strip()
    if len(comment) > TicketSatisfaction.COMMENT_MAX:
        raise ApplicationError(_("The comment is too long: at most %(max)d characters.")
                               % {"max": TicketSatisfaction.COMMENT_MAX})
    now = timezone.now()
    answer, created = TicketSatisfaction.objects.select_for_update().get_or_create(
        ticket=ticket,
        defaults={"rating": rating, "comment": comment, "created_at": now, "updated_at": now})
    if not created:
        answer.rating, answer.comment, answer.updated_at = rating, comment, now
        answer.save(update_fields=["rating", "comment", "updated_at"])
    timeline_record(ticket=ticket, kind=TicketEvent.Kind.NOTE, public=False, at=now,
                    code=f"satisfaction_{rating}" if created else f"satisfaction_{rating}_again",
                    note=comment)
    return answer


def satisfaction_for(*, ticket_id: int) -> TicketSatisfaction | None:
    return TicketSatisfaction.objects.filter(ticket_id=ticket_id).first()


@dataclass
class TeamSatisfaction:
    team: Team
    good: int = 0
    bad: int = 0
    comments: list[TicketSatisfaction] = field(default_factory=list)

    @property
    def answers(self) -> int:
        return self.good + self.bad


def satisfaction_by_team(*, days: int = LEAD_WINDOW_DAYS,
                         now: dt.datetime | None = None) -> list[TeamSatisfaction]:
    """Good and bad answers of the last ``days`` per team, with the latest comments."""
    since = (now or timezone.now()) - dt.timedelta(days=days)
    answers = TicketSatisfaction.objects.filter(updated_at__gte=since)
    counts = {
        row["ticket__team"]: row for row in answers.values("ticket__team").annotate(
            good=Count("pk", filter=Q(rating=TicketSatisfaction.Rating.GOOD)),
            bad=Count("pk", filter=Q(rating=TicketSatisfaction.Rating.BAD)))
    }
    teams = []
    for team in Team.objects.all():
        row = counts.get(team.pk, {})
        comments = list(answers.filter(ticket__team=team).exclude(comment="")
                        .select_related("ticket")[:RECENT_COMMENTS])
        teams.append(TeamSatisfaction(team=team, good=row.get("good", 0),
                                      bad=row.get("bad", 0), comments=comments))
    return teams


def satisfaction_lead_can_see(user) -> bool:
    """Support leads, team leads and administrators see the answers."""
    if user is None or not user.is_authenticated or not user.is_staff:
        return False
    return (user.is_superuser or user.groups.filter(name=SUPPORT_LEADS_GROUP).exists()
            or get_user_model().objects.filter(pk=user.pk, led_teams__isnull=False).exists())


@dataclass(frozen=True)
class PublicSatisfaction:
    days: int
    answers: int
    good: int

    @property
    def enough(self) -> bool:
        return self.answers >= PUBLIC_MIN_ANSWERS

    @property
    def share_good(self) -> float | None:
        return self.good / self.answers if self.enough else None

    @property
    def minimum(self) -> int:
        return PUBLIC_MIN_ANSWERS


def satisfaction_public(*, days: int = PUBLIC_WINDOW_DAYS,
                        now: dt.datetime | None = None) -> PublicSatisfaction:
    since = (now or timezone.now()) - dt.timedelta(days=days)
    totals = TicketSatisfaction.objects.filter(updated_at__gte=since).aggregate(
        answers=Count("pk"), good=Count("pk", filter=Q(rating=TicketSatisfaction.Rating.GOOD)))
    return PublicSatisfaction(days=days, answers=totals["answers"], good=totals["good"])
