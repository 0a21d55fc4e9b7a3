import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kb.problems.services import taxonomy_read_toml


class Command(BaseCommand):
    help = "Regenerate fixtures/problems.json from a taxonomy TOML file."

    def add_arguments(self, parser):
        parser.add_argument("toml", type=Path, help="path to a taxonomy.toml")
        parser.add_argument(
            "--output", type=Path, default=settings.KB_FIXTURES_DIR / "problems.json"
        )

    def handle(self, *args, toml: Path, output: Path, **options):
        try:
            rows = taxonomy_read_toml(path=toml)
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read {toml}: {exc}") from exc
        output.write_text(json.dumps(rows, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        self.stdout.write(f"wrote {len(rows)} problem codes to {output}")
