"""An incident's own pages: public under /status/, for the line's customer
under /monitoring/; staff post updates and, once resolved, the postmortem."""

import datetime as dt

import pytest
from django.test import Client

from kb.core.exceptions import ApplicationError
from kb.monitoring.models import Incident, IncidentUpdate
from kb.monitoring.updates import incident_postmortem_save, incident_update_post
from tests.monitoring.conftest import make_line

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 2, 10, 30, tzinfo=dt.UTC)

HOSTILE = ("Loss **cleared**.\n\n<script>alert('x')</script>\n\n"
           '<img src="x" onerror="alert(1)">\n\n[details](javascript:alert(1))')


@pytest.fixture
def incidents(time_machine, acme):
    time_machine.move_to(NOW, tick=False)
    line = make_line(acme[0])
    line_incident = Incident.objects.create(
        line=line, severity="degraded", title="Shanghai studio line degraded",
        opened_at=NOW - dt.timedelta(minutes=30))
    IncidentUpdate.objects.create(incident=line_incident, status="investigating",
                                  code="detected_degraded",
                                  params={"line": line.name, "bad": 3, "window": 5},
                                  created_at=line_incident.opened_at)
    region_incident = Incident.objects.create(
        region="sea", severity="degraded", public=True, title="Packet loss into Southeast Asia",
        opened_at=NOW - dt.timedelta(minutes=20))
    return line_incident, region_incident


def post_update(client, incident, *, status="identified", body="A carrier's fibre is cut.",
                page="status"):
    return client.post(f"/monitoring/incidents/{incident.pk}/updates/",
                       {"status": status, "body": body, "page": page})


def post_postmortem(client, incident, markdown, *, page="status"):
    return client.post(f"/monitoring/incidents/{incident.pk}/postmortem/",
                       {"markdown": markdown, "page": page})


class TestWhoSeesAnIncident:
    def test_anyone_reads_a_public_incident_and_the_status_page_links_it(self, client,
                                                                          incidents):
        _, region = incidents
        page = client.get(f"/status/incidents/{region.pk}/")
        assert page.status_code == 200
        assert "Packet loss into Southeast Asia" in page.content.decode()
        assert "Southeast Asia" in page.content.decode()
        assert "Post an update" not in page.content.decode()
        status = client.get("/status/").content.decode()
        assert f'href="/status/incidents/{region.pk}/"' in status

    def test_a_private_incident_is_not_found_on_the_public_page(self, client, incidents):
        line_incident, _ = incidents
        assert client.get(f"/status/incidents/{line_incident.pk}/").status_code == 404
        assert client.get("/status/incidents/999999/").status_code == 404

    def test_the_lines_customer_reads_it_and_finds_it_from_the_line_page(self, client,
                                                                         incidents, acme):
        line_incident, _ = incidents
        client.force_login(acme[1])
        page = client.get(f"/monitoring/incidents/{line_incident.pk}/").content.decode()
        assert "Shanghai studio line degraded" in page
        assert "Monitoring detected degraded performance" in page
        assert "Post an update" not in page
        line_page = client.get(f"/monitoring/lines/{line_incident.line_id}/").content.decode()
        assert f'href="/monitoring/incidents/{line_incident.pk}/"' in line_page

    def test_a_customer_of_another_organization_gets_not_found(self, client, incidents,
                                                               globex):
        line_incident, region = incidents
        client.force_login(globex[1])
        assert client.get(f"/monitoring/incidents/{line_incident.pk}/").status_code == 404
        # A region's incident none of their lines is part of, too.
        assert client.get(f"/monitoring/incidents/{region.pk}/").status_code == 404

    def test_a_customer_reads_the_region_incident_their_line_is_part_of(self, client,
                                                                       incidents, acme):
        line_incident, region = incidents
        line_incident.regional = region
        line_incident.save()
        client.force_login(acme[1])
        assert client.get(f"/monitoring/incidents/{region.pk}/").status_code == 200

    def test_signed_out_readers_sign_in_first(self, client, incidents):
        line_incident, _ = incidents
        response = client.get(f"/monitoring/incidents/{line_incident.pk}/")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


class TestStaffUpdates:
    def test_an_update_shows_on_the_status_page_the_incident_page_and_the_api(
            self, client, incidents, engineer, django_capture_on_commit_callbacks):
        _, region = incidents
        assert "fibre" not in client.get("/status/").content.decode()  # now cached
        client.force_login(engineer)
        page = client.get(f"/status/incidents/{region.pk}/").content.decode()
        assert "Post an update" in page and "Write the postmortem" not in page
        with django_capture_on_commit_callbacks(execute=True):
            response = post_update(client, region, body="A carrier's **fibre** is cut.")
        assert response.status_code == 302
        assert response["Location"] == f"/status/incidents/{region.pk}/"
        client.logout()
        expected = "<p>A carrier's <strong>fibre</strong> is cut.</p>"
        assert expected in client.get("/status/").content.decode()
        incident_page = client.get(f"/status/incidents/{region.pk}/").content.decode()
        assert expected in incident_page and "Identified" in incident_page
        api = client.get("/api/v1/status/").json()
        (shown,) = [i for i in api["incidents"] if i["id"] == region.pk]
        assert shown["updates"][-1] == {
            "status": "identified", "text": "A carrier's **fibre** is cut.", "html": expected,
            "created_at": "2026-12-02T10:30:00Z"}
        update = IncidentUpdate.objects.get(incident=region)
        assert update.author == engineer

    def test_the_form_comes_back_to_the_monitoring_page_it_was_sent_from(
            self, client, incidents, engineer):
        line_incident, _ = incidents
        client.force_login(engineer)
        response = post_update(client, line_incident, status="monitoring",
                               body="Rerouted; watching.", page="monitoring")
        assert response["Location"] == f"/monitoring/incidents/{line_incident.pk}/"
        page = client.get(response["Location"]).content.decode()
        assert "The update is on the incident&#x27;s story." in page
        assert "<p>Rerouted; watching.</p>" in page

    def test_resolved_resolves_a_region_incident(self, client, incidents, engineer):
        _, region = incidents
        client.force_login(engineer)
        response = post_update(client, region, status="resolved", body="Loss is gone.")
        assert response.status_code == 302
        region.refresh_from_db()
        assert region.state == "resolved" and region.resolved_at == NOW
        page = client.get(response["Location"]).content.decode()
        assert "and the incident is resolved" in page
        assert "Write the postmortem" in page

    def test_resolved_is_refused_on_a_line_incident_still_open(self, client, incidents,
                                                               engineer):
        line_incident, _ = incidents
        client.force_login(engineer)
        response = post_update(client, line_incident, status="resolved", body="Fixed?",
                               page="monitoring")
        assert response.status_code == 400
        assert ("A line&#x27;s incident resolves by measurement, after 10 minutes neither "
                "degraded nor down; until then post “Monitoring”.") in response.content.decode()
        line_incident.refresh_from_db()
        assert line_incident.state == "open"
        assert not line_incident.updates.filter(author=engineer).exists()

    def test_a_resolved_incident_takes_only_resolved_updates(self, incidents, engineer):
        _, region = incidents
        incident_update_post(incident=region, author=engineer, status="resolved",
                             body="Loss is gone.")
        with pytest.raises(ApplicationError, match="keeps the status"):
            incident_update_post(incident=region, author=engineer, status="investigating",
                                 body="Again?")

    def test_customers_and_signed_out_visitors_may_not_post(self, client, incidents, acme):
        line_incident, region = incidents
        assert post_update(client, region).status_code == 403
        client.force_login(acme[1])
        assert post_update(client, line_incident, page="monitoring").status_code == 403
        assert post_postmortem(client, line_incident, "Cause").status_code == 403
        assert not IncidentUpdate.objects.filter(code="").exists()

    def test_a_post_without_the_csrf_token_is_refused(self, incidents, engineer):
        _, region = incidents
        client = Client(enforce_csrf_checks=True)
        client.force_login(engineer)
        assert post_update(client, region).status_code == 403
        assert not region.updates.exists()

    def test_an_empty_or_unknown_status_is_refused_with_a_message(self, client, incidents,
                                                                  engineer):
        _, region = incidents
        client.force_login(engineer)
        empty = post_update(client, region, body="   ")
        assert empty.status_code == 400
        assert "Write what is happening: the update is empty." in empty.content.decode()
        assert post_update(client, region, status="fixed").status_code == 400
        assert not region.updates.exists()


class TestPostmortems:
    def test_a_postmortem_waits_until_the_incident_is_resolved(self, client, incidents,
                                                               engineer):
        _, region = incidents
        client.force_login(engineer)
        response = post_postmortem(client, region, "## Cause\n\nA fibre cut.")
        assert response.status_code == 400
        assert ("A postmortem is written once the incident is resolved; post an update until "
                "then.") in response.content.decode()
        region.refresh_from_db()
        assert region.postmortem == "" and region.postmortem_html == ""

    def test_a_resolved_incidents_postmortem_shows_everywhere(
            self, client, incidents, engineer, django_capture_on_commit_callbacks):
        _, region = incidents
        incident_update_post(incident=region, author=engineer, status="resolved",
                             body="Loss is gone.")
        client.force_login(engineer)
        with django_capture_on_commit_callbacks(execute=True):
            response = post_postmortem(
                client, region, "## Cause\n\nA fibre cut.\n\n## What changes\n\n- A second path")
        assert response.status_code == 302
        client.logout()
        for address in ("/status/", f"/status/incidents/{region.pk}/"):
            page = client.get(address).content.decode()
            assert "Postmortem" in page and "<li>A second path</li>" in page
        (shown,) = [i for i in client.get("/api/v1/status/").json()["incidents"]
                    if i["id"] == region.pk]
        assert "<li>A second path</li>" in shown["postmortem_html"]

    def test_rewriting_the_postmortem_replaces_it(self, incidents, engineer):
        _, region = incidents
        incident_update_post(incident=region, author=engineer, status="resolved",
                             body="Loss is gone.")
        incident_postmortem_save(incident=region, author=engineer, markdown="First draft")
        incident_postmortem_save(incident=region, author=engineer, markdown="Final *text*")
        region.refresh_from_db()
        assert region.postmortem == "Final *text*"
        assert region.postmortem_html == "<p>Final <em>text</em></p>"


class TestSanitizing:
    def test_scripts_handlers_and_javascript_links_never_reach_a_reader(
            self, client, incidents, engineer):
        _, region = incidents
        client.force_login(engineer)
        assert post_update(client, region, body=HOSTILE).status_code == 302
        post_update(client, region, status="resolved", body="Over.")
        assert post_postmortem(client, region, HOSTILE).status_code == 302
        client.logout()
        for address in ("/status/", f"/status/incidents/{region.pk}/"):
            page = client.get(address).content.decode()
            assert page.count("Loss <strong>cleared</strong>.") == 2  # update and postmortem
            assert "alert(" not in page and "onerror" not in page
            assert "javascript:" not in page
        # The API gives the Markdown as text (data to escape) and the same
        # sanitized HTML as the pages.
        (shown,) = [i for i in client.get("/api/v1/status/").json()["incidents"]
                    if i["id"] == region.pk]
        served = "".join([*(u["html"] for u in shown["updates"]), shown["postmortem_html"]])
        assert "Loss <strong>cleared</strong>." in served
        assert "<script" not in served and "onerror" not in served
        assert "javascript:" not in served and "alert(" not in served


class TestCaps:
    def test_an_update_over_20000_characters_is_refused_with_its_length(
            self, client, incidents, engineer):
        _, region = incidents
        client.force_login(engineer)
        response = post_update(client, region, body="x" * 20_001)
        assert response.status_code == 400
        assert ("An update is at most 20000 characters; this one has 20001."
                in response.content.decode())
        assert not region.updates.exists()
        assert post_update(client, region, body="x" * 20_000).status_code == 302

    def test_a_postmortem_over_50000_characters_is_refused(self, client, incidents,
                                                           engineer):
        _, region = incidents
        incident_update_post(incident=region, author=engineer, status="resolved",
                             body="Over.")
        client.force_login(engineer)
        response = post_postmortem(client, region, "y" * 50_001)
        assert response.status_code == 400
        assert "A postmortem is at most 50000 characters" in response.content.decode()
        region.refresh_from_db()
        assert region.postmortem == ""

    def test_the_services_refuse_what_is_too_long_whoever_calls_them(self, incidents,
                                                                     engineer):
        _, region = incidents
        with pytest.raises(ApplicationError, match="at most 20,000 characters"):
            incident_update_post(incident=region, author=engineer, status="identified",
                                 body="x" * 20_001)
        incident_update_post(incident=region, author=engineer, status="resolved",
                             body="Over.")
        with pytest.raises(ApplicationError, match="at most 50,000 characters"):
            incident_postmortem_save(incident=region, author=engineer, markdown="y" * 50_001)


def test_a_region_incident_monitoring_opened_resolves_with_its_lines_only(incidents,
                                                                         engineer):
    _, region = incidents
    IncidentUpdate.objects.create(incident=region, status="investigating",
                                  code="regional_detected_degraded", params={},
                                  created_at=region.opened_at)
    with pytest.raises(ApplicationError, match="resolves when the last of its lines"):
        incident_update_post(incident=region, author=engineer, status="resolved",
                             body="Over?")
    region.refresh_from_db()
    assert region.state == "open"


def test_the_incident_pages_read_a_long_story_in_a_few_queries(
        client, incidents, engineer, django_assert_max_num_queries):
    line_incident, region = incidents
    for n in range(40):
        incident_update_post(incident=region, author=engineer, status="monitoring",
                             body=f"Check {n}: loss **{n}** %")
    with django_assert_max_num_queries(3):
        page = client.get(f"/status/incidents/{region.pk}/").content.decode()
    assert page.count("<li><strong>Monitoring</strong>") == 40
    client.force_login(engineer)
    # Staff: the session, the user, the incident and its story, and no more.
    with django_assert_max_num_queries(5):
        assert client.get(f"/monitoring/incidents/{line_incident.pk}/").status_code == 200


def test_an_unknown_page_to_come_back_to_means_the_signed_in_page(client, incidents,
                                                                   engineer):
    _, region = incidents
    client.force_login(engineer)
    response = post_update(client, region, page="elsewhere")
    assert response["Location"] == f"/monitoring/incidents/{region.pk}/"
