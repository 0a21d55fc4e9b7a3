"""``python manage.py diagnose_eval``: answer quality of the diagnosis.

Runs every labelled scenario of ``tests/diagnostics/scenarios.toml`` on the
real outputs of ``tests/diagnostics/samples`` and prints per-tool parse
accuracy, top-1/top-3 accuracy, escalation accuracy and the confusion list
(kb.diagnostics.evaluation holds the logic).
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kb.diagnostics.evaluation import evaluate, report


class Command(BaseCommand):
    help = "Measure the diagnosis on the labelled scenarios and real samples."

    def add_arguments(self, parser):
        base = Path(settings.BASE_DIR) / "tests" / "diagnostics"
        parser.add_argument("--scenarios", default=str(base / "scenarios.toml"))
        parser.add_argument("--samples", default=str(base / "samples"))

    def handle(self, *args, **options):
        scenarios, samples = Path(options["scenarios"]), Path(options["samples"])
        if not scenarios.is_file() or not samples.is_dir():
            raise CommandError(f"Need {scenarios} and {samples}.")
        self.stdout.write(report(evaluate(scenarios, samples)))
