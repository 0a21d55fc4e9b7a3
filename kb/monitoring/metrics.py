"""Every monitored line's latest minute and state for ``/metrics``, so an
existing Prometheus and Grafana can chart and alert on them too.

Read from the database at each scrape: the newest minute with samples in the
last ``RECENT`` minutes, merged across sources as detection merges them
(loss from the summed counts, RTT and jitter averaged over the sources that
got replies). A line without a recent minute shows its state only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric

from kb.monitoring.models import Line, LineState, Sample

RECENT = dt.timedelta(minutes=5)
LABELS = ["line", "name", "organization"]


class LineCollector:
    def collect(self) -> Iterator[Metric]:
        state = GaugeMetricFamily(
            "kb_line_state", "1 for the line's current state (healthy, degraded, down, no_data).",
            labels=[*LABELS, "state"])
        rtt = GaugeMetricFamily("kb_line_rtt_ms", "Average RTT of the line's latest minute.",
                                labels=LABELS)
        loss = GaugeMetricFamily("kb_line_loss_ratio", "Loss of the line's latest minute (0-1).",
                                 labels=LABELS)
        jitter = GaugeMetricFamily("kb_line_jitter_ms", "Jitter of the line's latest minute.",
                                   labels=LABELS)
        lines = {line.pk: line for line in
                 Line.objects.filter(active=True).select_related("organization")}
        for line in lines.values():
            for value in LineState.values:
                state.add_metric([*_labels(line), value], 1.0 if line.state == value else 0.0)
        for line_id, minute in _latest_minutes(timezone.now() - RECENT).items():
            line = lines.get(line_id)
            if line is None:
                continue
            sent = sum(sample.sent for sample in minute)
            received = sum(sample.received for sample in minute)
            if sent:
                loss.add_metric(_labels(line), 1 - received / sent)
            rtts = [sample.rtt_avg_ms for sample in minute if sample.rtt_avg_ms is not None]
            if rtts:
                rtt.add_metric(_labels(line), sum(rtts) / len(rtts))
            jitters = [sample.jitter_ms for sample in minute if sample.jitter_ms is not None]
            if jitters:
                jitter.add_metric(_labels(line), sum(jitters) / len(jitters))
        yield from (state, rtt, loss, jitter)


def _labels(line: Line) -> list[str]:
    return [str(line.pk), line.name, line.organization.name]


def _latest_minutes(since: dt.datetime) -> dict[int, list[Sample]]:
    """Per line, the samples (one per source) of its newest minute since ``since``."""
    newest: dict[int, dt.datetime] = {}
    minutes: dict[int, list[Sample]] = defaultdict(list)
    for sample in (Sample.objects.filter(at__gte=since, line__active=True)
                   .only("line_id", "at", "sent", "received", "rtt_avg_ms", "jitter_ms")
                   .order_by("line_id", "-at")):
        first = newest.setdefault(sample.line_id, sample.at)
        if sample.at == first:
            minutes[sample.line_id].append(sample)
    return minutes
