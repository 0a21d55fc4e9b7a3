"""kb.tickets.apis: teams, SLA previews, filing and working tickets, the queue."""

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from kb.tickets.models import Ticket
from tests.clock import EU_WORKING_HOURS

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


class TestTeamsApi:
    def test_lists_default_teams_in_the_documented_shape(self, api, organisation):
        teams = {t["code"]: t for t in api.get("/api/v1/teams/").json()}
        assert set(teams) == {"na", "eu", "sea", "cn"}
        eu = teams["eu"]
        assert eu["name"] == "Europe"
        assert eu["timezone"] == "Europe/Berlin"
        assert eu["working_days"] == [0, 1, 2, 3, 4]
        assert eu["hours"] == {"start": "09:00", "end": "18:00"}
        assert "2026-12-25" in eu["holidays"]
        assert "2026-02-14" in teams["cn"]["extra_working_days"]  # a make-up Saturday

    def test_teams_are_public(self, api, organisation):
        assert api.get("/api/v1/teams/").status_code == 200


class TestSlaPreviewApi:
    def test_design_example_p3_europe_across_the_dst_weekend(self, api, organisation):
        data = api.get("/api/v1/sla/preview",
                       {"priority": "P3", "region": "eu", "at": "2026-03-27T16:30:00Z"}).json()
        assert data["team"] == "eu"
        assert data["on_duty"] is True
        assert data["at"] == "2026-03-27T16:30:00Z"
        assert data["targets"]["acknowledge"] == {
            "minutes": 240, "business": True, "due": "2026-03-30T10:30:00Z"}
        assert data["targets"]["locate"]["minutes"] == 1080
        assert data["targets"]["resolve"]["minutes"] == 2700

    def test_p1_counts_wall_clock_minutes(self, api, organisation):
        data = api.get("/api/v1/sla/preview",
                       {"priority": "P1", "region": "cn", "at": "2026-10-03T02:00:00+08:00"}
                       ).json()
        assert data["targets"]["acknowledge"] == {
            "minutes": 5, "business": False, "due": "2026-10-02T18:05:00Z"}
        assert data["targets"]["resolve"]["due"] == "2026-10-02T22:00:00Z"

    def test_off_duty_region_follows_the_sun(self, api, organisation):
        # 02:00 UTC on a Tuesday: Europe is asleep, China and Singapore work.
        data = api.get("/api/v1/sla/preview",
                       {"priority": "P2", "region": "eu", "at": "2026-01-13T02:00:00Z"}).json()
        assert data["team"] in {"cn", "sea"}
        assert data["on_duty"] is True

    def test_latam_is_served_by_north_america(self, api, organisation):
        data = api.get("/api/v1/sla/preview",
                       {"priority": "P4", "region": "latam", "at": "2026-01-13T18:00:00Z"}
                       ).json()
        assert data["team"] == "na"

    @pytest.mark.parametrize("params, field", [
        ({"region": "eu"}, "priority"), ({"priority": "P9", "region": "eu"}, "priority"),
        ({"priority": "P1", "region": "moon"}, "region"),
        ({"priority": "P1", "region": "eu", "at": "yesterday"}, "at"),
    ])
    def test_invalid_parameters_are_400_with_field_errors(self, api, organisation, params,
                                                          field):
        response = api.get("/api/v1/sla/preview", params)
        assert response.status_code == 400
        assert field in response.json()

    def test_time_without_offset_is_read_as_utc(self, api, organisation):
        naive = api.get("/api/v1/sla/preview",
                        {"priority": "P3", "region": "eu", "at": "2026-03-27T16:30:00"}).json()
        assert naive["at"] == "2026-03-27T16:30:00Z"
        assert naive["targets"]["acknowledge"]["due"] == "2026-03-30T10:30:00Z"

    def test_without_configured_teams_it_says_so(self, api, db):
        response = api.get("/api/v1/sla/preview", {"priority": "P1", "region": "eu"})
        assert response.status_code == 404
        assert "No SLA policy or team" in response.json()["detail"]

    def test_endpoints_are_in_the_schema(self, api, db):
        paths = api.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()["paths"]
        assert "/api/v1/teams/" in paths and "/api/v1/sla/preview" in paths


def client_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


TICKET = {"subject": "Push refused since 10:00", "description": "OBS: Failed to connect",
          "priority": "P2", "region": "eu", "stream_id": "live/acme-main", "protocol": "rtmp",
          "role": "publisher"}


class TestFilingTickets:
    def test_new_ticket_gets_exactly_the_previewed_due_times(self, acme, time_machine):
        _, alice = acme
        time_machine.move_to(EU_WORKING_HOURS, tick=False)  # Wednesday 12:00 in Berlin
        preview = client_for(alice).get("/api/v1/sla/preview",
                                        {"priority": "P2", "region": "eu"}).json()
        response = client_for(alice).post("/api/v1/tickets/", TICKET, format="json")
        assert response.status_code == 201
        ticket = Ticket.objects.get()
        assert ticket.created_at == EU_WORKING_HOURS
        # P2: acknowledge in 30 working minutes, locate in 240, resolve in 540
        # (one working day: Wednesday 12:00-18:00, then Thursday 09:00-12:00).
        expected = {"acknowledge": "2026-03-25T11:30:00Z", "locate": "2026-03-25T15:00:00Z",
                    "resolve": "2026-03-26T11:00:00Z"}
        assert {stage: target["due"] for stage, target in preview["targets"].items()} == expected
        assert ticket.team.code == preview["team"] == "eu"
        data = response.json()
        assert data["due"] == expected
        assert data["organization"] == "Acme Live"
        assert ticket.events.get().kind == "created"

    def test_p1_is_due_in_five_wall_clock_minutes(self, acme):
        _, alice = acme
        client_for(alice).post("/api/v1/tickets/", {**TICKET, "priority": "P1"}, format="json")
        ticket = Ticket.objects.get()
        assert ticket.acknowledge_due - ticket.created_at == dt.timedelta(minutes=5)

    @pytest.mark.parametrize("change, field", [
        ({"priority": "P0"}, "priority"), ({"region": "moon"}, "region"),
        ({"subject": ""}, "subject"), ({"protocol": "rtsp"}, "protocol"),
        ({"description": "x" * 20_001}, "description"),
    ])
    def test_invalid_ticket_is_400_and_nothing_is_stored(self, acme, change, field):
        _, alice = acme
        response = client_for(alice).post("/api/v1/tickets/", {**TICKET, **change},
                                          format="json")
        assert response.status_code == 400
        assert field in response.json()
        assert not Ticket.objects.exists()

    def test_user_without_organization_is_told_why(self, django_user_model, organisation):
        loner = django_user_model.objects.create_user("loner")
        response = client_for(loner).post("/api/v1/tickets/", TICKET, format="json")
        assert response.status_code == 403
        assert "no organization" in response.json()["detail"]

    def test_anonymous_cannot_file_or_list(self, organisation):
        api = APIClient()
        assert api.post("/api/v1/tickets/", TICKET, format="json").status_code == 401
        response = api.get("/api/v1/tickets/")
        assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"


class TestOrganizationsAreIsolated:
    def test_another_organizations_ticket_is_not_found(self, acme, globex):
        _, alice = acme
        _, bob = globex
        client_for(alice).post("/api/v1/tickets/", TICKET, format="json")
        ticket = Ticket.objects.get()
        assert client_for(bob).get(f"/api/v1/tickets/{ticket.pk}/").status_code == 404
        assert client_for(bob).get("/api/v1/tickets/").json() == []
        mine = client_for(alice).get(f"/api/v1/tickets/{ticket.pk}/")
        assert mine.status_code == 200
        assert [e["kind"] for e in mine.json()["events"]] == ["created"]

    def test_staff_see_every_ticket(self, acme, curator):
        _, alice = acme
        client_for(alice).post("/api/v1/tickets/", TICKET, format="json")
        assert len(client_for(curator).get("/api/v1/tickets/").json()) == 1


def act(api, ticket, action, **payload):
    return api.post(f"/api/v1/tickets/{ticket.pk}/{action}/", payload, format="json")


@pytest.fixture
def filed(acme):
    _, alice = acme
    client_for(alice).post("/api/v1/tickets/", TICKET, format="json")
    return Ticket.objects.get()


class TestWorkingATicket:
    def test_a_client_resolves_with_the_fix_as_the_articles_api_names_it(
        self, filed, engineer, problems
    ):
        from tests.factories import make_article

        make_article(problems=[problems["push.connect-refused"]], slug="port-blocked")
        staff = client_for(engineer)
        listed = staff.get("/api/v1/articles/", {"problem": "push.connect-refused"}).json()
        fix = listed["results"][0]
        assert isinstance(fix["id"], int)
        act(staff, filed, "acknowledge")
        unknown = act(staff, filed, "resolve", article={"lang": "en", "slug": "no-such-fix"})
        assert unknown.status_code == 400 and "article" in unknown.json()
        twice = act(staff, filed, "resolve", article={"lang": fix["lang"], "slug": fix["slug"]},
                    article_id=fix["id"])
        assert twice.status_code == 400
        resolved = act(staff, filed, "resolve",
                       article={"lang": fix["lang"], "slug": fix["slug"]})
        assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"
        assert [a.slug for a in filed.articles.all()] == ["port-blocked"]

    def test_an_unknown_operation_is_404(self, filed, engineer):
        assert act(client_for(engineer), filed, "teleport").status_code == 404

    def test_staff_take_it_from_new_to_closed_with_a_timeline(self, filed, acme, engineer,
                                                              problems):
        from tests.factories import make_article

        article = make_article(problems=[problems["push.connect-refused"]])
        staff = client_for(engineer)
        assert act(staff, filed, "acknowledge").json()["status"] == "acknowledged"
        located = act(staff, filed, "locate", problems=["push.connect-refused"]).json()
        assert located["status"] == "located"
        resolved = act(staff, filed, "resolve", article_id=article.pk).json()
        assert resolved["status"] == "resolved"
        _, alice = acme
        closed = act(client_for(alice), filed, "confirm").json()
        assert closed["status"] == "closed"
        filed.refresh_from_db()
        assert filed.assignee == engineer
        assert filed.acknowledged_at <= filed.located_at <= filed.resolved_at <= filed.closed_at
        assert list(filed.articles.all()) == [article]
        assert [p.code for p in filed.problems.all()] == ["push.connect-refused"]
        texts = [e["text"] for e in closed["events"]]
        assert texts[0].startswith("Routed to the ")
        assert "Located: push.connect-refused." in texts
        assert any(t.startswith("Resolved with") for t in texts)

    def test_customer_cannot_acknowledge_their_own_ticket(self, filed, acme):
        _, alice = acme
        response = act(client_for(alice), filed, "acknowledge")
        assert response.status_code == 403
        filed.refresh_from_db()
        assert filed.status == "new"

    def test_skipping_a_stage_is_refused_with_a_message(self, filed, engineer):
        response = act(client_for(engineer), filed, "resolve", summary="done")
        assert response.status_code == 400
        assert "cannot become resolved" in response.json()["detail"]

    def test_resolving_needs_an_article_or_a_summary(self, filed, engineer):
        staff = client_for(engineer)
        act(staff, filed, "acknowledge")
        response = act(staff, filed, "resolve")
        assert response.status_code == 400
        assert "no article fits" in response.json()["detail"]

    def test_unknown_problem_code_is_a_field_error(self, filed, engineer):
        staff = client_for(engineer)
        act(staff, filed, "acknowledge")
        response = act(staff, filed, "locate", problems=["push.nope"])
        assert response.status_code == 400
        assert "push.nope" in str(response.json()["problems"])

    def test_internal_notes_are_hidden_from_the_customer(self, filed, acme, engineer):
        _, alice = acme
        act(client_for(engineer), filed, "comment", text="Edge node sg-3 is flapping",
            public=False)
        act(client_for(engineer), filed, "comment", text="We are on it.")
        seen = [e["text"] for e in client_for(alice).get(
            f"/api/v1/tickets/{filed.pk}/").json()["events"]]
        assert "We are on it." in seen
        assert "Edge node sg-3 is flapping" not in seen
        assert act(client_for(alice), filed, "comment", text="secret",
                   public=False).status_code == 403

    def test_another_organization_cannot_act_on_it(self, filed, globex):
        _, bob = globex
        assert act(client_for(bob), filed, "comment", text="hi").status_code == 404

    def test_unknown_action_is_404(self, filed, engineer):
        assert act(client_for(engineer), filed, "explode").status_code == 404


class TestStaffQueue:
    def file(self, user, **change):
        client_for(user).post("/api/v1/tickets/", {**TICKET, **change}, format="json")
        return Ticket.objects.latest("pk")

    def test_next_sla_target_due_first_with_filters(self, acme, engineer):
        _, alice = acme
        minor = self.file(alice, priority="P4", subject="Add a rendition")
        down = self.file(alice, priority="P1", subject="Stream down")
        staff = client_for(engineer)
        queue = staff.get("/api/v1/tickets/queue/").json()
        assert [t["id"] for t in queue] == [down.pk, minor.pk]
        assert queue[0]["next_due"] == queue[0]["due"]["acknowledge"]
        act(staff, down, "acknowledge")
        queue = staff.get("/api/v1/tickets/queue/").json()
        assert queue[0]["next_due"] == queue[0]["due"]["locate"]
        assert [t["id"] for t in staff.get("/api/v1/tickets/queue/",
                                           {"priority": "P4"}).json()] == [minor.pk]
        assert [t["id"] for t in staff.get("/api/v1/tickets/queue/",
                                           {"mine": "true"}).json()] == [down.pk]

    def test_closed_tickets_leave_the_queue(self, filed, engineer, acme):
        staff = client_for(engineer)
        act(staff, filed, "acknowledge")
        act(staff, filed, "resolve", summary="Opened port 1935 on the venue firewall.")
        assert staff.get("/api/v1/tickets/queue/").json() == []

    def test_customers_have_no_queue(self, acme):
        _, alice = acme
        assert client_for(alice).get("/api/v1/tickets/queue/").status_code == 403

    def test_bad_filter_is_400(self, engineer, organisation):
        response = client_for(engineer).get("/api/v1/tickets/queue/", {"priority": "P7"})
        assert response.status_code == 400
        assert "priority" in response.json()


class TestWaitingOnTheCustomer:
    def test_the_clock_stands_still_while_waiting(self, acme, engineer):
        _, alice = acme
        staff = client_for(engineer)
        start = dt.datetime(2026, 1, 13, 9, 0, tzinfo=dt.UTC)  # Tue 10:00 in Berlin
        with time_machine.travel(start, tick=False):
            client_for(alice).post("/api/v1/tickets/", TICKET, format="json")  # P2 eu
        ticket = Ticket.objects.get()
        assert ticket.locate_due == start + dt.timedelta(hours=4)
        with time_machine.travel(start + dt.timedelta(minutes=10), tick=False):
            act(staff, ticket, "acknowledge")
        with time_machine.travel(start + dt.timedelta(hours=1), tick=False):
            waiting = act(staff, ticket, "wait", text="Which encoder and version?").json()
        assert waiting["status"] == "waiting"
        # The customer answers two working hours later: locate moves by two hours.
        with time_machine.travel(start + dt.timedelta(hours=3), tick=False):
            act(client_for(alice), ticket, "comment", text="OBS 30.2 on Windows")
        ticket.refresh_from_db()
        assert ticket.status == "acknowledged"
        assert ticket.locate_due == start + dt.timedelta(hours=6)
        assert ticket.acknowledge_due == start + dt.timedelta(minutes=30)  # met, unchanged
        kinds = [e.kind for e in ticket.events.all()]
        assert kinds.count("sla") == 1

    def test_customer_reopens_when_the_fix_does_not_hold(self, filed, acme, engineer):
        _, alice = acme
        staff = client_for(engineer)
        act(staff, filed, "acknowledge")
        act(staff, filed, "resolve", summary="Port 1935 opened.")
        reopened = act(client_for(alice), filed, "reopen", text="Drops again at 21:00").json()
        assert reopened["status"] == "reopened"
        assert act(staff, filed, "acknowledge").json()["status"] == "acknowledged"

    def test_reopening_needs_a_reason_and_a_resolved_ticket(self, filed, acme):
        _, alice = acme
        assert act(client_for(alice), filed, "reopen", text="").status_code == 400
        assert act(client_for(alice), filed, "reopen", text="still broken").status_code == 400

    def test_customers_cannot_pause_the_clock(self, filed, acme):
        _, alice = acme
        assert act(client_for(alice), filed, "wait", text="hold on").status_code == 403


class TestAssignmentAndAccess:
    def test_staff_reassign_to_another_team_and_engineer_keeping_the_promise(
            self, filed, engineer, django_user_model, groups):
        colleague = django_user_model.objects.create_user("mei", is_staff=True)
        colleague.groups.add(groups["Support engineers"])
        due = filed.resolve_due
        response = act(client_for(engineer), filed, "assign", team="sea", assignee="mei")
        assert response.status_code == 200
        assert response.json()["team"] == "sea" and response.json()["assignee"] == "mei"
        filed.refresh_from_db()
        assert filed.resolve_due == due
        assert filed.events.filter(public=False, text__startswith="Reassigned").exists()

    def test_only_support_engineers_can_be_assigned(self, filed, engineer, curator):
        response = act(client_for(engineer), filed, "assign", assignee="curator")
        assert response.status_code == 400
        filed.refresh_from_db()
        assert filed.assignee is None

    def test_curators_read_tickets_but_cannot_work_them(self, filed, curator):
        assert client_for(curator).get(f"/api/v1/tickets/{filed.pk}/").status_code == 200
        assert act(client_for(curator), filed, "acknowledge").status_code == 403

    def test_the_customer_confirms_the_fix(self, filed, acme, engineer):
        staff = client_for(engineer)
        act(staff, filed, "acknowledge")
        act(staff, filed, "resolve", summary="Stream key was rotated; the new one works.")
        _, alice = acme
        assert act(client_for(alice), filed, "confirm").json()["status"] == "closed"
        filed.refresh_from_db()
        assert filed.resolution_summary.startswith("Stream key was rotated")

    def test_api_clients_authenticate_with_a_token(self, acme):
        from rest_framework.authtoken.models import Token

        _, alice = acme
        token = Token.objects.create(user=alice)
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        assert api.post("/api/v1/tickets/", TICKET, format="json").status_code == 201
        assert len(api.get("/api/v1/tickets/").json()) == 1
        api.credentials(HTTP_AUTHORIZATION="Token not-a-token")
        assert api.get("/api/v1/tickets/").status_code == 401


class TestCustomerUpdates:
    def test_a_staff_reply_the_acknowledgement_and_the_resolution_are_emailed(
            self, filed, acme, engineer, mailoutbox, django_capture_on_commit_callbacks):
        _, alice = acme
        alice.email = "alice@acme.example"
        alice.save()
        staff = client_for(engineer)
        with django_capture_on_commit_callbacks(execute=True):
            act(staff, filed, "comment", text="Which encoder version?", public=False)
            act(staff, filed, "comment", text="Please send the OBS log.")
            act(staff, filed, "acknowledge")
            act(staff, filed, "resolve", summary="New stream key issued.")
        assert [m.to for m in mailoutbox] == [["alice@acme.example"]] * 3
        reply, acknowledged, resolved = mailoutbox
        assert "Please send the OBS log." in reply.body
        assert f"/support/tickets/{filed.pk}/" in reply.body
        assert "Which encoder version?" not in reply.body + acknowledged.body + resolved.body
        assert acknowledged.subject.startswith(f"[#{filed.pk}] Support is on it")
        assert "engineer is working on your ticket" in acknowledged.body
        assert "Cause located by" in acknowledged.body
        assert resolved.subject.startswith(f"[#{filed.pk}] Resolved")
        assert filed.notifications.filter(purpose="update", status="sent").count() == 3


def test_acknowledging_a_reopened_ticket_keeps_the_first_response_time(filed, acme, engineer):
    staff = client_for(engineer)
    act(staff, filed, "acknowledge")
    act(staff, filed, "resolve", summary="Key rotated.")
    filed.refresh_from_db()
    first = filed.acknowledged_at
    act(client_for(acme[1]), filed, "reopen", text="Still refused.")
    assert act(staff, filed, "acknowledge").json()["status"] == "acknowledged"
    filed.refresh_from_db()
    assert filed.acknowledged_at == first and filed.resolved_at is None


class TestAttachmentsThroughTheApi:
    def test_logs_are_kept_decoded_and_detected(self, acme):
        import base64

        _, alice = acme
        ping = "PING 1.2.3.4 (1.2.3.4) 56(84) bytes of data.\n" + "".join(
            f"64 bytes from 1.2.3.4: icmp_seq={i} ttl=50 time=180 ms\n" for i in range(1, 6)) + (
            "\n--- 1.2.3.4 ping statistics ---\n5 packets transmitted, 5 received, "
            "0% packet loss, time 4005ms\nrtt min/avg/max/mdev = 180.0/180.0/180.0/0.0 ms\n")
        utf16 = base64.b64encode(ping.encode("utf-16")).decode()
        response = client_for(alice).post("/api/v1/tickets/", {
            **TICKET, "attachments": [{"name": "ping.txt", "content": ping},
                                      {"name": "ping-win.txt", "content_base64": utf16}],
        }, format="json")
        assert response.status_code == 201
        assert [(a["name"], a["detected"]) for a in response.json()["attachments"]] == [
            ("ping.txt", "ping"), ("ping-win.txt", "ping")]
        assert Ticket.objects.get().attachments.last().content.startswith("PING 1.2.3.4")

    def test_too_many_or_too_big_logs_are_refused_and_nothing_is_filed(self, acme):
        _, alice = acme
        six = [{"name": f"{i}.txt", "content": "x"} for i in range(6)]
        assert client_for(alice).post("/api/v1/tickets/", {**TICKET, "attachments": six},
                                      format="json").status_code == 400
        big = [{"name": "huge.log", "content": "x" * (2 * 1024 * 1024 + 1)}]
        response = client_for(alice).post("/api/v1/tickets/", {**TICKET, "attachments": big},
                                          format="json")
        assert response.status_code == 413
        assert "limited to 2 MB" in response.json()["detail"]
        assert not Ticket.objects.exists()


def test_a_customer_who_filed_in_chinese_is_written_to_in_chinese(
        acme, engineer, mailoutbox, django_capture_on_commit_callbacks):
    _, alice = acme
    alice.email = "alice@acme.example"
    alice.save()
    filed = client_for(alice).post("/api/v1/tickets/", TICKET, format="json",
                                   HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    ticket = Ticket.objects.get(pk=filed["id"])
    assert ticket.language == "zh-hans"
    with django_capture_on_commit_callbacks(execute=True):
        act(client_for(engineer), ticket, "acknowledge")
        act(client_for(engineer), ticket, "resolve", summary="已更换推流码。")
    acknowledged, message = mailoutbox
    assert acknowledged.subject.startswith(f"[#{ticket.pk}] ")
    assert message.subject.startswith(f"[#{ticket.pk}] 已解决：请确认问题是否修复")
    assert "已解决（没有合适的文章）。 已更换推流码。" in message.body


def test_listing_tickets_takes_the_same_queries_for_one_or_many(
        acme, engineer, django_assert_max_num_queries):
    _, alice = acme
    for n in range(6):
        client_for(alice).post("/api/v1/tickets/", {
            **TICKET, "subject": f"Push refused {n}",
            "attachments": [{"name": "ping.txt", "content": "PING 1.2.3.4"}]}, format="json")
    api = client_for(alice)
    with django_assert_max_num_queries(6):
        listed = api.get("/api/v1/tickets/").json()
    assert len(listed) == 6 and all(t["attachments"][0]["name"] == "ping.txt" for t in listed)
    with django_assert_max_num_queries(6):
        assert len(client_for(engineer).get("/api/v1/tickets/queue/").json()) == 6


def test_a_step_the_ticket_is_not_ready_for_is_a_documented_400(acme, schema_of_api):
    org, alice = acme
    from kb.tickets.services import ticket_create

    ticket = ticket_create(requester=alice, organization=org, subject="s", description="d",
                           priority="P3", region="eu")
    response = client_for(alice).post(f"/api/v1/tickets/{ticket.pk}/confirm/")
    assert response.status_code == 400
    assert "cannot become closed" in response.json()["detail"]
    assert "400" in schema_of_api["paths"]["/api/v1/tickets/{ticket_id}/confirm/"]["post"][
        "responses"]


@pytest.fixture
def schema_of_api(db):
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)
