from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kb.wizard.flows import FlowError, flow_parse
from kb.wizard.models import Flow
from kb.wizard.selectors import flow_article_errors, flow_latest_version
from kb.wizard.services import find_flow_files


class Command(BaseCommand):
    help = (
        "Validate every flow (the files in fixtures/flows and each flow's draft and latest "
        "version in the database): no dead ends or cycles, every path ends in a fix or an "
        "escalation, both languages, every fix a published article in both languages."
    )

    def add_arguments(self, parser):
        parser.add_argument("--root", type=Path, default=None,
                            help="folder of flow files (default: fixtures/flows)")

    def handle(self, *args, root: Path | None = None, **options):
        root = root or Path(settings.KB_FIXTURES_DIR) / "flows"
        sources = [(path.name, path.read_text(encoding="utf-8"))
                   for path in find_flow_files(root)]
        for flow in Flow.objects.all():
            sources.append((f"{flow.slug} (draft in the database)", flow.draft))
            latest = flow_latest_version(flow=flow)
            if latest is not None and latest.source != flow.draft:
                sources.append((f"{flow.slug} v{latest.number}", latest.source))
        problems = []
        for name, text in sources:
            try:
                errors = flow_article_errors(flow_parse(text))
            except FlowError as exc:
                errors = exc.errors
            problems += [f"{name}: {error}" for error in errors]
            if not errors:
                self.stdout.write(f"ok  {name}")
        if not sources:
            raise CommandError(f"no flows found in {root}")
        if problems:
            for line in problems:
                self.stderr.write(line)
            raise CommandError(f"{len(problems)} problem(s) in the flows")
        self.stdout.write(self.style.SUCCESS(f"{len(sources)} flow(s) valid"))
