from django.db import models
from django.utils.translation import gettext_lazy as _

from kb.tickets.calendars import TeamCalendar, calendar_from_dict


class Region(models.TextChoices):
    NA = "na", _("North America")
    EU = "eu", _("Europe")
    SEA = "sea", _("Southeast Asia")
    CN = "cn", _("China")
    LATAM = "latam", _("Latin America")
    MEA = "mea", _("Middle East and Africa")


class Priority(models.TextChoices):
    P1 = "P1", _("P1: stream down in production")
    P2 = "P2", _("P2: degraded")
    P3 = "P3", _("P3: question or minor problem")
    P4 = "P4", _("P4: request")


class Team(models.Model):
    """A regional support team and the calendar its SLA clocks follow."""

    code = models.SlugField(max_length=16, unique=True)
    name = models.CharField(max_length=100)
    timezone = models.CharField(max_length=64, help_text=_("IANA name, e.g. Europe/Berlin"))
    working_days = models.JSONField(default=list, help_text=_("Monday = 0, e.g. [0, 1, 2, 3, 4]"))
    start = models.TimeField(help_text=_("Opening time, local to the team"))
    end = models.TimeField(help_text=_("Closing time, local to the team"))
    holidays = models.JSONField(default=list, blank=True,
                                help_text=_("Local dates without working hours, YYYY-MM-DD"))
    extra_working_days = models.JSONField(
        default=list, blank=True,
        help_text=_("Local dates worked although not in working days (make-up days)"),
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def calendar(self) -> TeamCalendar:
        return calendar_from_dict({
            "code": self.code, "name": self.name, "timezone": self.timezone,
            "working_days": self.working_days, "start": self.start, "end": self.end,
            "holidays": self.holidays, "extra_working_days": self.extra_working_days,
        })


class SlaPolicy(models.Model):
    """Targets of one priority: acknowledge, locate, resolve.

    Business targets count only the routed team's working minutes; the
    others (P1) count wall-clock minutes, around the clock.
    """

    priority = models.CharField(max_length=2, choices=Priority.choices, unique=True)
    acknowledge_minutes = models.PositiveIntegerField()
    locate_minutes = models.PositiveIntegerField()
    resolve_minutes = models.PositiveIntegerField()
    business_hours = models.BooleanField(
        default=True, help_text=_("Count only working minutes of the team (off for 24x7)")
    )

    class Meta:
        ordering = ["priority"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")

    def __str__(self) -> str:
        return self.priority

    def targets(self) -> dict[str, int]:
        return {"acknowledge": self.acknowledge_minutes, "locate": self.locate_minutes,
                "resolve": self.resolve_minutes}
