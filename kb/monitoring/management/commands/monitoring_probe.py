from django.core.management.base import BaseCommand

from kb.monitoring.models import Sample
from kb.monitoring.prober import lines_probe
from kb.monitoring.services import SITE_SOURCE


class Command(BaseCommand):
    help = ("Probe every line the site probes now, once, as the beat task does every "
            "minute, and show what each burst measured.")

    def add_arguments(self, parser):
        parser.add_argument("--line", type=int, action="append", dest="lines",
                            help="only this line (repeat for more)")

    def handle(self, *args, lines=None, **options):
        report = lines_probe(line_ids=lines)
        self.stdout.write(f"probed {report}")
        measured = Sample.objects.filter(source=SITE_SOURCE).select_related("line")
        if lines:
            measured = measured.filter(line_id__in=lines)
        latest = measured.order_by("-at").values_list("at", flat=True).first()
        for sample in measured.filter(at=latest).order_by("line_id"):
            rtt = "-" if sample.rtt_avg_ms is None else f"{sample.rtt_avg_ms:.1f} ms"
            self.stdout.write(
                f"line {sample.line_id} {sample.line.host}:{sample.line.port} "
                f"{sample.method}: {sample.received}/{sample.sent} back, avg {rtt}"
                + (f" ({sample.error})" if sample.error else ""))
