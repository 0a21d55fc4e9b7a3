import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from kb.articles.fixture_files import FixtureError, articles_load_fixtures, find_article_files
from kb.core.exceptions import ApplicationError
from kb.problems.services import problems_load_fixture
from kb.search.backends import search_backend
from kb.search.indexing import index_analysis_outdated, index_rebuild
from kb.search.receivers import index_updates_paused
from kb.search.store import recover_interrupted_rebuild
from kb.search.synonyms import synonyms_load_fixture
from kb.setup.services import (
    DEMO_ENGINEER,
    demo_users_ensure,
    groups_ensure,
    runtime_folders_ensure,
)
from kb.tickets.services import (
    sla_policies_ensure,
    teams_demo_on_call_ensure,
    teams_load_fixture,
)
from kb.wizard.services import flows_load_fixtures


class Command(BaseCommand):
    help = (
        "Prepare the site: migrate, load fixtures, build what is derived. "
        "Safe to run again: it changes only what differs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo-users",
            action="store_true",
            help="create demo accounts (admin, curator, reviewer, engineer, lead, customer; "
                 "DEBUG only)",
        )

    def handle(self, *args, demo_users: bool = False, **options):
        fixtures = settings.KB_FIXTURES_DIR
        runtime_folders_ensure()
        self.stdout.write("migrating the database")
        call_command("migrate", interactive=False, verbosity=0)

        created, updated = problems_load_fixture(path=fixtures / "problems.json")
        self.stdout.write(f"problem codes: {created} created, {updated} updated")
        groups_ensure()

        # One log line per article would drown the progress bar.
        logging.getLogger("kb.articles.services").setLevel(logging.WARNING)
        article_root = fixtures / "articles"
        total = len(find_article_files(article_root))
        # A changed article makes the index rebuild below: per-article index
        # updates queued now would only repeat it.
        with (
            tqdm(total=total, desc="articles", unit="file", disable=total == 0) as bar,
            index_updates_paused(),
        ):
            try:
                report = articles_load_fixtures(root=article_root, progress=lambda _: bar.update())
            except FixtureError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"articles: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged"
        )

        teams = teams_load_fixture(path=fixtures / "teams.toml")
        policies = sla_policies_ensure()
        self.stdout.write(f"support teams: {teams} added; SLA policies: {policies} added")

        # After the articles: publishing a flow checks that its fixes exist.
        try:
            flows = flows_load_fixtures(root=fixtures / "flows")
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"wizard flows: {flows.published} published, {flows.unchanged} unchanged")

        added = synonyms_load_fixture(path=fixtures / "synonyms.toml")
        self.stdout.write(f"synonym groups: {added} added")

        interrupted = recover_interrupted_rebuild()
        healthy, reason = search_backend().health()
        if interrupted:
            healthy, reason = False, "an earlier rebuild was interrupted"
        elif healthy and (outdated := index_analysis_outdated()):
            healthy, reason = False, outdated
        if not healthy or report.created or report.updated:
            self.stdout.write("building the search index" + ("" if healthy else f" ({reason})"))
            with tqdm(desc="index", unit="article") as bar:

                def progress(done: int, total: int) -> None:
                    bar.total = total
                    bar.update(done - bar.n)

                count = index_rebuild(progress=progress)
            self.stdout.write(f"search index: {count} articles")
        else:
            self.stdout.write("search index: up to date")

        if demo_users:
            try:
                names = demo_users_ensure()
            except RuntimeError as exc:
                raise CommandError(str(exc)) from exc
            if names:
                self.stdout.write(f"demo users created: {', '.join(names)}")
            # A demo P1 pages a person the way production does: the demo
            # engineer is in every team and on call.
            shifts = teams_demo_on_call_ensure(
                engineer=get_user_model().objects.get(username=DEMO_ENGINEER))
            self.stdout.write(f"demo engineer: member of every team, {shifts} on-call "
                              "shifts started")
        self.stdout.write(self.style.SUCCESS("bootstrap complete"))
