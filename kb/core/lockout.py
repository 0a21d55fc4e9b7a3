"""Sign-in lockout (django-axes), counted three ways.

Axes counts failed sign-ins per account and address together
(``AXES_LOCKOUT_PARAMETERS``, ``AXES_FAILURE_LIMIT``): someone mistyping
their password locks only themselves, from where they are. This handler
adds two wider counts in the same cool-off window (15 minutes), each with
its own, higher limit:

- the account from any address (``KB_LOGIN_ACCOUNT_FAILURE_LIMIT``):
  guessing one password from many addresses;
- the address for every account (``KB_LOGIN_ADDRESS_FAILURE_LIMIT``):
  trying many accounts from one place. Softer, since everyone in an
  office behind one NAT address shares it.

The address is the one the rate limits use (``kb.core.addresses``).
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

ACCOUNT_AND_ADDRESS = "account_address"
ACCOUNT = "account"
ADDRESS = "address"


def _failures(attempts) -> int:
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0



def _axes_setting(name: str):
    """A setting django-axes defines its default for (axes.conf) at start-up."""
    return getattr(settings, name)

class LockoutHandler(AxesDatabaseHandler):
    def lock_reason(self, request: HttpRequest, credentials: dict | None = None) -> str | None:
        """Which count has reached its limit (the narrowest first), or None."""
        if super().is_locked(request, credentials):
            return ACCOUNT_AND_ADDRESS
        attempts = AccessAttempt.objects.all()
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        username = get_client_username(request, credentials)
        if username and _failures(attempts.filter(username=username)) >= (
                settings.KB_LOGIN_ACCOUNT_FAILURE_LIMIT):
            return ACCOUNT
        address = getattr(request, "axes_ip_address", None)
        if address and _failures(attempts.filter(ip_address=address)) >= (
                settings.KB_LOGIN_ADDRESS_FAILURE_LIMIT):
            return ADDRESS
        return None

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        if not _axes_setting("AXES_LOCK_OUT_AT_FAILURE"):
            return False
        return self.lock_reason(request, credentials) is not None

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        # Axes has recorded the failure and applied its own (narrowest)
        # limit; apply the wider ones the same way.
        if (request is None or getattr(request, "axes_locked_out", False)
                or not _axes_setting("AXES_LOCK_OUT_AT_FAILURE")
                or self.is_whitelisted(request, credentials)):
            return
        if self.lock_reason(request, credentials) is not None:
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send("axes", request=request,
                                 username=get_client_username(request, credentials),
                                 ip_address=request.axes_ip_address)


def lockout_response(request: HttpRequest, original_response=None,
                     credentials: dict | None = None) -> HttpResponse:
    """The lockout page (``AXES_LOCKOUT_CALLABLE``), saying which count it was."""
    reason = LockoutHandler().lock_reason(request, credentials) or ACCOUNT_AND_ADDRESS
    limit = {ACCOUNT_AND_ADDRESS: settings.AXES_FAILURE_LIMIT,
             ACCOUNT: settings.KB_LOGIN_ACCOUNT_FAILURE_LIMIT,
             ADDRESS: settings.KB_LOGIN_ADDRESS_FAILURE_LIMIT}[reason]
    context = {
        "failure_limit": limit,
        "lock": reason,
        "username": get_client_username(request, credentials) or "",
        "cooloff_timedelta": get_cool_off(request),
    }
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, context,
                  status=_axes_setting("AXES_HTTP_RESPONSE_CODE"))
