"""Holiday calendars that run out: a flag on the staff pages and one e-mail
to the support leads.

A team's public holidays are loaded a year at a time (``fixtures/teams.toml``,
then the admin). Past the last loaded year business time knows no holidays:
it counts them as working days and promises due times that are too early,
without any error. So from 60 days before the last loaded year ends
(:func:`kb.tickets.calendars.holiday_coverage`, in the team's time zone) the
queue page and the Team admin flag the team, and a daily beat task e-mails
the support leads once per team and year; a ``HolidayWarning`` row records
that it went out, so running the task again sends nothing.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kb.tickets.calendars import HolidayCoverage, holiday_coverage
from kb.tickets.headers import body_text, header_text
from kb.tickets.models import HolidayWarning, Team
from kb.tickets.selectors import support_leads

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HolidayFlag:
    """A team whose holiday list runs out soon (or already has)."""

    team: Team
    coverage: HolidayCoverage

    @property
    def year(self) -> int:
        """The year the warning is about: the last one loaded (this one when
        none is)."""
        return self.coverage.last_year or self.coverage.today.year

    @property
    def message(self) -> str:
        """What to tell staff, in the active language."""
        coverage, team = self.coverage, self.team.name
        if coverage.last_year is None:
            return _("Team %(team)s has no public holidays loaded: its SLA due times count "
                     "every holiday as a working day. Add them in the admin.") % {"team": team}
        values = {"team": team, "year": coverage.last_year,
                  "next": max(coverage.last_year + 1, coverage.today.year),
                  "date": date_format(coverage.ends, "DATE_FORMAT")}
        if coverage.ran_out:
            return _("The public holidays of team %(team)s end with %(year)s: its SLA due "
                     "times now count holidays as working days. Add the %(next)s holidays in "
                     "the admin.") % values
        return _("The public holidays of team %(team)s end with %(year)s: from %(date)s its "
                 "SLA due times will count holidays as working days. Add the %(next)s "
                 "holidays in the admin.") % values


def team_holiday_flag(*, team: Team, now: dt.datetime) -> HolidayFlag | None:
    coverage = holiday_coverage(team.calendar, now)
    return HolidayFlag(team=team, coverage=coverage) if coverage.flagged else None


def holiday_flags(*, now: dt.datetime) -> list[HolidayFlag]:
    """The teams whose holidays run out within 60 days, or already have."""
    flags = (team_holiday_flag(team=team, now=now) for team in Team.objects.all())
    return [flag for flag in flags if flag is not None]


def holiday_warnings_send(*, now: dt.datetime | None = None) -> int:
    """E-mail the support leads about each flagged team, once per team and
    year; returns how many e-mails went out.

    Safe to run as often as wanted (daily from beat): a team already warned
    for that year is skipped. The record and the e-mail share a transaction,
    so an e-mail that fails leaves nothing recorded and the next run (or the
    task's retry) sends it.
    """
    now = now or timezone.now()
    flags = holiday_flags(now=now)
    recipients = list(support_leads().exclude(email="").values_list("email", flat=True))
    if flags and not recipients:
        log.warning("holiday_warning teams=%s recipients=0",
                    ",".join(flag.team.code for flag in flags))
        return 0
    sent = 0
    for flag in flags:
        if HolidayWarning.objects.filter(team=flag.team, year=flag.year).exists():
            continue
        try:
            with transaction.atomic():
                HolidayWarning.objects.create(team=flag.team, year=flag.year,
                                              recipients=len(recipients), sent_at=now)
                _send(flag, recipients)
        except IntegrityError:
            continue  # a concurrent run recorded (and sent) it first
        sent += 1
        log.info("holiday_warning team=%s year=%s recipients=%d", flag.team.code, flag.year,
                 len(recipients))
    return sent


def _send(flag: HolidayFlag, recipients: list[str]) -> None:
    link = settings.KB_SITE_URL + reverse("admin:tickets_team_change", args=[flag.team.pk])
    with translation.override(settings.LANGUAGE_CODE):
        subject = header_text(_("[Streamline KB] Holidays of team %(team)s run out") % {
            "team": flag.team.name})
        body = "\n\n".join([flag.message, link])
    send_mail(subject=subject, message=body_text(body) + "\n",
              from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=recipients)
