import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kb.search.models import SearchQuery
from kb.tickets.models import OnCallShift, Team, Ticket
from kb.tickets.services import ticket_create
from tests.clock import CN_WORKING_HOURS, SATURDAY_NIGHT
from tests.search.conftest import kb_articles  # noqa: F401 - shared fixture

SAMPLES = Path(__file__).resolve().parents[1] / "diagnostics" / "samples"


def sample_bytes(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


pytestmark = pytest.mark.django_db

FORM = {"subject": "OBS: Failed to connect to server", "description": "Since 10:00 UTC.",
        "priority": "P3", "region": "eu", "stream_id": "live/acme", "protocol": "rtmp",
        "role": "publisher", "pasted_log": ""}


def file_ticket(org, user, **changes) -> Ticket:
    data = {key: FORM[key] for key in ("subject", "description", "priority", "region",
                                        "stream_id")}
    return ticket_create(requester=user, organization=org, **{**data, **changes})


@pytest.fixture
def alice_client(client, acme):
    client.force_login(acme[1])
    return client


class TestFilingInThePortal:
    def test_sign_in_is_needed(self, client, organisation):
        response = client.get("/support/tickets/new/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=/support/tickets/new/")

    def test_the_form_shows_the_promised_times_before_filing(self, alice_client, time_machine):
        time_machine.move_to(CN_WORKING_HOURS, tick=False)
        page = alice_client.get("/support/tickets/new/").content.decode()
        assert "Goes to the" in page and "Acknowledged by" in page
        preview = alice_client.get("/support/tickets/new/preview/",
                                   {"priority": "P1", "region": "cn"}).content.decode()
        assert "Goes to the China team" in preview

    def test_a_preview_for_nonsense_says_what_to_choose(self, alice_client):
        preview = alice_client.get("/support/tickets/new/preview/",
                                   {"priority": "P9", "region": "moon"})
        assert preview.status_code == 200
        assert "Choose a priority and a region" in preview.content.decode()

    def test_filing_with_a_pasted_log_and_a_file_keeps_both_parsed(self, alice_client):
        upload = SimpleUploadedFile("ping.txt", sample_bytes("linux-ping-lossy.txt"))
        response = alice_client.post("/support/tickets/new/", {
            **FORM, "pasted_log": sample_bytes("linux-mtr-report-lastmile.txt").decode(),
            "logs": [upload],
        })
        ticket = Ticket.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/support/tickets/{ticket.pk}/"
        assert [(a.name, a.detected) for a in ticket.attachments.all()] == [
            ("pasted.txt", "mtr"), ("ping.txt", "ping")]
        page = alice_client.get(response["Location"]).content.decode()
        assert "ping.txt" in page and "Attached logs" in page

    @pytest.mark.parametrize("change, message", [
        ({"subject": ""}, "This field is required"),
        ({"priority": "P0"}, "Select a valid choice"),
        ({"region": "moon"}, "Select a valid choice"),
        ({"priority": "P1", "stream_id": ""}, "give its stream or line ID"),
        ({"description": "x" * 20_001}, "at most 20000 characters"),
    ])
    def test_bad_input_is_400_with_the_reason_and_nothing_is_filed(self, alice_client, change,
                                                                  message):
        response = alice_client.post("/support/tickets/new/", {**FORM, **change})
        assert response.status_code == 400
        assert message in response.content.decode()
        assert not Ticket.objects.exists()

    def test_a_binary_file_is_refused_and_the_form_kept(self, alice_client):
        upload = SimpleUploadedFile("capture.pcap", b"\xd4\xc3\xb2\xa1\x00\x00\x00" * 50)
        response = alice_client.post("/support/tickets/new/", {**FORM, "logs": [upload]})
        assert response.status_code == 400
        page = response.content.decode()
        assert "is not a text file" in page
        assert FORM["subject"] in page  # what the customer typed is still there
        assert not Ticket.objects.exists()

    def test_more_than_five_files_are_refused(self, alice_client):
        uploads = [SimpleUploadedFile(f"log{i}.txt", b"ping") for i in range(6)]
        response = alice_client.post("/support/tickets/new/", {**FORM, "logs": uploads})
        assert response.status_code == 400
        assert "at most 5 files" in response.content.decode()

    def test_the_subject_suggests_fixes_while_typing(self, alice_client, kb_articles,  # noqa: F811
                                                     build_index):
        build_index()
        page = alice_client.get("/support/tickets/new/suggest/",
                                {"subject": "failed to connect"}).content.decode()
        assert "/kb/en/push-connection-refused/" in page
        assert "/kb/en/viewers-buffering/" not in page
        assert "<li>" not in alice_client.get("/support/tickets/new/suggest/",
                                              {"subject": "ob"}).content.decode()
        # Typing is not searching: nothing lands in the search log.
        assert not SearchQuery.objects.exists()

    def test_a_user_without_organization_is_told_why(self, client, django_user_model,
                                                     organisation):
        client.force_login(django_user_model.objects.create_user("loner"))
        response = client.get("/support/tickets/new/")
        assert response.status_code == 403
        assert "belongs to no organization" in response.content.decode()


class TestFollowingATicket:
    def test_another_organizations_ticket_is_404_everywhere(self, client, acme, globex):
        ticket = file_ticket(*acme)
        client.force_login(globex[1])
        assert client.get(f"/support/tickets/{ticket.pk}/").status_code == 404
        assert client.post(f"/support/tickets/{ticket.pk}/reply/",
                           {"text": "hi"}).status_code == 404
        assert ticket.pk not in [t.pk for t in client.get("/support/tickets/")
                                 .context["page"].object_list]

    def test_reply_lands_on_the_timeline_and_html_stays_text(self, alice_client, acme):
        ticket = file_ticket(*acme)
        response = alice_client.post(f"/support/tickets/{ticket.pk}/reply/",
                                     {"text": "<script>alert(1)</script> still down"},
                                     follow=True)
        page = response.content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt; still down" in page
        assert "<script>alert(1)</script>" not in page

    def test_an_empty_reply_is_400(self, alice_client, acme):
        ticket = file_ticket(*acme)
        response = alice_client.post(f"/support/tickets/{ticket.pk}/reply/", {"text": "  "})
        assert response.status_code == 400
        assert ticket.events.count() == 1

    def test_customers_do_not_see_internal_notes_or_staff_actions(self, client, acme,
                                                                  engineer):
        ticket = file_ticket(*acme)
        client.force_login(engineer)
        client.post(f"/support/tickets/{ticket.pk}/reply/",
                    {"text": "customer seems to use an old key", "internal": "on"})
        client.force_login(acme[1])
        page = client.get(f"/support/tickets/{ticket.pk}/").content.decode()
        assert "old key" not in page
        assert f"/support/tickets/{ticket.pk}/acknowledge/" not in page
        assert client.post(f"/support/tickets/{ticket.pk}/acknowledge/").status_code == 404

    def test_customer_confirms_or_reopens_a_resolved_ticket(self, client, acme, engineer):
        ticket = file_ticket(*acme)
        client.force_login(engineer)
        client.post(f"/support/tickets/{ticket.pk}/acknowledge/")
        client.post(f"/support/tickets/{ticket.pk}/resolve/", {"summary": "Key rotated."})
        client.force_login(acme[1])
        page = client.get(f"/support/tickets/{ticket.pk}/").content.decode()
        assert "Yes, it is fixed" in page
        assert client.post(f"/support/tickets/{ticket.pk}/reopen/",
                           {"text": ""}).status_code == 400
        client.post(f"/support/tickets/{ticket.pk}/reopen/", {"text": "dropped again"})
        ticket.refresh_from_db()
        assert ticket.status == "reopened"

    def test_p1_shows_who_is_on_it_and_the_promised_times(self, client, acme, engineer,
                                                          time_machine):
        time_machine.move_to(SATURDAY_NIGHT, tick=False)
        for team in Team.objects.all():
            OnCallShift.objects.create(team=team, engineer=engineer,
                                       starts_at=SATURDAY_NIGHT - dt.timedelta(days=1),
                                       ends_at=SATURDAY_NIGHT + dt.timedelta(days=1))
        ticket = file_ticket(*acme, priority="P1")
        client.force_login(acme[1])
        page = client.get(f"/support/tickets/{ticket.pk}/").content.decode()
        assert "engineer" in page and "on call" in page
        assert "Promised: acknowledged by" in page


class TestStaffPages:
    def test_queue_is_for_staff_only(self, client, acme):
        client.force_login(acme[1])
        assert client.get("/support/tickets/queue/").status_code == 404

    def test_queue_lists_the_next_target_first_and_filters(self, client, acme, engineer):
        slow = file_ticket(*acme, priority="P4", subject="Invoice question")
        urgent = file_ticket(*acme, priority="P1", subject="Stream down")
        client.force_login(engineer)
        page = client.get("/support/tickets/queue/")
        assert [t.pk for t in page.context["page"].object_list] == [urgent.pk, slow.pk]
        filtered = client.get("/support/tickets/queue/", {"priority": "P4"})
        assert [t.pk for t in filtered.context["page"].object_list] == [slow.pk]
        assert client.get("/support/tickets/queue/", {"priority": "P9"}).status_code == 400

    def test_engineer_works_a_ticket_from_new_to_resolved(self, client, acme, engineer,
                                                          problems):
        ticket = file_ticket(*acme, attachments=[("ping.txt",
                                                  sample_bytes("linux-ping-lossy.txt"))])
        client.force_login(engineer)
        page = client.get(f"/support/tickets/{ticket.pk}/").content.decode()
        assert "What the logs and description say" in page
        client.post(f"/support/tickets/{ticket.pk}/acknowledge/")
        assert client.post(f"/support/tickets/{ticket.pk}/locate/",
                           {"problems": ["no.such-code"]}).status_code == 400
        client.post(f"/support/tickets/{ticket.pk}/locate/",
                    {"problems": ["net.loss-last-mile"]})
        assert client.post(f"/support/tickets/{ticket.pk}/resolve/", {}).status_code == 400
        client.post(f"/support/tickets/{ticket.pk}/resolve/",
                    {"summary": "Route changed upstream; loss is gone."})
        ticket.refresh_from_db()
        assert ticket.status == "resolved"
        assert [p.code for p in ticket.problems.all()] == ["net.loss-last-mile"]

    def test_a_refused_transition_is_shown_not_a_500(self, client, acme, engineer):
        ticket = file_ticket(*acme)
        client.force_login(engineer)
        response = client.post(f"/support/tickets/{ticket.pk}/close/")
        assert response.status_code == 400
        assert "cannot become closed" in response.content.decode()


def test_the_timeline_reads_in_the_viewers_language(client, acme, engineer, settings):
    ticket = file_ticket(*acme)
    client.force_login(engineer)
    client.post(f"/support/tickets/{ticket.pk}/acknowledge/")
    client.force_login(acme[1])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get(f"/support/tickets/{ticket.pk}/").content.decode()
    # The team by its name in the reader's language, not its code.
    assert f"已分派给{ticket.team.name_zh}团队。" in page and "engineer 已受理。" in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/support/tickets/{ticket.pk}/").content.decode()
    assert "Acknowledged by engineer." in page
    assert f"Routed to the {ticket.team.name} team." in page


def test_staff_pick_teams_by_their_name_in_the_reader_s_language(client, acme, engineer,
                                                                 settings):
    ticket = file_ticket(*acme)
    client.force_login(engineer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    for url in (f"/support/tickets/{ticket.pk}/", "/support/tickets/queue/"):
        page = client.get(url).content.decode()
        assert f">{ticket.team.name_zh} ({ticket.team.code})</option>" in page, url
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/support/tickets/queue/").content.decode()
    assert f">{ticket.team.name} ({ticket.team.code})</option>" in page
    # The queue's rows name the region and the team too.
    assert f"<td>{ticket.get_region_display()}</td>" in page
    assert f"<td>{ticket.team.name}</td>" in page
