from django.core.management.base import BaseCommand

from kb.monitoring.evaluation import lines_evaluate


class Command(BaseCommand):
    help = "Judge every monitored line now, as the beat task does every minute."

    def add_arguments(self, parser):
        parser.add_argument("--line", type=int, action="append", dest="lines",
                            help="only this line (repeat for more)")

    def handle(self, *args, lines=None, **options):
        report = lines_evaluate(line_ids=lines)
        self.stdout.write(f"evaluated {report}")
