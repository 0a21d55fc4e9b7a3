"""``/metrics`` in the Prometheus exposition format, for an existing
Prometheus and Grafana: what this machine's processes recorded
(kb.core.metrics: request latency by route, search latency, task counts and
durations), the depth of every Celery queue, and every monitored line's
latest minute and state (kb.monitoring.metrics).

Staff signed in may read it; a scraper sends ``Authorization: Bearer
<KB_METRICS_TOKEN>``. Anything else is refused: the figures name customers'
lines.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Iterator

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

from kb import celery_app
from kb.monitoring.metrics import LineCollector

log = logging.getLogger(__name__)


class QueueCollector:
    """Messages waiting in each queue, asked of the broker at every scrape."""

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("kb_broker_up", "1 when the Celery broker answered this scrape.")
        depth = GaugeMetricFamily("kb_queue_messages", "Messages waiting in a Celery queue.",
                                  labels=["queue"])
        try:
            with celery_app.connection_for_read() as connection:
                connection.ensure_connection(max_retries=1, timeout=2)
                channel = connection.default_channel
                for queue in settings.KB_QUEUES:
                    depth.add_metric([queue], _waiting(channel, queue))
        except Exception as exc:  # kombu raises each transport's own errors
            log.warning("metrics_broker_unavailable error=%r", str(exc))
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield depth


def _waiting(channel, queue: str) -> int:
    try:
        return channel.queue_declare(queue=queue, passive=True).message_count
    except Exception as exc:
        # Redis has no key for an empty queue: a passive declare says 404.
        if getattr(exc, "code", None) == 404:
            return 0
        raise


def _allowed(request: HttpRequest) -> bool:
    if request.user.is_authenticated and request.user.is_staff:
        return True
    token = settings.KB_METRICS_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode())


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        response = HttpResponse("Staff or a metrics token (Authorization: Bearer ...) only.\n",
                                status=401 if not request.user.is_authenticated else 403,
                                content_type="text/plain; charset=utf-8")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    registry.register(QueueCollector())
    registry.register(LineCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
