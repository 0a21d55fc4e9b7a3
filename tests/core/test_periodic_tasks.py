"""Every task beat queues is safe to run twice: the second run changes nothing.

Two beats during a hand-over, or a periodic task redelivered after a worker
died, must not raise alerts twice, e-mail twice or open gaps twice.
"""

import datetime as dt

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail

from kb import celery_app
from kb.monitoring.services import SampleInput, line_create, samples_record
from kb.search.models import SearchQuery
from kb.tickets.models import Organization, Team
from kb.tickets.services import sla_policies_ensure, teams_load_fixture, ticket_create
from tests.clock import EU_WORKING_HOURS
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def _state() -> dict[str, int]:
    counts = {model._meta.label: model.objects.count() for model in apps.get_models()
              if model._meta.app_label.startswith(("tickets", "learning", "search", "articles",
                                                   "monitoring"))}
    counts["mail"] = len(mail.outbox)
    return counts


@pytest.fixture
def work_for_every_periodic_task(django_user_model, time_machine, problems):
    """An overdue P1 (SLA alerts), a stale article (a content flag and its
    e-mail), a search nobody found anything for (a search gap), a monitored
    line's samples of an hour that is over (a rollup) and of 20 days ago
    (retention), a line down for three minutes (an incident, a P1), a line
    the site probes (a refused loopback port: a sample at 100 % loss)."""
    time_machine.move_to(EU_WORKING_HOURS, tick=False)
    teams_load_fixture(path=settings.KB_FIXTURES_DIR / "teams.toml")
    sla_policies_ensure()
    lead = django_user_model.objects.create_user("lead", email="lead@example.com",
                                                 is_staff=True)
    Team.objects.update(lead=lead)
    org = Organization.objects.create(name="Acme Live")
    alice = django_user_model.objects.create_user("alice", email="alice@example.com")
    org.members.add(alice)
    ticket_create(requester=alice, organization=org, subject="Stream down",
                  description="black screen", priority="P1", region="eu", stream_id="live/1")
    owner = django_user_model.objects.create_user("owner", email="owner@example.com",
                                                  is_staff=True)
    make_article(owner=owner, last_verified=dt.date(2020, 1, 1))
    for _ in range(3):
        SearchQuery.objects.create(query="zebra codec", normalized="zebra codec",
                                   language="en", result_count=0)
    line = line_create(organization=org, name="Acme studio -> EU ingest", from_region="eu",
                       to_region="eu", kind="internet", host="127.0.0.1", port=9,
                       protocol="rtmp", probe_by_site=False)
    samples_record(samples=[
        SampleInput(line_id=line.pk, source="agent", at=EU_WORKING_HOURS - dt.timedelta(
            minutes=minutes), sent=20, received=20, rtt_avg_ms=70.0)
        for minutes in (0, 1, 2, 20 * 24 * 60)])
    later = EU_WORKING_HOURS + dt.timedelta(hours=2)
    down = line_create(organization=org, name="Acme studio -> EU route", from_region="eu",
                       to_region="eu", kind="dedicated", host="127.0.0.1", port=9,
                       protocol="rtmp", probe_by_site=False)
    samples_record(samples=[
        SampleInput(line_id=down.pk, source="agent", at=later - dt.timedelta(minutes=minutes),
                    sent=20, received=0) for minutes in (0, 1, 2)])
    line_create(organization=org, name="Acme studio -> local ingest", from_region="eu",
                to_region="eu", kind="internet", host="127.0.0.1", port=9, protocol="rtmp",
                probe_method="tcp", probe_count=2)
    time_machine.move_to(later, tick=False)


# The entries the fixture gives something to do (the index merge has no index here).
DOES_WORK_HERE = {"check-sla-clocks", "content-health", "search-gaps", "monitoring-rollups",
                  "monitoring-retention", "monitoring-evaluate", "monitoring-probe"}


@pytest.mark.parametrize("entry", sorted(settings.CELERY_BEAT_SCHEDULE))
def test_a_periodic_task_run_twice_changes_nothing_the_second_time(
    entry, work_for_every_periodic_task
):
    celery_app.loader.import_default_modules()
    task = celery_app.tasks[settings.CELERY_BEAT_SCHEDULE[entry]["task"]]
    before = _state()
    task.delay()
    after_one = _state()
    task.delay()
    assert _state() == after_one
    if entry in DOES_WORK_HERE:
        assert after_one != before, "the first run found nothing to do: the test proves nothing"
