"""Site-wide middleware: the viewer's time zone; forwarded headers.

The browser reports its IANA zone in the ``tz`` cookie (set by site.js);
storage stays in UTC.
"""

import zoneinfo
from urllib.parse import unquote

from django.utils import timezone

from kb.core.addresses import is_trusted_proxy


class ViewerTimezoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = unquote(request.COOKIES.get("tz", ""))
        try:
            timezone.activate(zoneinfo.ZoneInfo(name)) if name else timezone.deactivate()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        return self.get_response(request)


class TrustedProxyMiddleware:
    """Forget ``X-Forwarded-Proto`` unless one of our proxies sent it.

    Django believes ``SECURE_PROXY_SSL_HEADER`` from anyone; behind a proxy
    that terminates TLS only the proxy may say a request was secure.
    (``X-Forwarded-For`` is read by ``kb.core.addresses`` with the same rule.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "HTTP_X_FORWARDED_PROTO" in request.META and not is_trusted_proxy(
                request.META.get("REMOTE_ADDR", "")):
            del request.META["HTTP_X_FORWARDED_PROTO"]
        return self.get_response(request)

