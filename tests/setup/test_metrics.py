"""/metrics: what Prometheus scrapes, and who may read it."""

import datetime as dt

import pytest
from prometheus_client.parser import text_string_to_metric_families

from kb import celery_app
from kb.monitoring.services import SampleInput, line_create, samples_record
from kb.tickets.models import Organization
from kb.tickets.tasks import sla_check_task
from tests.clock import EU_WORKING_HOURS

TOKEN = "scrape-token-for-tests"


@pytest.fixture
def scraper(client, settings):
    settings.KB_METRICS_TOKEN = TOKEN

    def scrape() -> dict[tuple[str, tuple], float]:
        response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        assert response.status_code == 200, response.content
        assert response["Content-Type"].startswith("text/plain; version=")
        return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
                for family in text_string_to_metric_families(response.content.decode())
                for sample in family.samples}
    return scrape


def value(scraped, metric, **labels) -> float:
    return scraped.get((metric, tuple(sorted(labels.items()))), 0.0)


class TestAccess:
    def test_an_anonymous_visitor_is_asked_for_credentials(self, client, settings):
        settings.KB_METRICS_TOKEN = TOKEN
        response = client.get("/metrics")
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert b"kb_" not in response.content

    def test_a_wrong_token_is_refused(self, client, settings):
        settings.KB_METRICS_TOKEN = TOKEN
        assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer guess").status_code == 401

    def test_no_token_configured_means_no_token_works(self, client, settings):
        settings.KB_METRICS_TOKEN = ""
        assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 401

    def test_a_signed_in_customer_is_refused(self, client, customer):
        client.force_login(customer)
        assert client.get("/metrics").status_code == 403

    def test_staff_signed_in_can_read_it(self, client, engineer):
        client.force_login(engineer)
        response = client.get("/metrics")
        assert response.status_code == 200
        assert b"# TYPE kb_http_request_seconds histogram" in response.content


@pytest.mark.django_db
def test_requests_are_timed_by_url_pattern_not_by_path(client, scraper):
    before = scraper()
    client.get("/api/v1/articles/no-such-lang/no-such-slug/")
    client.get("/nothing/here/at/all/")
    after = scraper()
    unmatched = dict(route="unmatched", method="GET", status="4xx")
    assert (value(after, "kb_http_request_seconds_count", **unmatched)
            - value(before, "kb_http_request_seconds_count", **unmatched)) >= 1
    # No label carries a path the client made up.
    assert not any("no-such-slug" in str(key) or "at/all" in str(key) for key in after)


@pytest.mark.django_db
def test_a_search_is_timed_on_its_route_and_on_its_own(client, scraper, kb_articles):
    before = scraper()
    assert client.get("/api/v1/search", {"q": "obs dropped frames"}).status_code == 200
    after = scraper()
    route = dict(route="api/v1/search", method="GET", status="2xx")
    assert (value(after, "kb_http_request_seconds_count", **route)
            - value(before, "kb_http_request_seconds_count", **route)) == 1
    assert (value(after, "kb_search_seconds_count")
            - value(before, "kb_search_seconds_count")) == 1


@pytest.mark.django_db
def test_tasks_are_counted_and_timed(scraper):
    before = scraper()
    sla_check_task.delay()
    after = scraper()
    task = "kb.tickets.tasks.sla_check_task"
    assert (value(after, "kb_tasks_total", task=task, outcome="success")
            - value(before, "kb_tasks_total", task=task, outcome="success")) == 1
    assert (value(after, "kb_task_seconds_count", task=task)
            - value(before, "kb_task_seconds_count", task=task)) == 1


@pytest.mark.django_db
@pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored")
def test_queue_depth_counts_what_waits_for_a_worker(scraper, tmp_path):
    folders = {"data_folder_in": str(tmp_path / "out"), "data_folder_out": str(tmp_path / "out"),
               "processed_folder": str(tmp_path / "processed"),
               "control_folder": str(tmp_path / "control"), "store_processed": False}
    for folder in ("out", "processed", "control"):
        (tmp_path / folder).mkdir()
    saved = celery_app.conf.broker_url, celery_app.conf.broker_transport_options
    celery_app.conf.broker_url, celery_app.conf.broker_transport_options = "kbfs://", folders
    try:
        # Published on a connection of its own: the app's producer pool keeps
        # the broker it was first given.
        with celery_app.connection_for_write() as connection:
            producer = celery_app.amqp.Producer(connection)
            for _ in range(2):
                celery_app.send_task("kb.learning.tasks.search_gaps_task", producer=producer)
        scraped = scraper()
    finally:
        celery_app.conf.broker_url, celery_app.conf.broker_transport_options = saved
    assert value(scraped, "kb_broker_up") == 1
    assert value(scraped, "kb_queue_messages", queue="learning") == 2
    assert value(scraped, "kb_queue_messages", queue="notifications") == 0


@pytest.mark.django_db
def test_a_broker_that_does_not_answer_is_reported_not_a_failed_scrape(scraper):
    saved = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        scraped = scraper()
    finally:
        celery_app.conf.broker_url = saved
    assert value(scraped, "kb_broker_up") == 0
    assert not any(name == "kb_queue_messages" for name, _ in scraped)


@pytest.mark.django_db
def test_every_line_shows_its_state_and_latest_minute(scraper, time_machine):
    time_machine.move_to(EU_WORKING_HOURS, tick=False)
    org = Organization.objects.create(name="Acme Live")
    line = line_create(organization=org, name="Shanghai studio -> Frankfurt ingest",
                       from_region="cn", to_region="eu", kind="dedicated",
                       host="127.0.0.1", port=1935, protocol="rtmp", probe_by_site=False)
    quiet = line_create(organization=org, name="Backup route", from_region="cn",
                        to_region="eu", kind="internet", host="127.0.0.1", port=1936,
                        protocol="rtmp", probe_by_site=False)
    minute = EU_WORKING_HOURS.replace(second=0, microsecond=0)
    samples_record(samples=[
        # An older minute, then the latest one seen from two sources.
        SampleInput(line_id=line.pk, source="site", at=minute - dt.timedelta(minutes=1),
                    sent=20, received=20, rtt_avg_ms=500.0, jitter_ms=1.0),
        SampleInput(line_id=line.pk, source="site", at=minute, sent=20, received=19,
                    rtt_avg_ms=180.0, jitter_ms=4.0),
        SampleInput(line_id=line.pk, source="agent", at=minute, sent=20, received=20,
                    rtt_avg_ms=200.0, jitter_ms=6.0),
    ])
    scraped = scraper()
    labels = dict(line=str(line.pk), name=line.name, organization="Acme Live")
    assert value(scraped, "kb_line_rtt_ms", **labels) == pytest.approx(190.0)
    assert value(scraped, "kb_line_loss_ratio", **labels) == pytest.approx(1 / 40)
    assert value(scraped, "kb_line_jitter_ms", **labels) == pytest.approx(5.0)
    assert value(scraped, "kb_line_state", **labels, state=line.state) == 1
    quiet_labels = dict(line=str(quiet.pk), name="Backup route", organization="Acme Live")
    assert sum(value(scraped, "kb_line_state", **quiet_labels, state=state)
               for state in ("healthy", "degraded", "down", "no_data")) == 1
    assert ("kb_line_rtt_ms", tuple(sorted(quiet_labels.items()))) not in scraped
