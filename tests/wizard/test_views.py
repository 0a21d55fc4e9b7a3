"""The wizard through its pages: plain form posts (no JavaScript) and htmx."""

import datetime as dt
import uuid

import pytest
from django.core import mail
from django.utils import timezone

from kb.tickets.models import Ticket
from kb.wizard.models import Flow, WizardAttachment, WizardSession
from tests.wizard.conftest import SAMPLES

pytestmark = pytest.mark.django_db

MTR_LAST_MILE = (SAMPLES / "linux-mtr-report-lastmile.txt").read_text()


def start(client, slug: str) -> WizardSession:
    response = client.post("/wizard/", {"flow": slug})
    assert response.status_code == 302
    return WizardSession.objects.get(id=response["Location"].split("/")[-2])


def answer(client, session, expect=302, **data):
    session.refresh_from_db()
    data.setdefault("step", session.current_step)
    response = client.post(f"/wizard/s/{session.id}/", data)
    assert response.status_code == expect, response.content.decode()[:3000]
    session.refresh_from_db()
    return response


class TestStart:
    def test_the_first_question_is_whether_a_stream_is_down(self, client, site_content):
        page = client.get("/wizard/").content.decode()
        assert "Is a live stream down right now?" in page
        assert 'name="stream_down" value="yes"' in page

    def test_no_lists_the_flows_of_every_area(self, client, site_content):
        response = client.post("/wizard/", {"stream_down": "no"})
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
        for slug in ("push-cannot-publish", "network-stutter", "encoder-quality",
                     "playback-viewers", "operations-platform"):
            assert f'value="{slug}"' in page
        assert 'value="stream-down"' not in page

    def test_yes_starts_the_emergency_path_at_the_stream_id(self, client, site_content):
        response = client.post("/wizard/", {"stream_down": "yes"})
        session = WizardSession.objects.get()
        assert response["Location"] == f"/wizard/s/{session.id}/"
        assert session.flow.emergency and session.current_step == "stream-id"

    @pytest.mark.parametrize("data", [{}, {"stream_down": "maybe"}, {"flow": "no-such-flow"},
                                      {"flow": "stream-down"}])
    def test_a_bad_start_is_refused_with_a_message(self, client, site_content, data):
        response = client.post("/wizard/", data)
        assert response.status_code == 400
        assert 'role="alert"' in response.content.decode()
        assert not WizardSession.objects.exists()

    def test_home_and_navigation_link_to_the_wizard(self, client, site_content):
        page = client.get("/").content.decode()
        assert "Something wrong? Start the guided diagnosis" in page
        assert 'href="/wizard/">Wizard</a>' in page


class TestConfigurationFix:
    def test_already_publishing_reaches_its_fix_in_two_clicks_and_is_resolved(
            self, client, site_content):
        session = start(client, "push-cannot-publish")
        answer(client, session, choice="rtmp")
        answer(client, session, choice="already-publishing")
        assert session.current_step == "fixes"
        page = client.get(f"/wizard/s/{session.id}/").content.decode()
        assert "Push rejected: stream is already being published" in page
        assert "Did this fix it?" in page
        assert "A second encoder or a stale session" in page  # why it is suggested
        answer(client, session, fixed="yes")
        assert session.outcome == "resolved"
        assert session.resolved_article.slug == "push-already-publishing"
        assert "Glad it is fixed" in client.get(f"/wizard/s/{session.id}/").content.decode()

    def test_no_offers_the_next_fix_then_escalation(self, client, site_content):
        session = start(client, "operations-platform")
        answer(client, session, choice="callback")
        answer(client, session, text="stream match-01 at 20:00")
        first = session.candidates["fixes"][0]["article"]
        assert first == "callback-not-received"
        answer(client, session, fixed="no")
        assert session.current_step == "fixes"
        for _ in range(len(session.candidates["fixes"]) - 1):
            answer(client, session, fixed="no")
        assert session.current_step == "region"  # the ticket's region, asked once
        answer(client, session, choice="eu")
        assert session.current_step == "ticket"


class TestPastedDiagnostics:
    def test_pasted_mtr_is_read_and_its_fix_comes_first_with_the_reason(
            self, client, site_content):
        session = start(client, "network-stutter")
        answer(client, session, choice="test")
        answer(client, session, choice="always")
        answer(client, session, choice="rtmp")
        answer(client, session, text=MTR_LAST_MILE)
        assert session.current_step == "findings"
        attachment = WizardAttachment.objects.get(session=session)
        assert attachment.detected == "mtr"
        page = client.get(f"/wizard/s/{session.id}/").content.decode()
        assert "192.168.50.1" in page  # the evidence line, shown as text
        answer(client, session)
        top = session.candidates["fixes"][0]
        assert top["article"] == "packet-loss-last-mile"
        assert top["confidence"] >= 0.8 and top["reason"]

    def test_a_ping_whose_name_did_not_resolve_puts_the_dns_fix_first(
            self, client, site_content):
        # "Cannot connect": the customer pastes a ping instead of a log.
        session = start(client, "push-cannot-publish")
        answer(client, session, choice="rtmp")
        answer(client, session, choice="cannot-connect")
        answer(client, session, text=(SAMPLES / "windows-ping-name-unresolved.txt").read_text())
        assert WizardAttachment.objects.get(session=session).detected == "ping"
        page = client.get(f"/wizard/s/{session.id}/").content.decode()
        assert "www.lego.com did not resolve to an address" in page
        answer(client, session)
        assert session.candidates["fixes"][0]["article"] == "dns-resolution-failure"

    def test_a_port_test_that_timed_out_puts_the_cannot_connect_fix_first(
            self, client, site_content):
        # "Cannot connect": the customer pastes the port test the article asks for.
        session = start(client, "push-cannot-publish")
        answer(client, session, choice="rtmp")
        answer(client, session, choice="cannot-connect")
        answer(client, session,
               text=(SAMPLES / "linux-nc-timed-out-ipv6-unreachable.txt").read_text())
        page = client.get(f"/wizard/s/{session.id}/").content.decode()
        assert "google.com (142.250.185.78) TCP 443: no answer before the test gave up" in page
        assert "Not recognised" not in page
        answer(client, session)
        assert session.candidates["fixes"][0]["article"] == "push-connection-refused"

    def test_a_curl_of_the_playback_url_that_answered_404_puts_the_404_fix_first(
            self, client, site_content):
        # The viewer chose "buffering"; the status curl printed outweighs it.
        session = start(client, "playback-viewers")
        answer(client, session, choice="buffering")
        answer(client, session, choice="some")
        answer(client, session,
               text=(SAMPLES / "curl-i-hls-not-found-then-ok.txt").read_text())
        page = client.get(f"/wizard/s/{session.id}/").content.decode()
        assert "https://localhost:4443/sp/h264_master.m3u8 answered HTTP 404" in page
        answer(client, session)
        assert session.candidates["fixes"][0]["article"] == "playback-404-not-found"

    def test_an_uploaded_file_counts_like_a_paste(self, client, site_content):
        from django.core.files.uploadedfile import SimpleUploadedFile

        session = start(client, "network-stutter")
        for choice in ("test", "always", "rtmp"):
            answer(client, session, choice=choice)
        upload = SimpleUploadedFile("tracert.txt",
                                    (SAMPLES / "windows-tracert-zh-utf16.txt").read_bytes())
        answer(client, session, file=upload)
        assert WizardAttachment.objects.get(session=session).detected == "tracert"


class TestBadInput:
    def test_unknown_choice_is_refused_and_the_step_stays(self, client, site_content):
        session = start(client, "push-cannot-publish")
        response = answer(client, session, expect=400, choice="ftp")
        assert "Choose one of the answers offered." in response.content.decode()
        assert session.current_step == "protocol" and session.entries == []

    def test_an_oversize_paste_is_refused_with_the_limit(self, client, site_content):
        session = start(client, "network-stutter")
        for choice in ("test", "always", "rtmp"):
            answer(client, session, choice=choice)
        response = answer(client, session, expect=413, text="x" * (2 * 1024 * 1024 + 1))
        assert "the limit is 2 MB" in response.content.decode()
        assert not WizardAttachment.objects.exists()

    def test_six_attachments_are_refused(self, client, site_content):
        from django.core.files.uploadedfile import SimpleUploadedFile

        session = start(client, "network-stutter")
        for choice in ("test", "always", "rtmp"):
            answer(client, session, choice=choice)
        files = [SimpleUploadedFile(f"ping{i}.txt", b"PING example.com") for i in range(6)]
        response = answer(client, session, expect=400, file=files)
        assert "At most 5" in response.content.decode()
        assert not WizardAttachment.objects.exists()

    def test_a_binary_file_is_refused(self, client, site_content):
        from django.core.files.uploadedfile import SimpleUploadedFile

        session = start(client, "network-stutter")
        for choice in ("test", "always", "rtmp"):
            answer(client, session, choice=choice)
        response = answer(client, session, expect=400,
                          file=SimpleUploadedFile("x.png", b"\x89PNG\x00\x00\x01\x02" * 10))
        assert "not a text file" in response.content.decode()

    def test_an_empty_paste_without_skip_is_refused(self, client, site_content):
        session = start(client, "network-stutter")
        for choice in ("test", "always", "rtmp"):
            answer(client, session, choice=choice)
        response = answer(client, session, expect=400, text="   ")
        assert "Paste the output" in response.content.decode()

    def test_unknown_session_is_404(self, client, site_content):
        assert client.get(f"/wizard/s/{uuid.uuid4()}/").status_code == 404
        assert client.post(f"/wizard/s/{uuid.uuid4()}/", {"choice": "x"}).status_code == 404
        assert client.get("/wizard/s/not-a-uuid/").status_code == 404

    def test_an_answer_for_another_step_is_refused(self, client, site_content):
        session = start(client, "push-cannot-publish")
        response = answer(client, session, expect=409, step="symptom",
                          choice="already-publishing")
        assert "no longer on" in response.content.decode()
        assert session.current_step == "protocol"

    def test_did_it_fix_it_needs_yes_or_no(self, client, site_content):
        session = start(client, "push-cannot-publish")
        answer(client, session, choice="rtmp")
        answer(client, session, choice="already-publishing")
        answer(client, session, expect=400, fixed="maybe")
        assert session.outcome == "open"

    def test_a_too_long_description_and_a_multiline_stream_id_are_refused(
            self, client, site_content):
        session = start(client, "operations-platform")
        answer(client, session, choice="recording")
        response = answer(client, session, expect=400, text="x" * 4001)
        assert "under 4000 characters" in response.content.decode()
        emergency = WizardSession.objects.get(
            id=client.post("/wizard/", {"stream_down": "yes"})["Location"].split("/")[-2])
        answer(client, emergency, expect=400, text="")
        answer(client, emergency, expect=400, text="a\nb")
        answer(client, emergency, expect=400, text="s" * 201)
        assert emergency.current_step == "stream-id"

    def test_an_unknown_action_is_refused(self, client, site_content):
        session = start(client, "push-cannot-publish")
        assert answer(client, session, expect=400, action="teleport").status_code == 400

    def test_user_text_is_shown_as_text_never_as_html(self, client, site_content):
        session = start(client, "operations-platform")
        answer(client, session, choice="recording")
        answer(client, session, text="<script>alert(1)</script>")
        page = client.get(f"/wizard/s/{session.id}/").content.decode()
        assert "<script>alert(1)" not in page


class TestSessionKeeping:
    def test_a_session_is_resumed_from_its_url_in_another_browser(self, client, site_content):
        from django.test import Client

        session = start(client, "push-cannot-publish")
        answer(client, session, choice="srt")
        page = Client().get(f"/wizard/s/{session.id}/").content.decode()
        assert "What does the encoder say?" in page
        assert "Step 2 of about" in page

    def test_back_undoes_the_last_answer_and_its_paste(self, client, site_content):
        session = start(client, "network-stutter")
        for choice in ("live-degraded", "always", "rtmp"):
            answer(client, session, choice=choice)
        answer(client, session, text=MTR_LAST_MILE)
        assert WizardAttachment.objects.filter(session=session).count() == 1
        answer(client, session, action="back")
        assert session.current_step == "mtr"
        assert not WizardAttachment.objects.filter(session=session).exists()
        answer(client, session, action="back")
        answer(client, session, action="back")
        assert session.current_step == "when"
        answer(client, session, choice="evening")
        assert [e["choice"] for e in session.entries] == ["live-degraded", "evening"]

    def test_back_on_the_first_step_is_refused(self, client, site_content):
        session = start(client, "push-cannot-publish")
        answer(client, session, expect=400, action="back")

    def test_start_over_clears_the_answers(self, client, site_content):
        session = start(client, "push-cannot-publish")
        answer(client, session, choice="rtmp")
        answer(client, session, action="restart")
        assert session.current_step == "protocol" and session.entries == []

    def test_htmx_gets_only_the_step_box(self, client, site_content):
        session = start(client, "push-cannot-publish")
        response = client.post(f"/wizard/s/{session.id}/",
                               {"step": "protocol", "choice": "rtmp"}, HTTP_HX_REQUEST="true")
        body = response.content.decode()
        assert response.status_code == 200
        assert body.startswith('<div id="wizard-step"') and "<html" not in body
        assert "What does the encoder say?" in body
        bad = client.post(f"/wizard/s/{session.id}/", {"step": "symptom", "choice": "zzz"},
                          HTTP_HX_REQUEST="true")
        assert bad.status_code == 400 and 'role="alert"' in bad.content.decode()

    def test_an_ended_session_takes_no_more_answers(self, client, site_content):
        session = start(client, "push-cannot-publish")
        answer(client, session, choice="rtmp")
        answer(client, session, choice="already-publishing")
        answer(client, session, fixed="yes")
        answer(client, session, expect=409, fixed="yes")
        answer(client, session, expect=409, action="back")


class TestEscalation:
    def _to_ticket_step(self, client, slug="operations-platform"):
        session = start(client, slug)
        answer(client, session, choice="quota")
        answer(client, session, choice="throttled")
        answer(client, session, text="Stream match-01 throttled at 20:00 China time")
        while session.current_step == "fixes":
            answer(client, session, fixed="no")
        answer(client, session, choice="eu")
        assert session.current_step == "ticket"
        return session

    def test_anonymous_customer_signs_in_and_comes_back_with_nothing_lost(
            self, client, member, team_lead):
        session = self._to_ticket_step(client)
        response = answer(client, session, action="escalate", region="eu",
                          stream_id="match-01", note="Urgent before Friday")
        assert response["Location"] == f"/accounts/login/?next=%2Fwizard%2Fs%2F{session.id}%2F"
        assert not Ticket.objects.exists()
        login = client.post("/accounts/login/", {"username": "mei", "password": "pw-mei-12345",
                                                 "next": f"/wizard/s/{session.id}/"})
        assert login["Location"] == f"/wizard/s/{session.id}/"
        page = client.get(login["Location"]).content.decode()
        assert "Urgent before Friday" in page and 'value="match-01"' in page
        assert '<option value="eu" selected>' in page
        answer(client, session, action="escalate", region="eu", stream_id="match-01",
               note="Urgent before Friday")
        ticket = Ticket.objects.get()
        assert session.outcome == "escalated" and session.ticket == ticket
        assert ticket.priority == "P2"  # the quota answer says viewers are throttled now
        assert ticket.region == "eu" and ticket.stream_id == "match-01"
        assert ticket.subject.startswith("Platform problem")
        assert "Urgent before Friday" in ticket.description
        assert "Which stream, and when?" in ticket.description
        assert "Fix offered: Quota reached" in ticket.description
        assert "did it fix it? no" in ticket.description
        assert "ops.quota-exceeded" in set(ticket.problems.values_list("code", flat=True))
        assert list(ticket.wizard_sessions.all()) == [session]

    def test_pastes_and_findings_go_with_the_ticket(self, client, member, team_lead):
        client.force_login(member)
        session = start(client, "network-stutter")
        for choice in ("live-degraded", "always", "rtmp"):
            answer(client, session, choice=choice)
        answer(client, session, text=MTR_LAST_MILE)
        answer(client, session)
        while session.current_step == "fixes":
            answer(client, session, fixed="no")
        answer(client, session, choice="cn")
        page = client.get(f"/wizard/s/{session.id}/").content.decode()
        assert "P2" in page and "Packet loss on the first hops" in page
        answer(client, session, action="escalate", region="cn", stream_id="", note="")
        ticket = Ticket.objects.get()
        assert ticket.priority == "P2" and ticket.region == "cn"
        assert [a.detected for a in ticket.attachments.all()] == ["mtr"]
        assert "192.168.50.1" in ticket.description  # evidence line of the finding
        assert "net.loss-last-mile" in set(ticket.problems.values_list("code", flat=True))

    def test_staff_see_the_transcript_on_the_ticket_page(self, client, member, team_lead,
                                                         django_user_model):
        client.force_login(member)
        session = self._to_ticket_step(client)
        answer(client, session, action="escalate", region="eu", stream_id="match-01", note="")
        ticket = Ticket.objects.get()
        page = client.get(f"/wizard/s/{session.id}/").content.decode()
        assert f'href="/support/tickets/{ticket.pk}/"' in page
        engineer = django_user_model.objects.create_user("wei", is_staff=True)
        client.force_login(engineer)
        page = client.get(f"/support/tickets/{ticket.pk}/").content.decode()
        assert 'class="transcript"' in page and "Guided diagnosis" in page

    def test_a_bad_region_is_refused(self, client, member):
        client.force_login(member)
        session = self._to_ticket_step(client)
        response = answer(client, session, expect=400, action="escalate", region="mars")
        assert "Choose the region" in response.content.decode()
        assert not Ticket.objects.exists()

    def test_a_customer_without_organization_is_told_why(self, client, django_user_model,
                                                          site_content):
        loner = django_user_model.objects.create_user("solo", password="pw-solo")
        client.force_login(loner)
        session = self._to_ticket_step(client)
        assert "not a member of a customer organization" in client.get(
            f"/wizard/s/{session.id}/").content.decode()
        answer(client, session, expect=403, action="escalate", region="eu")
        assert not Ticket.objects.exists()

    def test_stream_down_is_a_p1_that_pages_the_on_call_engineer(
            self, client, member, team_lead, django_capture_on_commit_callbacks):
        client.force_login(member)
        session = WizardSession.objects.get(
            id=client.post("/wizard/", {"stream_down": "yes"})["Location"].split("/")[-2])
        answer(client, session, text="match-01")
        answer(client, session, choice="sea")
        answer(client, session, choice="same")
        page = client.get(f"/wizard/s/{session.id}/").content.decode()
        assert "File the P1 ticket and page the on-call engineer" in page
        assert "Fast checks that often fix it" in page
        with django_capture_on_commit_callbacks(execute=True):
            answer(client, session, action="escalate", region="sea", stream_id="match-01")
        ticket = Ticket.objects.get()
        assert (ticket.priority, ticket.region, ticket.stream_id) == ("P1", "sea", "match-01")
        assert ticket.assignee == team_lead
        assert any("[P1]" in m.subject for m in mail.outbox)
        page = client.get(f"/wizard/s/{session.id}/").content.decode()
        # Says who was really reached (the e-mail went out), never a blanket "paged".
        assert "has been paged" not in page
        assert "Paged for you:" in page and "lead" in page
        assert 'data-testid="emergency-phone"' in page
        assert "Fast checks that often fix it" in page


class TestStats:
    def test_only_staff_see_the_statistics(self, client, member, site_content):
        assert client.get("/wizard/stats/")["Location"].startswith("/accounts/login/")
        client.force_login(member)
        assert client.get("/wizard/stats/").status_code == 404

    def test_outcomes_are_counted_per_version_and_step(self, client, member, django_user_model,
                                                       team_lead):
        client.force_login(member)
        resolved = start(client, "push-cannot-publish")
        answer(client, resolved, choice="rtmp")
        answer(client, resolved, choice="already-publishing")
        answer(client, resolved, fixed="yes")
        after_fix = start(client, "push-cannot-publish")
        answer(client, after_fix, choice="rtmp")
        answer(client, after_fix, choice="key-rejected")
        plain = start(client, "push-cannot-publish")
        start(client, "push-cannot-publish")  # still in progress
        old = timezone.now() - dt.timedelta(hours=25)
        WizardSession.objects.filter(pk__in=[after_fix.pk, plain.pk]).update(
            last_activity_at=old)
        escalated = TestEscalation()._to_ticket_step(client)
        answer(client, escalated, action="escalate", region="eu")

        staff = django_user_model.objects.create_user("lead2", password="x", is_staff=True)
        client.force_login(staff)
        page = client.get("/wizard/stats/")
        assert page.status_code == 200
        rows = {row["version"].flow.slug: row for row in page.context["stats"]}
        push = rows["push-cannot-publish"]
        assert (push["started"], push["resolved"], push["probably_resolved"],
                push["abandoned"], push["in_progress"]) == (4, 1, 1, 1, 1)
        assert push["resolved_by"] == [("push-already-publishing", 1)]
        assert push["deflection"] == pytest.approx(1 / 3)
        steps = {s["id"]: s for s in push["steps"]}
        assert steps["protocol"]["reached"] == 4 and steps["protocol"]["abandoned"] == 1
        assert steps["fixes"]["probably_resolved"] == 1 and steps["fixes"]["resolved"] == 1
        ops = rows["operations-platform"]
        assert (ops["escalated"], ops["deflection"]) == (1, 0)
        assert page.context["deflection"] == pytest.approx(1 / 4)


def test_the_transcript_partial_shows_questions_answers_and_fixes(client, site_content):
    from django.template.loader import render_to_string

    session = start(client, "push-cannot-publish")
    answer(client, session, choice="rtmp")
    answer(client, session, choice="cannot-connect")
    answer(client, session, text=(SAMPLES / "ffmpeg-push-connection-refused.txt").read_text())
    answer(client, session)
    answer(client, session, fixed="no")
    html = render_to_string("wizard/_transcript.html", {"session": session})
    assert "Which protocol does the encoder push with?" in html and "RTMP" in html
    assert "Pasted" in html and "ffmpeg" in html
    assert "Connection refused" in html or "connection refused" in html.lower()
    assert "Fix offered" in html and "<strong>No</strong>" in html


def test_a_flow_must_be_published_before_a_session_can_start(site_content, db):
    from kb.core.exceptions import ApplicationError
    from kb.wizard.services import session_start

    flow = Flow.objects.create(slug="unpublished", title_en="x", title_zh="x", draft="")
    with pytest.raises(ApplicationError):
        session_start(flow=flow, language="en")


def test_a_chinese_reader_gets_the_flow_and_the_fix_in_chinese(client, site_content):
    client.cookies["django_language"] = "zh-hans"
    page = client.get("/wizard/").content.decode()
    assert "现在是否有直播中断？" in page
    session = WizardSession.objects.get(
        id=client.post("/wizard/", {"flow": "push-cannot-publish"})["Location"].split("/")[-2])
    assert session.language == "zh-hans"
    answer(client, session, choice="rtmp")
    page = client.get(f"/wizard/s/{session.id}/").content.decode()
    assert "编码器报什么错？" in page and "第 2 步" in page
    answer(client, session, choice="already-publishing")
    page = client.get(f"/wizard/s/{session.id}/").content.decode()
    assert "问题解决了吗？" in page and "另一个推流端或残留会话" in page
    assert 'lang="zh-hans"' in page  # the fix is shown in Chinese
    response = answer(client, session, expect=400, fixed="也许")
    assert "请用“是”或“否”回答" in response.content.decode()


def test_the_busiest_step_page_keeps_its_query_count(client, site_content,
                                                     django_assert_max_num_queries):
    session = start(client, "network-stutter")
    for choice in ("live-degraded", "always", "rtmp"):
        answer(client, session, choice=choice)
    answer(client, session, text=MTR_LAST_MILE)
    answer(client, session)
    answer(client, session, fixed="no")
    with django_assert_max_num_queries(20):
        page = client.get(f"/wizard/s/{session.id}/")
    assert page.status_code == 200


class TestWhatWorkedBefore:
    def test_a_fix_that_worked_is_counted_by_the_learning_loop(self, client, site_content):
        from kb.learning.models import ArticleEffectiveness

        session = start(client, "push-cannot-publish")
        answer(client, session, choice="rtmp")
        answer(client, session, choice="already-publishing")
        answer(client, session, fixed="yes")
        counted = ArticleEffectiveness.objects.get(article=session.resolved_article,
                                                   problem_code="")
        assert counted.wizard_fixes == 1

    def test_fixes_that_worked_before_move_up_among_equally_likely_ones(self, site_content):
        from kb.articles.models import Article
        from kb.learning.effectiveness import effectiveness_record_wizard_fix
        from kb.wizard.ranking import fix_candidates

        # Two fixes the diagnosis knows nothing about: the flow's order decides...
        step = {"id": "fixes", "kind": "fix", "fixes": [
            {"article": "push-already-publishing", "why": {}},
            {"article": "push-connection-refused", "why": {}}]}
        session = WizardSession(diagnosis={"suggestions": []})
        first, second = [c["article"] for c in fix_candidates(session, step)]
        assert (first, second) == ("push-already-publishing", "push-connection-refused")
        # ...until the second one has fixed problems for other customers.
        article = Article.objects.get(slug=second, language="en")
        for n in range(5):
            effectiveness_record_wizard_fix(article=article, session_ref=f"earlier-{n}")
        assert [c["article"] for c in fix_candidates(session, step)] == [second, first]
