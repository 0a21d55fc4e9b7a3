"""The launch flows agree with the articles: where a fix's "When to escalate"
says P1, the flow reaches P1; the answers that should change the path do;
the emergency path asks for both sides of a stream; every problem code with a
published fix can be reached."""

import re

import pytest
from django.core import mail

from kb.tickets.models import Ticket
from kb.wizard.models import Flow
from kb.wizard.services import session_answer, session_start
from tests.wizard.conftest import FIXTURES
from tests.wizard.walk import flow_definitions, walk_once

pytestmark = pytest.mark.django_db

DEFINITIONS = flow_definitions()
REGIONS = {"na", "eu", "sea", "cn", "latam", "mea"}


def article_escalation(slug: str) -> str:
    """The English "When to escalate" section of a fix."""
    path = next((FIXTURES / "articles").glob(f"*/{slug}.en.md"))
    return path.read_text(encoding="utf-8").split("## When to escalate", 1)[1]


def walk(client, user, flow_slug: str, answers: dict[str, str]) -> Ticket:
    """Walk a flow through its pages giving ``answers`` (step -> choice) and
    the walker's choice elsewhere, declining every fix; it must end in a ticket."""
    flow = Flow.objects.get(slug=flow_slug)
    session = session_start(flow=flow, language="en", user=user)
    wanted = set(answers.items()) | {
        (step["id"], "escalate") for step in DEFINITIONS[flow_slug]["steps"].values()
        if step["kind"] == "escalate"}
    outcome, path = walk_once(client, session, wanted)
    assert outcome == "escalated", path
    for step, choice in answers.items():
        assert (step, choice) in path, (step, choice, path)
    session.refresh_from_db()
    return session.ticket


# The situations the articles call P1, as a customer answers them, with the
# fix whose "When to escalate" says so.
P1_SITUATIONS = [
    pytest.param("network-stutter",
                 {"live": "live-degraded", "when": "line-down", "line-impact": "streams-down"},
                 "dedicated-line-failover", id="dedicated line down, streams down"),
    pytest.param("playback-viewers", {"symptom": "forbidden", "scope": "all-live"},
                 "playback-403-forbidden", id="all viewers get 403, live now"),
    pytest.param("playback-viewers", {"symptom": "buffering", "scope": "all-live"},
                 "viewers-buffering", id="all viewers buffer, live now"),
    pytest.param("operations-platform", {"symptom": "quota", "quota-impact": "live-refused"},
                 "quota-exceeded", id="quota refuses a live event at scale"),
    pytest.param("operations-platform", {"symptom": "backup", "backup-impact": "live-down"},
                 "backup-stream-failover", id="live event down, backup does not take over"),
]


@pytest.mark.parametrize(("flow_slug", "answers", "article"), P1_SITUATIONS)
def test_where_the_article_says_p1_the_flow_files_a_p1_that_pages(
        flow_slug, answers, article, client, member, team_lead, unthrottled_wizard,
        django_capture_on_commit_callbacks):
    assert "**P1**" in article_escalation(article)
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = walk(client, member, flow_slug, answers)
    assert ticket.priority == "P1"
    assert any("[P1]" in message.subject for message in mail.outbox)


# The same flows, answered one step less urgent: P2 as the articles say.
P2_SITUATIONS = [
    pytest.param("network-stutter",
                 {"live": "test", "when": "line-down", "line-impact": "on-backup"},
                 id="streams run on the backup path"),
    pytest.param("playback-viewers", {"symptom": "forbidden", "scope": "many-live"},
                 id="a share of viewers get 403, live now"),
    pytest.param("operations-platform", {"symptom": "quota", "quota-impact": "throttled"},
                 id="viewers throttled at a cap, playback goes on"),
    pytest.param("operations-platform", {"symptom": "backup", "backup-impact": "on-backup"},
                 id="event on the backup, no switch back"),
    pytest.param("push-cannot-publish",
                 {"protocol": "rtmp", "symptom": "restream", "restream-live": "live"},
                 id="live event missing on the relayed platform"),
]


@pytest.mark.parametrize(("flow_slug", "answers"), P2_SITUATIONS)
def test_a_degraded_live_service_stays_p2(flow_slug, answers, client, member, team_lead,
                                          unthrottled_wizard):
    client.force_login(member)
    assert walk(client, member, flow_slug, answers).priority == "P2"


def test_the_p1_answers_go_straight_to_a_paging_ticket_with_fast_checks():
    """No paste and no five fixes to decline first: the region, then the ticket."""
    for flow_slug, step_id, choice_id in (("network-stutter", "line-impact", "streams-down"),
                                          ("playback-viewers", "scope", "all-live"),
                                          ("operations-platform", "quota-impact",
                                           "live-refused"),
                                          ("operations-platform", "backup-impact",
                                           "live-down")):
        steps = DEFINITIONS[flow_slug]["steps"]
        choice = next(c for c in steps[step_id]["choices"] if c["id"] == choice_id)
        assert choice["sets"]["priority"] == "P1"
        region = steps[choice["next"]]
        assert region["kind"] == "question"
        assert {c["sets"].get("region") for c in region["choices"]} == REGIONS
        ticket = steps[region["choices"][0]["next"]]
        assert ticket["kind"] == "escalate" and ticket["priority"] == "P1"
        assert ticket["quick_checks"]


class TestPushProtocolChangesThePath:
    def answer_all(self, session, answers):
        for step_id, answer in answers:
            if answer == "skip":
                session_answer(session=session, step_id=step_id, skip=True)
            elif answer == "next":
                session_answer(session=session, step_id=step_id)
            else:
                session_answer(session=session, step_id=step_id, choice=answer)
            session.refresh_from_db()
        return session

    def offered(self, session, step_id):
        return [c["article"] for c in session.candidates[step_id]]

    def start(self):
        return session_start(flow=Flow.objects.get(slug="push-cannot-publish"), language="en")

    @pytest.mark.parametrize("protocol", ["srt", "webrtc"])
    def test_an_srt_or_whip_connection_failure_suspects_udp_blocked_first(
            self, site_content, protocol):
        session = self.answer_all(self.start(), [
            ("protocol", protocol), ("symptom-udp", "cannot-connect"),
            ("log-udp", "skip"), ("findings-udp", "next")])
        assert session.current_step == "fixes-udp"
        offered = self.offered(session, "fixes-udp")
        assert offered[:2] == ["udp-blocked-srt-webrtc", "push-connection-refused"]

    @pytest.mark.parametrize("protocol", ["rtmp", "rtmps"])
    def test_an_rtmp_connection_failure_is_not_sent_to_udp(self, site_content, protocol):
        session = self.answer_all(self.start(), [
            ("protocol", protocol), ("symptom", "cannot-connect"),
            ("log", "skip"), ("findings", "next")])
        offered = self.offered(session, "fixes")
        assert offered[0] == "push-connection-refused"
        assert "udp-blocked-srt-webrtc" not in offered

    def test_the_protocol_answer_leads_to_different_questions(self):
        steps = DEFINITIONS["push-cannot-publish"]["steps"]
        nexts = {c["id"]: c["next"] for c in steps["protocol"]["choices"]}
        assert nexts["rtmp"] == nexts["rtmps"] == "symptom"
        assert nexts["srt"] == nexts["webrtc"] == "symptom-udp"

    @pytest.mark.parametrize(("protocol", "symptom", "fixes"),
                             [("rtmp", "symptom", "fixes"),
                              ("srt", "symptom-udp", "fixes-udp")])
    def test_irregular_drops_offer_the_loss_and_uplink_fixes(self, site_content, protocol,
                                                            symptom, fixes):
        log = "log" if fixes == "fixes" else "log-udp"
        findings = "findings" if fixes == "fixes" else "findings-udp"
        session = self.answer_all(self.start(), [
            ("protocol", protocol), (symptom, "drops-irregular"), (log, "skip"),
            (findings, "next")])
        offered = self.offered(session, fixes)[:3]
        assert {"packet-loss-last-mile", "insufficient-uplink-bandwidth"} <= set(offered)

    @pytest.mark.parametrize(("protocol", "symptom", "stage", "fixes"),
                             [("rtmp", "symptom", "stage", "fixes"),
                              ("srt", "symptom-udp", "stage-udp", "fixes-udp")])
    def test_something_else_without_a_log_can_still_reach_every_fix(
            self, site_content, protocol, symptom, stage, fixes):
        listed = [f["article"] for f in DEFINITIONS["push-cannot-publish"]["steps"][fixes]
                  ["fixes"]]
        log = "log" if fixes == "fixes" else "log-udp"
        findings = "findings" if fixes == "fixes" else "findings-udp"
        reached = set()
        for when in [c["id"] for c in DEFINITIONS["push-cannot-publish"]["steps"][stage]
                     ["choices"]]:
            session = self.answer_all(self.start(), [
                ("protocol", protocol), (symptom, "other"), (stage, when), (log, "skip"),
                (findings, "next")])
            reached |= set(self.offered(session, fixes))
        assert set(listed) <= reached, set(listed) - reached


class TestStreamDownAsksBothSides:
    def test_the_publishing_and_the_viewing_region_are_both_asked(self):
        steps = DEFINITIONS["stream-down"]["steps"]
        publish, viewers = steps["region"], steps["viewers"]
        assert {c["sets"].get("region") for c in publish["choices"]} == REGIONS
        assert {c["next"] for c in publish["choices"]} == {"viewers"}
        assert {c["id"] for c in viewers["choices"]} >= REGIONS | {"same"}
        # The viewers' side goes with the transcript; the ticket keeps the
        # publishing side's region, which routing and paging use.
        assert not any("region" in c["sets"] for c in viewers["choices"])

    def test_a_cross_border_stream_is_routed_by_its_publishing_side(
            self, client, member, team_lead, django_capture_on_commit_callbacks):
        client.force_login(member)
        start = client.post("/wizard/", {"stream_down": "yes"})
        session_id = start["Location"].split("/")[-2]
        url = f"/wizard/s/{session_id}/"
        for data in ({"step": "stream-id", "text": "match-01"},
                     {"step": "region", "choice": "cn"},
                     {"step": "viewers", "choice": "sea"}):
            assert client.post(url, data).status_code == 302
        page = client.get(url).content.decode()
        assert '<option value="cn" selected>' in page
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url, {"action": "escalate", "region": "cn", "stream_id": "match-01"})
        ticket = Ticket.objects.get()
        assert (ticket.priority, ticket.region) == ("P1", "cn")
        assert "Where do the viewers watch?" in ticket.description
        assert re.search(r"Where do the viewers watch\?\n\s+answer: Southeast Asia",
                         ticket.description)

    def test_its_fast_checks_cover_the_viewers_and_the_quota_too(self):
        quick = DEFINITIONS["stream-down"]["steps"]["page"]["quick_checks"]
        assert {"push-connection-refused", "playback-403-forbidden", "playback-404-not-found",
                "quota-exceeded"} <= set(quick)


def test_every_flow_that_escalates_asks_for_the_region_its_ticket_needs():
    """Each escalate step is reached only through a question that sets the
    region, one choice per region, so the ticket form comes pre-filled."""
    for name, definition in DEFINITIONS.items():
        steps = definition["steps"]
        for step in steps.values():
            if step["kind"] != "escalate":
                continue
            before = [s for s in steps.values() if step["id"] in
                      ([c["next"] for c in s.get("choices", [])] + [s.get("next")])]
            assert before, (name, step["id"])
            for previous in before:
                if name == "stream-down":  # the viewers' side comes last there
                    previous = next(s for s in steps.values() if any(
                        c["next"] == previous["id"] for c in s.get("choices", [])))
                assert previous["kind"] == "question", (name, step["id"], previous["id"])
                assert {c["sets"].get("region") for c in previous["choices"]} == REGIONS, (
                    name, previous["id"])


def test_playback_offers_quota_dns_ipv6_and_udp_fixes():
    steps = DEFINITIONS["playback-viewers"]["steps"]
    listed = {f["article"] for f in steps["fixes"]["fixes"]}
    assert {"quota-exceeded", "dns-resolution-failure", "broken-ipv6-path",
            "udp-blocked-srt-webrtc"} <= listed
    suspects = {code for c in steps["symptom"]["choices"]
                for code in c["sets"].get("suspect", [])}
    assert {"ops.quota-exceeded", "push.dns-resolution", "net.ipv6-path",
            "net.udp-blocked"} <= suspects


# The problem codes of the second content round, the flow each belongs to, and
# the answers that lead there (the choice that suspects the code).
NEW_CODES = [
    ("push.restream-relay", "restream-relay-failures", "push-cannot-publish",
     [("protocol", "rtmp"), ("symptom", "restream"), ("restream-live", "setup")]),
    ("net.cross-border-interference", "cross-border-interference", "network-stutter",
     [("live", "test"), ("when", "border-resets"), ("protocol", "rtmp")]),
    ("play.browser-policy", "browser-playback-blocked", "playback-viewers",
     [("symptom", "browser"), ("scope", "some")]),
    ("play.mobile-compat", "mobile-playback-compat", "playback-viewers",
     [("symptom", "mobile"), ("scope", "some")]),
    ("enc.poor-quality", "poor-picture-quality", "encoder-quality",
     [("symptom", "poor-quality"), ("live", "not-live")]),
    ("ops.backup-failover", "backup-stream-failover", "operations-platform",
     [("symptom", "backup"), ("backup-impact", "setup")]),
]


@pytest.mark.parametrize(("code", "article", "flow_slug", "answers"), NEW_CODES,
                         ids=[row[0] for row in NEW_CODES])
def test_a_new_problem_code_is_reached_and_its_fix_offered_first(
        code, article, flow_slug, answers, site_content):
    definition = DEFINITIONS[flow_slug]
    suspected = {suspect for step_id, choice_id in answers
                 for choice in definition["steps"][step_id]["choices"] if choice["id"] == choice_id
                 for suspect in choice["sets"].get("suspect", [])}
    assert code in suspected
    session = session_start(flow=Flow.objects.get(slug=flow_slug), language="zh-hans")
    for step_id, choice_id in answers:
        session_answer(session=session, step_id=step_id, choice=choice_id)
        session.refresh_from_db()
    while definition["steps"][session.current_step]["kind"] in ("paste", "check",
                                                                "describe"):
        kind = definition["steps"][session.current_step]["kind"]
        session_answer(session=session, step_id=session.current_step, skip=kind == "paste")
        session.refresh_from_db()
    assert definition["steps"][session.current_step]["kind"] == "fix"
    first = session.candidates[session.current_step][0]
    assert first["article"] == article and code in first["problems"]


def test_every_problem_code_has_a_fix_the_flows_offer():
    import json

    codes = {p["code"] for p in json.loads((FIXTURES / "problems.json").read_text())}
    offered = {slug for definition in DEFINITIONS.values()
               for step in definition["steps"].values()
               for slug in [f["article"] for f in step.get("fixes", [])]
               + step.get("quick_checks", [])}
    covered = set()
    for slug in offered:
        front = next((FIXTURES / "articles").glob(f"*/{slug}.en.md")).read_text()
        line = next(x for x in front.splitlines() if x.startswith("problems:"))
        covered |= {c.strip() for c in line.split("[", 1)[1].rstrip("]").split(",")}
    assert codes - covered == set()
