"""The site's own prober: every minute (beat), one burst to each line's
ingest, stored as the minute's sample of the source ``site``.

The measuring is streamline_probe.probing, the very code of the customer's
agent, so both ends of a line are measured alike: ICMP echo when this
process may send it (root, or a group in ``net.ipv4.ping_group_range``),
else TCP connect time to the ingest's port; each sample says which
(``method``) and, when nothing came back, why (``error``). A probe never
raises: an unresolvable name or a refused port is a minute at 100 % loss.

The bursts run in threads (they wait on the network, not the CPU), so a
thousand lines take seconds, not a thousand bursts in a row. The sample is
labelled with the minute the burst began in (``at`` floored to the minute,
as the API floors an agent's); a second run in the same minute finds the
lines already measured and probes nothing again.
"""

from __future__ import annotations

import datetime as dt
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.utils import timezone

from kb.monitoring.minutes import floor_minute
from kb.monitoring.models import Line, Sample
from kb.monitoring.services import MAX_SAMPLES, SITE_SOURCE, SampleInput, samples_record
from streamline_probe.probing import Burst, probe

log = logging.getLogger(__name__)

# Bursts measured at once; each mostly waits on the network. A burst of 10
# probes 0.2 s apart takes 1.8 s, and at most 2.8 s however many are lost
# (its probes do not wait for each other), 5.6 s when silent ICMP is tried
# again by TCP: 128 at once keep a thousand lines within about 15 s of the
# minute, and within 45 s if every one of them were silent.
PROBE_WORKERS = 128


@dataclass
class ProbeReport:
    lines: int = 0
    already: int = 0
    icmp: int = 0
    tcp: int = 0
    lost: int = 0
    stored: int = 0

    def __str__(self) -> str:
        return " ".join(f"{name}={value}" for name, value in vars(self).items())


def _measure(target: tuple[int, str, int, int, str]) -> tuple[int, Burst]:
    line_id, host, port, count, method = target
    return line_id, probe(host, port, count=count, method=method)


def lines_probe(*, now: dt.datetime | None = None,
                line_ids: list[int] | None = None) -> ProbeReport:
    """Probe every active line the site probes (or ``line_ids``) once."""
    at = floor_minute(now or timezone.now())
    report = ProbeReport()
    lines = Line.objects.filter(active=True, probe_by_site=True)
    if line_ids is not None:
        lines = lines.filter(pk__in=line_ids)
    targets = list(lines.order_by("pk").values_list("pk", "host", "port", "probe_count",
                                                    "probe_method"))
    done = set(Sample.objects.filter(source=SITE_SOURCE, at=at,
                                     line_id__in=[t[0] for t in targets])
               .values_list("line_id", flat=True))
    report.lines, report.already = len(targets), len(done)
    targets = [t for t in targets if t[0] not in done]
    if not targets:
        return report
    # Threads only measure; the database is written from this thread.
    with ThreadPoolExecutor(max_workers=min(PROBE_WORKERS, len(targets)),
                            thread_name_prefix="probe") as pool:
        bursts = list(pool.map(_measure, targets))
    samples = []
    for line_id, burst in bursts:
        setattr(report, burst.method, getattr(report, burst.method) + 1)
        if not burst.received:
            report.lost += 1
            log.info("probe_lost line=%s method=%s error=%r", line_id, burst.method,
                     burst.error)
        samples.append(SampleInput(
            line_id=line_id, source=SITE_SOURCE, at=at, sent=burst.sent,
            received=burst.received, rtt_min_ms=burst.rtt_min_ms, rtt_avg_ms=burst.rtt_avg_ms,
            rtt_max_ms=burst.rtt_max_ms, jitter_ms=burst.jitter_ms, method=burst.method,
            error=burst.error))
    for start in range(0, len(samples), MAX_SAMPLES):
        report.stored += samples_record(samples=samples[start:start + MAX_SAMPLES])[0]
    return report
