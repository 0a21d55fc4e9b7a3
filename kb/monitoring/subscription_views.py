"""Subscribing to the status page by e-mail: the form on /status/, and the
pages behind the links the e-mails carry.

A link only shows a button; the button's POST acts. Mail scanners fetch
every link of an e-mail, and that must neither subscribe nor unsubscribe
anyone. The unsubscribe address also takes a mail client's one-click POST
(RFC 8058), which carries no CSRF token: the link's token is the secret.
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from kb.core.throttles import ScopedThrottle, limited_message, retry_after, throttle_wait
from kb.monitoring.subscriptions import (
    CONFIRM_VALID_DAYS,
    confirm,
    subscribe,
    subscriber_by_token,
    unsubscribe,
)


class StatusSubscribeThrottle(ScopedThrottle):
    """Subscriptions per client and per address (``KB_STATUS_SUBSCRIBE_RATE``,
    ``KB_STATUS_SUBSCRIBE_ADDRESS_RATE``): each one sends an e-mail to
    whatever address was typed, so nobody may make the site mail-bomb one."""

    scope = "status_subscribe"


class StatusSubscribeForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("E-mail address"), max_length=254,
        error_messages={"required": gettext_lazy("Enter the e-mail address to send the "
                                                 "status updates to."),
                        "invalid": gettext_lazy("Enter a valid e-mail address, such as "
                                                "ops@example.com.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}))


def _page(request: HttpRequest, *, title: str, message: str = "", status: int = 200,
          form: StatusSubscribeForm | None = None, action: str = "", button: str = "",
          error: str = "") -> HttpResponse:
    return render(request, "monitoring/subscribe_page.html", {
        "title": title, "message": message, "form": form, "action": action,
        "button": button, "error": error}, status=status)


def _invalid_link(request: HttpRequest) -> HttpResponse:
    return _page(request, title=_("This link is not valid"), status=404, message=_(
        "This link is not valid: it may be cut short, older than %(days)d days, or its "
        "address has unsubscribed since. You can subscribe again on the status page.")
        % {"days": CONFIRM_VALID_DAYS})


@require_http_methods(["GET", "POST"])
def status_subscribe(request: HttpRequest) -> HttpResponse:
    title = _("Subscribe to status updates")
    if request.method == "GET":  # a reload of the answer, a shared link
        return _page(request, title=title, form=StatusSubscribeForm())
    form = StatusSubscribeForm(request.POST)
    if not form.is_valid():
        return _page(request, title=title, form=form, status=400)
    wait = throttle_wait(request, [StatusSubscribeThrottle])
    if wait is not None:
        return retry_after(_page(request, title=title, form=form, status=429,
                                 error=limited_message(wait)), wait)
    email = form.cleaned_data["email"]
    result = subscribe(email=email, language=get_language())
    # The same answer whether the address was subscribed or not (the e-mail
    # says which), so the form tells nobody who subscribed.
    if not result.sent:
        return _page(request, title=title, form=form, status=503, error=_(
            "We could not send the e-mail to %(email)s just now, so nothing changed. "
            "Please try again in a few minutes.") % {"email": email})
    return _page(request, title=_("Check your inbox"), message=_(
        "We sent an e-mail to %(email)s. Open the link in it and press the button there "
        "to confirm: nothing else is sent to you until you do (if the address is "
        "subscribed already, the e-mail says so).") % {"email": email})


@require_http_methods(["GET", "POST"])
def status_confirm(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = subscriber_by_token(token)
    if subscriber is None:
        return _invalid_link(request)
    if request.method == "POST":
        subscriber = confirm(token=token)
        if subscriber is None:  # pragma: no cover - expired between GET and POST
            return _invalid_link(request)
        return _page(request, title=_("You are subscribed"), message=_(
            "%(email)s is told by e-mail of every update on a public incident from now "
            "on. Each e-mail has a link to unsubscribe.") % {"email": subscriber.email})
    if subscriber.confirmed_at is not None:
        return _page(request, title=_("You are subscribed"), message=_(
            "%(email)s is subscribed already.") % {"email": subscriber.email})
    return _page(request, title=_("Confirm your subscription"), message=_(
        "Press the button to have status updates e-mailed to %(email)s.")
        % {"email": subscriber.email}, action=request.path, button=_("Confirm subscription"))


@csrf_exempt  # RFC 8058 one-click: the token in the address is the credential
@require_http_methods(["GET", "POST"])
def status_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = subscriber_by_token(token, expired_ok=True)
    if subscriber is None:
        return _invalid_link(request)
    if request.method == "POST":
        if not unsubscribe(token=token):  # pragma: no cover - a second click raced
            return _invalid_link(request)
        return _page(request, title=_("You are unsubscribed"), message=_(
            "%(email)s gets no more status e-mails. You can subscribe again on the status "
            "page.") % {"email": subscriber.email})
    return _page(request, title=_("Unsubscribe from status updates"), message=_(
        "Press the button to stop status e-mails to %(email)s.") % {"email": subscriber.email},
        action=request.path, button=_("Unsubscribe"))
