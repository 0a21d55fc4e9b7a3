"""Detection applied every minute (kb.monitoring.evaluation, incidents): the
incident, its ticket, the page, the customer's e-mails, maintenance and a
crash midway, with samples at fixed minutes and the clock moved with them."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.management import call_command

from kb.monitoring import evaluation
from kb.monitoring.evaluation import lines_evaluate
from kb.monitoring.models import Incident, IncidentUpdate, Line
from kb.monitoring.selectors import open_incident_for
from kb.monitoring.services import maintenance_create
from kb.tickets.models import Notification, Ticket
from kb.tickets.services import teams_demo_on_call_ensure
from tests.clock import EU_WORKING_HOURS
from tests.monitoring.conftest import make_line, record, sample

pytestmark = pytest.mark.django_db

M = dt.timedelta(minutes=1)
# Wednesday 25 March 2026, 11:00 UTC: Europe's team is on duty.
T0 = EU_WORKING_HOURS


@pytest.fixture
def on_call(django_user_model, organisation):
    engineer = django_user_model.objects.create_user("oncall", email="oncall@example.com",
                                                     is_staff=True)
    teams_demo_on_call_ensure(engineer=engineer)
    return engineer


@pytest.fixture
def eu_line(acme):
    return make_line(acme[0], name="Berlin studio -> Frankfurt ingest", from_region="eu",
                     to_region="eu", kind="internet", contact_email="noc@acme.example")


KINDS = {
    "ok": {"received": 20},
    "loss": {"received": 18},  # 10 %
    "dark": {"received": 0},
    "jitter": {"received": 20, "jitter": 45.0},
}




def feed_and_evaluate(line, kinds, *, start, time_machine, source="encoder-1"):
    """One sample per minute, evaluating after each as beat would."""
    reports = []
    for n, kind in enumerate(kinds):
        at = start + n * M
        if kind is not None:
            record([sample(line, at, source=source, **KINDS[kind])])
        time_machine.move_to(at + dt.timedelta(seconds=15), tick=False)
        reports.append(lines_evaluate())
    return reports


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(T0, tick=False)
    return time_machine


class TestDegraded:
    def test_a_degraded_line_opens_an_incident_and_a_p2_ticket_with_the_evidence(
            self, eu_line, clock, on_call):
        feed_and_evaluate(eu_line, ["ok", "ok", "loss", "ok", "loss"], start=T0,
                          time_machine=clock)
        assert not Incident.objects.exists()
        feed_and_evaluate(eu_line, ["loss"], start=T0 + 5 * M, time_machine=clock)
        incident = Incident.objects.get()
        assert (incident.severity, incident.state, incident.line) == ("degraded", "open",
                                                                      eu_line)
        ticket = incident.ticket
        assert ticket.priority == "P2" and ticket.requester is None
        assert ticket.organization == eu_line.organization and ticket.region == "eu"
        assert ticket.team.code == "eu"  # routed by the line's region, on duty now
        assert ticket.subject == "Line monitoring: Berlin studio -> Frankfurt ingest is degraded"
        # The evidence: the three minutes that crossed the loss threshold.
        table = re.sub(" +", " ", ticket.description.split("merged):\n\n")[1])
        assert "Minute (UTC) | Loss %" in table
        for minute in ("11:02", "11:04", "11:05"):
            assert f"2026-03-25 {minute} | 10.0" in table
        assert "11:03" not in table
        codes = list(ticket.events.values_list("code", flat=True))
        assert codes == ["routed", "monitoring_degraded"]
        assert "Line monitoring detected Berlin studio -> Frankfurt ingest degraded: 3 of " \
               "the last 5 minutes" in ticket.events.last().text
        eu_line.refresh_from_db()
        assert eu_line.state == "degraded"
        # The customer hears of it at once; nobody is paged for a P2.
        told = Notification.objects.get(purpose="update")
        assert told.target == "noc@acme.example"
        assert "Line monitoring" in told.subject
        assert ("We detected degraded performance on your line Berlin studio -> Frankfurt "
                "ingest: 3 of the last 5 minutes crossed a threshold") in told.body
        assert "We are on it." in told.body and "confirm your e-mail" not in told.body
        assert not Notification.objects.filter(purpose="page").exists()

    def test_the_ticket_is_written_in_the_lines_language(self, acme, clock, on_call):
        line = make_line(acme[0], name="上海演播室", from_region="cn", language="zh-hans",
                         contact_email="noc@acme.example")
        feed_and_evaluate(line, ["loss"] * 3, start=T0, time_machine=clock)
        ticket = Incident.objects.get().ticket
        assert ticket.language == "zh-hans" and ticket.subject == "线路监控：上海演播室 质量下降"
        assert ticket.region == "cn"
        assert "超过阈值的分钟" in ticket.description
        told = Notification.objects.get(purpose="update")
        assert "我们监测到您的线路 上海演播室 质量下降" in told.body
        assert "您的工单有新进展" not in told.body  # the filed e-mail, not a second one


class TestDownAndRecovery:
    def test_degraded_then_down_raises_the_same_ticket_to_p1_and_pages(self, eu_line, clock,
                                                                       on_call):
        feed_and_evaluate(eu_line, ["loss", "loss", "loss"], start=T0, time_machine=clock)
        incident = Incident.objects.get()
        ticket = incident.ticket
        assert ticket.priority == "P2"
        feed_and_evaluate(eu_line, ["dark", "dark", "dark"], start=T0 + 3 * M,
                          time_machine=clock)
        incident.refresh_from_db()
        ticket.refresh_from_db()
        assert Incident.objects.count() == 1 and Ticket.objects.count() == 1
        assert incident.severity == "down" and incident.down_at == T0 + 5 * M + 15 * \
            dt.timedelta(seconds=1)
        assert ticket.priority == "P1"
        # Due no later than a P1 filed when it went down: 5 minutes to acknowledge.
        assert ticket.acknowledge_due == incident.down_at + 5 * M
        assert "monitoring_escalated" in ticket.events.values_list("code", flat=True)
        page = Notification.objects.get(purpose="page", channel="email")
        assert page.target == "oncall@example.com"
        assert ticket.assignee == on_call
        # The page and the customer's e-mail say "down", not what was filed.
        assert ticket.subject == f"Line monitoring: {eu_line.name} is down"
        assert "is down" in page.subject and "degraded" not in page.subject
        assert "Escalated at" in ticket.description and "no reply" in ticket.description
        told = Notification.objects.filter(purpose="update").last()
        assert "is now down" in told.body and "from P2 to P1" in told.body
        assert "is down" in told.subject
        eu_line.refresh_from_db()
        assert eu_line.state == "down"

    def test_a_line_down_at_once_gets_a_p1_and_recovers_after_ten_good_minutes(
            self, eu_line, clock, on_call):
        feed_and_evaluate(eu_line, ["ok", "dark", "dark", "dark"], start=T0,
                          time_machine=clock)
        incident = Incident.objects.get()
        assert incident.severity == "down" and incident.ticket.priority == "P1"
        assert Notification.objects.filter(purpose="page").exists()
        mail.outbox.clear()
        # Nine good minutes: the incident stays open.
        feed_and_evaluate(eu_line, ["ok"] * 9, start=T0 + 4 * M, time_machine=clock)
        incident.refresh_from_db()
        assert incident.state == "open"
        feed_and_evaluate(eu_line, ["ok"] * 3, start=T0 + 13 * M, time_machine=clock)
        incident.refresh_from_db()
        assert incident.state == "resolved" and incident.resolved_at is not None
        ticket = incident.ticket
        assert ticket.events.last().code == "monitoring_recovered"
        assert ticket.status == "new"  # support closes it with the cause
        told = Notification.objects.filter(purpose="update").last()
        assert "recovered" in told.body and told.target == "noc@acme.example"
        assert [u.code for u in incident.updates.all()] == ["detected_down", "recovered"]
        eu_line.refresh_from_db()
        assert eu_line.state == "healthy"

    def test_the_same_trouble_again_before_support_closed_the_ticket_reuses_it(
            self, eu_line, clock, on_call):
        feed_and_evaluate(eu_line, ["loss"] * 3 + ["ok"] * 14 + ["loss"] * 3, start=T0,
                          time_machine=clock)
        first, second = Incident.objects.order_by("opened_at")
        assert first.state == "resolved" and second.state == "open"
        assert first.ticket == second.ticket and Ticket.objects.count() == 1
        codes = list(second.ticket.events.values_list("code", flat=True))
        assert codes == ["routed", "monitoring_degraded", "monitoring_recovered",
                         "monitoring_degraded"]


class TestBaseline:
    def test_an_rtt_half_again_above_the_days_median_is_degraded(self, eu_line, clock,
                                                                  on_call):
        record([sample(eu_line, T0 + n * M, rtt=70.0) for n in range(70)]
               + [sample(eu_line, T0 + (70 + n) * M, rtt=110.0) for n in range(3)])
        clock.move_to(T0 + 72 * M + dt.timedelta(seconds=15), tick=False)
        lines_evaluate()
        eu_line.refresh_from_db()
        assert eu_line.baseline_rtt_ms == 70.0 and eu_line.state == "degraded"
        incident = Incident.objects.get()
        assert [row["reasons"] for row in incident.evidence] == [["rtt"]] * 3
        assert "RTT above baseline" in incident.ticket.description

    def test_without_an_hour_of_history_there_is_no_baseline_to_exceed(self, eu_line, clock):
        record([sample(eu_line, T0 + n * M, rtt=70.0) for n in range(40)]
               + [sample(eu_line, T0 + (40 + n) * M, rtt=300.0) for n in range(3)])
        clock.move_to(T0 + 42 * M + dt.timedelta(seconds=15), tick=False)
        lines_evaluate()
        eu_line.refresh_from_db()
        assert eu_line.baseline_rtt_ms is None and eu_line.state == "healthy"
        assert not Incident.objects.exists()


class TestNoDataAndMaintenance:
    def test_a_silent_line_shows_no_data_and_opens_nothing(self, eu_line, clock):
        feed_and_evaluate(eu_line, ["ok", None, None, None, None, None, None], start=T0,
                          time_machine=clock)
        eu_line.refresh_from_db()
        assert eu_line.state == "no_data" and not Incident.objects.exists()

    def test_maintenance_suppresses_the_incident_and_the_ticket(self, eu_line, clock,
                                                                on_call):
        maintenance_create(title="Frankfurt ingest upgrade", starts_at=T0 + M,
                           ends_at=T0 + 10 * M, regions=["eu"])
        feed_and_evaluate(eu_line, ["ok"] + ["dark"] * 9, start=T0, time_machine=clock)
        assert not Incident.objects.exists() and not Ticket.objects.exists()
        # Still down once the window is over: three dark minutes after its
        # end (11:10 closes inside it) make an incident.
        feed_and_evaluate(eu_line, ["dark"] * 3, start=T0 + 10 * M, time_machine=clock)
        assert not Incident.objects.exists()
        feed_and_evaluate(eu_line, ["dark"], start=T0 + 13 * M, time_machine=clock)
        incident = Incident.objects.get()
        assert incident.severity == "down"
        assert incident.opened_at == T0 + 13 * M + dt.timedelta(seconds=15)

    def test_a_maintenance_of_another_line_changes_nothing(self, eu_line, acme, clock):
        other = make_line(acme[0], name="Other", from_region="na", to_region="na")
        maintenance_create(title="Other work", starts_at=T0, ends_at=T0 + 10 * M,
                           lines=[other])
        feed_and_evaluate(eu_line, ["dark"] * 3, start=T0, time_machine=clock)
        assert Incident.objects.get().line == eu_line


class TestCrashSafety:
    def test_a_crash_between_incident_and_ticket_heals_on_the_next_run(
            self, eu_line, clock, on_call, monkeypatch):
        feed_and_evaluate(eu_line, ["loss", "loss"], start=T0, time_machine=clock)

        def crash(**kwargs):
            raise SystemExit("worker killed")  # what a warm shutdown raises

        monkeypatch.setattr(evaluation, "incident_ticket_ensure", crash)
        with pytest.raises(SystemExit):
            feed_and_evaluate(eu_line, ["loss"], start=T0 + 2 * M, time_machine=clock)
        incident = Incident.objects.get()
        assert incident.ticket is None and not Ticket.objects.exists()
        monkeypatch.undo()
        lines_evaluate()
        lines_evaluate()
        incident.refresh_from_db()
        assert incident.ticket is not None
        assert Ticket.objects.count() == 1 and Incident.objects.count() == 1

    def test_one_lines_failure_leaves_the_others_watched_and_heals_in_the_same_run(
            self, eu_line, acme, clock, on_call, monkeypatch):
        other = make_line(acme[0], name="Paris studio -> Frankfurt ingest", from_region="eu",
                          to_region="eu")
        real = evaluation.incident_ticket_ensure

        def fails_for_the_first_line(*, incident):
            if incident.line_id == eu_line.pk:
                raise RuntimeError("mail server refused")
            return real(incident=incident)

        monkeypatch.setattr(evaluation, "incident_ticket_ensure", fails_for_the_first_line)
        for n in range(3):
            record([sample(eu_line, T0 + n * M, received=0),
                    sample(other, T0 + n * M, received=0)])
        clock.move_to(T0 + 2 * M + dt.timedelta(seconds=15), tick=False)
        report = lines_evaluate()
        assert (report.opened, report.failed, report.healed) == (2, 1, 1)
        assert sorted(Ticket.objects.values_list("priority", flat=True)) == ["P1", "P1"]
        # Every line incident has its ticket (the two lines, to one region,
        # also make a region incident, which has none).
        assert all(i.ticket_id for i in Incident.objects.filter(line__isnull=False))

    def test_a_second_run_at_the_same_instant_changes_nothing(self, eu_line, clock, on_call):
        feed_and_evaluate(eu_line, ["dark"] * 3, start=T0, time_machine=clock)
        counts = (Incident.objects.count(), IncidentUpdate.objects.count(),
                  Ticket.objects.count(), Notification.objects.count(),
                  Ticket.objects.get().events.count())
        report = lines_evaluate()
        assert (report.opened, report.escalated, report.resolved, report.healed) == (0, 0, 0, 0)
        assert counts == (Incident.objects.count(), IncidentUpdate.objects.count(),
                          Ticket.objects.count(), Notification.objects.count(),
                          Ticket.objects.get().events.count())


class TestSelectorsAndCommand:
    def test_the_wizard_can_ask_for_an_open_incident_of_a_region(self, eu_line, acme, globex,
                                                                 clock, on_call):
        assert open_incident_for(organization=acme[0], region="eu") is None
        feed_and_evaluate(eu_line, ["dark"] * 3, start=T0, time_machine=clock)
        incident = Incident.objects.get()
        assert open_incident_for(organization=acme[0], region="eu") == incident
        assert open_incident_for(organization=acme[0], region="sea") is None
        assert open_incident_for(organization=globex[0], region="eu") is None

    def test_monitoring_evaluate_runs_the_evaluation_once(self, eu_line, clock, capsys):
        record([sample(eu_line, T0)])
        clock.move_to(T0 + dt.timedelta(seconds=20), tick=False)
        call_command("monitoring_evaluate")
        assert "lines=1" in capsys.readouterr().out
        assert Line.objects.get(pk=eu_line.pk).state == "healthy"
