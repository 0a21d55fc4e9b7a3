import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from kb.learning.gaps import search_gaps_sync
from kb.learning.services import learn_replay
from kb.search.indexing import index_rebuild


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--since takes a date as YYYY-MM-DD, not {value!r}.") from exc


class Command(BaseCommand):
    help = ("Learn from the tickets closed since a date (a backfill, or a replay after "
            "a change of the rules). Safe to run again: what was learned is skipped.")

    def add_arguments(self, parser):
        parser.add_argument("--since", required=True, type=_date, metavar="YYYY-MM-DD",
                            help="replay tickets closed on or after this date (UTC)")
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args, since: dt.date, batch_size: int, **options):
        if not 1 <= batch_size <= 50_000:
            raise CommandError("--batch-size must be between 1 and 50000.")
        start = dt.datetime.combine(since, dt.time.min, tzinfo=dt.UTC)
        if start > timezone.now():
            raise CommandError("--since is in the future: nothing has closed yet.")
        with tqdm(desc="tickets", unit="ticket") as bar:
            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            # Per-article index updates would repeat the rebuild below.
            report = learn_replay(since=start, batch_size=batch_size, progress=progress,
                                  reindex=False)
        learned = sum(1 for outcome in report.outcome.values() if outcome == "learned")
        self.stdout.write(
            f"tickets: {len(report.outcome)} read, {learned} learned from; links: "
            + ", ".join(f"{k} {v}" for k, v in sorted(report.links.items()))
        )
        self.stdout.write(f"knowledge gaps created: {report.gaps_created}; "
                          f"articles touched: {len(report.articles_touched)}")
        self.stdout.write(f"search gaps open: {search_gaps_sync()}")
        if report.phrases_activated:
            self.stdout.write("rebuilding the search index with the learned phrases")
            index_rebuild()
        self.stdout.write(self.style.SUCCESS("learning complete"))
