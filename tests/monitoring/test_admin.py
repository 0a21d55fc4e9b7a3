import datetime as dt

import pytest
from django.urls import reverse

from kb.monitoring.models import Incident, Line, Maintenance
from tests.monitoring.conftest import UTC, record, sample

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_with_data(admin_client, line):
    at = dt.datetime(2026, 3, 25, 10, 0, tzinfo=UTC)
    record([sample(line, at)])
    Incident.objects.create(line=line, severity="degraded", title="Degraded", opened_at=at)
    return admin_client


@pytest.mark.parametrize("model", ["line", "sample", "rollup", "incident", "maintenance",
                                   "statussubscriber"])
def test_every_monitoring_model_has_an_admin_list(admin_client_with_data, model):
    response = admin_client_with_data.get(reverse(f"admin:monitoring_{model}_changelist"))
    assert response.status_code == 200


def test_staff_edit_a_lines_thresholds_in_the_admin(admin_client, line):
    url = reverse("admin:monitoring_line_change", args=[line.pk])
    assert admin_client.get(url).status_code == 200
    form = {field: getattr(line, field) for field in (
        "name", "from_region", "to_region", "kind", "host", "port", "protocol", "language",
        "probe_method", "probe_count", "down_minutes", "degraded_minutes", "degraded_window",
        "jitter_ms_threshold", "rtt_factor_threshold", "baseline_hours",
        "baseline_min_minutes", "recovery_minutes", "no_data_minutes")}
    form.update(organization=line.organization_id, loss_pct_threshold=5.0, active="on")
    response = admin_client.post(url, form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    line.refresh_from_db()
    assert line.loss_pct_threshold == 5.0 and line.down_minutes == 3


def test_a_maintenance_window_is_planned_in_the_admin(admin_client, line):
    response = admin_client.post(reverse("admin:monitoring_maintenance_add"), {
        "title": "Singapore ingest upgrade", "description": "",
        "starts_at_0": "2026-03-26", "starts_at_1": "02:00:00",
        "ends_at_0": "2026-03-26", "ends_at_1": "03:00:00",
        "lines": [line.pk], "regions": '["sea"]', "public": "on"})
    assert response.status_code == 302
    maintenance = Maintenance.objects.get()
    assert maintenance.regions == ["sea"] and list(maintenance.lines.all()) == [line]
    assert maintenance.covers(Line.objects.get(), dt.datetime(2026, 3, 26, 2, 30, tzinfo=UTC))
    response = admin_client.post(reverse("admin:monitoring_maintenance_add"), {
        "title": "Nowhere", "starts_at_0": "2026-03-26", "starts_at_1": "02:00:00",
        "ends_at_0": "2026-03-26", "ends_at_1": "03:00:00", "regions": '["moon"]'})
    assert response.status_code == 200  # refused: unknown region


def test_staff_declare_a_regions_incident_and_it_shows_on_the_status_page(
        admin_client, client, admin_user, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 25, 10, 0, tzinfo=UTC), tick=False)
    add = reverse("admin:monitoring_incident_add")
    assert admin_client.get(add).status_code == 200
    response = admin_client.post(add, {"region": "sea", "severity": "degraded",
                                       "title": "Packet loss into Singapore", "public": "on"})
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("monitoring:incident", args=[incident.pk])
    assert (incident.region, incident.line, incident.created_by) == ("sea", None, admin_user)
    assert incident.opened_at == dt.datetime(2026, 3, 25, 10, 0, tzinfo=UTC)
    assert "Packet loss into Singapore" in client.get("/status/").content.decode()


def test_a_declared_incident_needs_its_region(admin_client):
    response = admin_client.post(reverse("admin:monitoring_incident_add"), {
        "region": "", "severity": "down", "title": "Somewhere", "public": "on"})
    assert response.status_code == 200 and not Incident.objects.exists()
    assert "region" in response.context["adminform"].form.errors


def test_the_postmortem_is_not_edited_unsanitized_in_the_admin(admin_client, line):
    incident = Incident.objects.create(
        line=line, severity="down", title="Down", state="resolved",
        opened_at=dt.datetime(2026, 3, 25, 10, 0, tzinfo=UTC),
        resolved_at=dt.datetime(2026, 3, 25, 11, 0, tzinfo=UTC))
    page = admin_client.get(reverse("admin:monitoring_incident_change", args=[incident.pk]))
    assert 'name="postmortem"' not in page.content.decode()
