"""Minutes as people say them: "5 min", "4 business hours", "1 business day".

A business day is one team working day (``BUSINESS_DAY`` = 540 minutes with
the default 09:00-18:00 hours), a wall-clock day 1,440 minutes.  Translated
at call time, so call these while rendering, never at import.
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kb.tickets.services import BUSINESS_DAY

WALL_DAY = 24 * 60


def _decimal(value: float) -> str:
    return f"{value:.1f}"


def format_minutes(minutes: int | None, *, business: bool) -> str:
    """A duration in the unit a customer reads best; "—" when there is none."""
    if minutes is None:
        return "—"
    minutes = int(minutes)
    day = BUSINESS_DAY if business else WALL_DAY
    if minutes >= day:
        days, rest = divmod(minutes, day)
        if not rest:
            if business:
                return ngettext("%(n)d business day", "%(n)d business days", days) % {"n": days}
            return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
        value = _decimal(minutes / day)
        if business:
            return _("%(days)s business days") % {"days": value}
        return _("%(days)s days") % {"days": value}
    if minutes >= 60:
        hours, rest = divmod(minutes, 60)
        if not rest:
            if business:
                return ngettext("%(n)d business hour", "%(n)d business hours",
                                hours) % {"n": hours}
            return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
        if business:
            return _("%(h)d h %(m)d min in business hours") % {"h": hours, "m": rest}
        return _("%(h)d h %(m)d min") % {"h": hours, "m": rest}
    if business:
        return ngettext("%(n)d business minute", "%(n)d business minutes",
                        minutes) % {"n": minutes}
    return _("%(n)d min") % {"n": minutes}


def format_share(share: float | None) -> str:
    """A share as a whole percentage, rounded down: 100 % only when all were met."""
    if share is None:
        return "—"
    return _("%(percent)d%%") % {"percent": int(share * 100 + 1e-9)}
