import logging

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from kb.core.after_response import AfterResponseMiddleware, after_response

# Closing a response ends the request, which tidies the database connections.
pytestmark = pytest.mark.django_db


def test_outside_a_request_the_work_runs_at_once():
    done = []
    after_response(lambda: done.append("now"))
    assert done == ["now"]


def _view_leaving(*works):
    def view(request):
        for work in works:
            after_response(work)
        return HttpResponse("sent")
    return view


def test_the_work_of_a_request_runs_when_its_response_is_closed_and_not_before():
    done = []
    middleware = AfterResponseMiddleware(_view_leaving(lambda: done.append("log")))
    response = middleware(RequestFactory().get("/"))
    assert response.content == b"sent"
    assert done == []
    response.close()
    assert done == ["log"]


def test_a_failing_piece_of_work_is_logged_and_the_next_one_still_runs(caplog):
    done = []

    def broken():
        raise RuntimeError("database gone")

    middleware = AfterResponseMiddleware(_view_leaving(broken, lambda: done.append("second")))
    with caplog.at_level(logging.ERROR, logger="kb.core.after_response"):
        middleware(RequestFactory().get("/")).close()
    assert done == ["second"]
    assert "after_response_failed work=test_a_failing_piece_of_work_is_logged" in caplog.text
    assert "RuntimeError: database gone" in caplog.text


def test_work_left_by_one_request_does_not_leak_into_the_next():
    done = []
    first = AfterResponseMiddleware(_view_leaving(lambda: done.append("first")))
    second = AfterResponseMiddleware(_view_leaving())
    first(RequestFactory().get("/"))  # never closed: its work never runs
    second(RequestFactory().get("/")).close()
    assert done == []
    after_response(lambda: done.append("outside"))
    assert done == ["outside"]
