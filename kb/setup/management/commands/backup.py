from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kb.setup.backups import BackupError, backup_create


class Command(BaseCommand):
    help = ("Write a consistent snapshot of the database (and uploaded files) into a new "
            "folder; restore it with `manage.py restore FOLDER`.")

    def add_arguments(self, parser):
        parser.add_argument("folder", nargs="?", help="default: var/backups/<UTC time>")

    def handle(self, *args, folder: str | None, **options):
        from django.conf import settings

        target = Path(folder) if folder else (
            Path(settings.VAR_DIR) / "backups" / timezone.now().strftime("%Y%m%dT%H%M%SZ"))
        try:
            report = backup_create(folder=target)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        counts = ", ".join(f"{label.split('.')[1]} {n}" for label, n in report.counts.items())
        self.stdout.write(self.style.SUCCESS(f"backup of {report.engine} in {target}: {counts}"))
