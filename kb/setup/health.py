"""``/healthz`` (the process answers) and ``/readyz`` (what a request needs
answers: the database, the cache, the broker, the search index), for a load
balancer. django-health-check runs the checks; ``/readyz`` answers 503 with
the failing part when one fails (``?format=json`` for a machine)."""

from __future__ import annotations

import dataclasses

from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from kb import celery_app
from kb.search.backends import search_backend


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker accepts a connection (Redis, or the embedded one's folders)."""

    def run(self) -> None:
        try:
            with celery_app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, timeout=2)
        except Exception as exc:  # kombu raises the transport's own errors
            raise ServiceUnavailable(f"broker: {exc}") from exc


@dataclasses.dataclass
class SearchIndex(HealthCheck):
    """The search backend's live index opens and answers (a full check of a
    Whoosh index's files runs on the worker; searches fall back to the
    database meanwhile)."""

    def run(self) -> None:
        try:
            search_backend().view().reader().doc_count_all()
        except Exception as exc:  # a missing or damaged index, whatever it raises
            raise ServiceUnavailable(f"search index: {exc}") from exc
        finally:
            # The check runs on a pool thread with a connection of its own (a
            # PostgreSQL index is rows): close it here rather than leave a
            # session open until the thread is collected.
            connections.close_all()


class ReadinessView(HealthCheckView):
    checks = (
        "health_check.checks.Database",
        "health_check.checks.Cache",
        Broker,
        SearchIndex,
    )

    async def get(self, request, *args, **kwargs):
        response = await super().get(request, *args, **kwargs)
        if response.status_code == 500:
            response.status_code = 503  # not ready: send the traffic elsewhere
        return response


@require_GET
def alive(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok\n", content_type="text/plain")
