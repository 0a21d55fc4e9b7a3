"""Prometheus metrics that every process records; ``/metrics`` (kb.setup.metrics)
serves them.

Several processes serve one machine (gunicorn workers, Celery workers and
their children), so the metrics live in prometheus-client's multiprocess
mode: every process writes its counters into files under one folder
(``PROMETHEUS_MULTIPROC_DIR``, by default ``var/metrics``, set by the
settings before this module is imported) and a scrape adds them up. Files
of processes that ended keep counting in the totals, which is what a
counter should do; ``make run`` and ``make serve`` empty the folder when they
start so that it does not grow forever. On several machines Prometheus
scrapes each.

Labels are bounded on purpose: routes are URL patterns (never paths with
ids), tasks are task names, statuses are classes (2xx, 4xx...).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from celery.signals import task_failure, task_postrun, task_prerun, task_retry
from prometheus_client import Counter, Histogram

# Seconds: from a cached search (a few ms) to a slow diagnose upload.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
TASK_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 1800.0)

REQUEST_SECONDS = Histogram(
    "kb_http_request_seconds", "Time to answer an HTTP request, by URL pattern.",
    ["route", "method", "status"], buckets=LATENCY_BUCKETS)
SEARCH_SECONDS = Histogram(
    "kb_search_seconds", "Time a search took inside the request (index or database).",
    buckets=LATENCY_BUCKETS)
TASKS = Counter(
    "kb_tasks", "Celery tasks finished, by task and outcome (success, failure, retry).",
    ["task", "outcome"])
TASK_SECONDS = Histogram(
    "kb_task_seconds", "Time a Celery task ran, by task.", ["task"], buckets=TASK_BUCKETS)

P = ParamSpec("P")
R = TypeVar("R")


def timed(histogram: Histogram) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Observe how long each call of the decorated function takes."""
    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        @wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                histogram.observe(time.perf_counter() - started)
        return wrapper
    return decorate


def status_class(status: int) -> str:
    return f"{status // 100}xx"


class RequestMetricsMiddleware:
    """Time every request, labelled by its URL pattern (``unmatched`` for a 404
    that matched none, so random paths cannot grow the label set)."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = (match.route or match.view_name) if match else "unmatched"
        REQUEST_SECONDS.labels(route=route or "unmatched", method=_method(request.method),
                               status=status_class(response.status_code)).observe(
            time.perf_counter() - started)
        return response


KNOWN_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def _method(method: str | None) -> str:
    return method if method in KNOWN_METHODS else "other"


# Task timings, kept per task id between prerun and postrun in this process.
_started: dict[str, float] = {}


@task_prerun.connect
def _task_started(task_id: str | None = None, **_: Any) -> None:
    if task_id:
        _started[task_id] = time.perf_counter()


@task_postrun.connect
def _task_finished(task_id: str | None = None, task: Any = None, state: str | None = None,
                   **_: Any) -> None:
    started = _started.pop(task_id or "", None)
    name = getattr(task, "name", "unknown")
    if started is not None:
        TASK_SECONDS.labels(task=name).observe(time.perf_counter() - started)
    if state == "SUCCESS":
        TASKS.labels(task=name, outcome="success").inc()


@task_failure.connect
def _task_failed(sender: Any = None, **_: Any) -> None:
    TASKS.labels(task=getattr(sender, "name", "unknown"), outcome="failure").inc()


@task_retry.connect
def _task_retried(sender: Any = None, **_: Any) -> None:
    TASKS.labels(task=getattr(sender, "name", "unknown"), outcome="retry").inc()
