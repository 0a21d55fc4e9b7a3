"""API clients get JSON errors, never one of Django's HTML pages.

Two errors happen before any API view runs: a body over
``DATA_UPLOAD_MAX_MEMORY_SIZE`` (Django answers with its HTML 400 page when
the body is read) and a path that matches no route (Django's HTML 404).
Under ``/api/`` the middleware here answers both, as 413 and 404 with a
``detail``; pages keep their HTML.
"""

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.urls import Resolver404, resolve

API_PREFIX = "/api/"
UNKNOWN_PATH = "No API operation has this path."


def body_too_large(limit_bytes: int) -> dict:
    """The 413 answer: the limit in the message and as a number."""
    return {
        "detail": f"The request body is larger than {limit_bytes / 1048576:g} MB, the limit "
                  "of this API; send less (of a log, the part around the problem).",
        "limit_bytes": limit_bytes,
    }


class ApiJsonErrorsMiddleware:
    """Refuse an oversized body (413) or an unknown path (404) under /api/, in JSON.

    The size is judged from ``Content-Length``, so the body is never read.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if request.path_info.startswith(API_PREFIX):
            refused = self._refusal(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _refusal(self, request: HttpRequest) -> JsonResponse | None:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads a body of unknown length as empty
        if limit is not None and length > limit:
            return JsonResponse(body_too_large(limit), status=413)
        urlconf = getattr(request, "urlconf", None)
        if _resolves(request.path_info, urlconf):
            return None
        with_slash = request.path_info + "/"
        if _resolves(with_slash, urlconf):
            if request.method in ("GET", "HEAD"):
                return None  # CommonMiddleware redirects to it
            # A redirect would lose the body (and Django refuses to make one).
            return JsonResponse({"detail": f"{UNKNOWN_PATH} Did you mean {with_slash}?"},
                                status=404)
        return JsonResponse({"detail": UNKNOWN_PATH}, status=404)


def _resolves(path: str, urlconf) -> bool:
    try:
        resolve(path, urlconf=urlconf)
    except Resolver404:
        return False
    return True
