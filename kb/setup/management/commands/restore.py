from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from kb.setup.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = ("Bring a backup made by `manage.py backup` into the configured database, which "
            "must be empty; then rebuild the search index from it.")

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--no-index", action="store_true",
                            help="leave the search index to a later rebuild_index")

    def handle(self, *args, folder: str, no_index: bool, **options):
        try:
            report = backup_restore(folder=Path(folder))
        except (BackupError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        counts = ", ".join(f"{label.split('.')[1]} {n}" for label, n in report.counts.items())
        self.stdout.write(self.style.SUCCESS(f"restored {report.engine} from {folder}: {counts}"))
        if not no_index:
            call_command("migrate", verbosity=0)  # a backup of an older version catches up
            call_command("rebuild_index", procs=1)
