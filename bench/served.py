"""The site called as a WSGI server calls it, for the benches' API figures.

A customer's wait ends when the response is sent. Work the site leaves for
after that (the search log of an API search, kb.core.after_response) runs
when the server closes the response: the benches time up to the body and
close it after, as gunicorn does. As Django's test client does, the
database connection is kept across requests (gunicorn keeps it for
CONN_MAX_AGE on PostgreSQL).
"""

from __future__ import annotations

import time
from urllib.parse import urlencode
from wsgiref.util import setup_testing_defaults


def served_get(path: str, params: dict):
    """GET ``path``: returns the response, its body read; the caller closes it."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    global _handler
    if _handler is None:
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        _handler = WSGIHandler()
    environ = {"PATH_INFO": path, "QUERY_STRING": urlencode(params), "HTTP_HOST": "testserver"}
    setup_testing_defaults(environ)
    status = []
    response = _handler(environ, lambda line, headers: status.append(line))
    response.body = b"".join(response)
    assert status[0].startswith("200"), (status, response.body[:200])
    return response


_handler = None


def timed_call(fn, *args) -> float:
    """Seconds ``fn(*args)`` takes; a response it returns is closed after the timing."""
    t0 = time.perf_counter()
    leftover = fn(*args)
    seconds = time.perf_counter() - t0
    if leftover is not None:
        leftover.close()
    return seconds
