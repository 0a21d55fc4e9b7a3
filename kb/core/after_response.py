"""Work a request leaves for after its response is sent.

A write the customer does not wait for (the search log of an API search)
runs once the WSGI server has sent the response and closes it, in the same
worker thread, so it still holds the request's database connection.
Outside a request (a task, a command, the shell) the work runs at once.

Each piece of work runs on its own: one that fails is logged with its
traceback and does not keep the others from running.
"""

import logging
from collections.abc import Callable
from contextvars import ContextVar

log = logging.getLogger(__name__)

_pending: ContextVar[list[Callable[[], None]] | None] = ContextVar("after_response",
                                                                  default=None)


def after_response(work: Callable[[], None]) -> None:
    """Run ``work`` after the current response is sent, or now outside a request."""
    pending = _pending.get()
    if pending is None:
        work()
    else:
        pending.append(work)


def _run(pending: list[Callable[[], None]]) -> None:
    for work in pending:
        try:
            work()
        except Exception:
            log.exception("after_response_failed work=%s",
                          getattr(work, "__qualname__", None) or repr(work)[:200])


class AfterResponseMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        pending: list[Callable[[], None]] = []
        token = _pending.set(pending)
        try:
            response = self.get_response(request)
        finally:
            _pending.reset(token)
        if pending:
            # Django runs a response's closers from close(), which the WSGI
            # server calls after sending it (FileResponse closes its file the
            # same way); close() swallows their errors, so _run logs them.
            response._resource_closers.append(lambda: _run(pending))
        return response
