"""The satisfaction question after close: the e-mail's links, the page that
records the answer, the timeline, the leads' figures and the public share."""

import datetime as dt
import re

import pytest
from django.core import mail
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.tickets import services
from kb.tickets.models import Ticket, TicketSatisfaction
from kb.tickets.satisfaction import (
    satisfaction_record,
    satisfaction_token,
    satisfaction_token_rating,
)
from kb.tickets.selectors import SUPPORT_LEADS_GROUP
from tests.clock import EU_WORKING_HOURS

LINK = re.compile(r"(?P<label>Good|Bad): https?://[^/\s]+(?P<path>/\S+)")


def _closed_ticket(*, requester, organization, engineer, subject="Push refused since 10:00"):
    ticket = services.ticket_create(
        requester=requester, organization=organization, subject=subject,
        description="OBS: Failed to connect", priority="P3", region="eu")
    services.ticket_acknowledge(ticket=ticket, actor=engineer)
    services.ticket_resolve(ticket=ticket, actor=engineer, summary="The port was blocked.")
    return services.ticket_close(ticket=ticket, actor=engineer)


@pytest.fixture
def alice(acme):
    _, user = acme
    user.email = "alice@acme.example"
    user.save()
    return user


@pytest.fixture
def closed(acme, alice, engineer, time_machine, django_capture_on_commit_callbacks):
    time_machine.move_to(EU_WORKING_HOURS, tick=False)
    org, _ = acme
    with django_capture_on_commit_callbacks(execute=True):
        return _closed_ticket(requester=alice, organization=org, engineer=engineer)


def _links(ticket) -> dict[str, str]:
    [closing] = [m for m in mail.outbox if "] Ticket closed: " in m.subject]
    assert closing.to == ["alice@acme.example"]
    assert f"#{ticket.pk}" in closing.subject
    return {m["label"]: m["path"] for m in LINK.finditer(closing.body)}


class TestTheClosedEmail:
    def test_it_asks_with_a_good_and_a_bad_link(self, closed):
        links = _links(closed)
        assert set(links) == {"Good", "Bad"}
        assert links["Good"] != links["Bad"]
        assert all(path.startswith(f"/support/tickets/{closed.pk}/satisfaction/")
                   for path in links.values())

    def test_opening_a_link_preselects_the_answer_and_records_nothing(self, closed, client):
        assert client.head(_links(closed)["Bad"]).status_code == 200  # link checkers
        page = client.get(_links(closed)["Bad"])
        assert page.status_code == 200
        html = page.content.decode()
        assert re.search(r'value="bad" required checked', html)
        assert not re.search(r'value="good" required checked', html)
        assert "Confirm my answer" in html
        assert not TicketSatisfaction.objects.exists()

    def test_confirming_records_the_answer_with_the_comment_without_signing_in(
            self, closed, client):
        path = _links(closed)["Good"]
        client.get(path)
        page = client.post(path, {"rating": "good", "comment": "  Quick and clear.  "})
        assert page.status_code == 200
        assert "We recorded your answer" in page.content.decode()
        answer = TicketSatisfaction.objects.get(ticket=closed)
        assert (answer.rating, answer.comment) == ("good", "Quick and clear.")
        assert answer.created_at == EU_WORKING_HOURS

    def test_a_second_answer_replaces_the_first(self, closed, client, time_machine):
        links = _links(closed)
        client.post(links["Good"], {"rating": "good"})
        time_machine.move_to(EU_WORKING_HOURS + dt.timedelta(days=2), tick=False)
        client.cookies["tz"] = "Europe/Berlin"
        again = client.get(links["Bad"]).content.decode()
        assert "You answered “Good” on 2026-03-25 12:00 CET." in again
        page = client.post(links["Good"], {"rating": "bad", "comment": "It broke again."})
        assert "replaces the one you gave before" in page.content.decode()
        answer = TicketSatisfaction.objects.get(ticket=closed)
        assert (answer.rating, answer.comment) == ("bad", "It broke again.")
        assert answer.created_at == EU_WORKING_HOURS
        assert answer.updated_at == EU_WORKING_HOURS + dt.timedelta(days=2)

    @pytest.mark.parametrize("form, message", [
        ({"rating": "meh"}, "Choose Good or Bad."),
        ({"rating": "good", "comment": "x" * 2001}, "at most 2000 characters"),
    ])
    def test_a_bad_answer_is_refused_with_the_reason(self, closed, client, form, message):
        page = client.post(_links(closed)["Good"], form)
        assert page.status_code == 400
        assert message in page.content.decode()
        assert not TicketSatisfaction.objects.exists()

    def test_a_forged_expired_or_other_tickets_link_is_a_clear_404(
            self, closed, acme, alice, engineer, client, time_machine):
        good = _links(closed)["Good"]
        token = good.rstrip("/").rsplit("/", 1)[1]
        forged = client.get(good.replace(token, token[:-2] + "xx"))
        assert forged.status_code == 404
        assert "This satisfaction link is not valid" in forged.content.decode()
        org, _ = acme
        other = _closed_ticket(requester=alice, organization=org, engineer=engineer,
                               subject="Another one")
        assert client.post(f"/support/tickets/{other.pk}/satisfaction/{token}/",
                           {"rating": "good"}).status_code == 404
        time_machine.move_to(EU_WORKING_HOURS + dt.timedelta(days=31), tick=False)
        assert client.post(good, {"rating": "good"}).status_code == 404
        assert not TicketSatisfaction.objects.exists()


class TestWhatStaffSee:
    def test_the_answer_is_on_the_timeline_for_staff_only(self, closed, client, alice,
                                                          engineer):
        client.post(_links(closed)["Bad"], {"rating": "bad", "comment": "Took three days."})
        client.force_login(engineer)
        staff_page = client.get(f"/support/tickets/{closed.pk}/").content.decode()
        assert "The customer was not satisfied (answered Bad). Took three days." in staff_page
        client.force_login(alice)
        customer_page = client.get(f"/support/tickets/{closed.pk}/").content.decode()
        assert "answered Bad" not in customer_page

    def test_leads_see_30_days_of_counts_and_comments_per_team(
            self, acme, alice, engineer, groups, django_user_model, client, time_machine):
        org, _ = acme
        time_machine.move_to(EU_WORKING_HOURS - dt.timedelta(days=40), tick=False)
        old = _closed_ticket(requester=alice, organization=org, engineer=engineer,
                             subject="Old")
        satisfaction_record(ticket=old, rating="bad", comment="Too old to count")
        time_machine.move_to(EU_WORKING_HOURS, tick=False)
        for subject, rating, comment in [("One", "good", ""), ("Two", "good", "Great help"),
                                         ("Three", "bad", "Slow answer")]:
            ticket = _closed_ticket(requester=alice, organization=org, engineer=engineer,
                                    subject=subject)
            satisfaction_record(ticket=ticket, rating=rating, comment=comment)
        lead = django_user_model.objects.create_user("lena", is_staff=True)
        lead.groups.add(groups[SUPPORT_LEADS_GROUP], groups["Support engineers"])
        client.force_login(lead)
        client.cookies["tz"] = "Asia/Shanghai"  # the lead's browser zone
        html = client.get("/support/tickets/queue/").content.decode()
        section = html.split('data-testid="satisfaction-teams"')[1].split("</section>")[0]
        europe = section.split('data-team="eu"')[1].split("</tr>")[0]
        assert re.search(r"<td>2</td>\s*<td>1</td>", europe)
        assert "Great help" in europe and "Slow answer" in europe
        assert "03-25 19:00 CST" in europe  # 11:00 UTC, in the lead's zone
        assert "Too old to count" not in section

    def test_an_engineer_who_leads_nothing_does_not_see_the_figures(self, engineer, client,
                                                                    organisation):
        client.force_login(engineer)
        html = client.get("/support/tickets/queue/").content.decode()
        assert 'data-testid="satisfaction-teams"' not in html


class TestThePublicShare:
    def _answers(self, acme, alice, engineer, ratings):
        org, _ = acme
        for number, rating in enumerate(ratings):
            ticket = _closed_ticket(requester=alice, organization=org, engineer=engineer,
                                    subject=f"Ticket {number}")
            satisfaction_record(ticket=ticket, rating=rating)

    def test_below_five_answers_the_share_is_hidden_and_the_page_says_why(
            self, acme, alice, engineer, client, time_machine):
        time_machine.move_to(EU_WORKING_HOURS, tick=False)
        self._answers(acme, alice, engineer, ["good"] * 4)
        html = client.get("/support/response-times/").content.decode()
        assert "Only 4 answers in the last 90 days: the share is shown from 5 answers on." \
            in html
        assert "of customers were satisfied" not in html

    def test_without_answers_the_page_says_none_came_yet(self, db, client, time_machine):
        time_machine.move_to(EU_WORKING_HOURS, tick=False)
        html = client.get("/support/response-times/").content.decode()
        assert "No answers yet in the last 90 days: the share is shown from 5 answers on." \
            in html
        assert "Only 0" not in html

    def test_the_share_of_good_answers_over_90_days(self, acme, alice, engineer, client,
                                                    time_machine):
        time_machine.move_to(EU_WORKING_HOURS - dt.timedelta(days=91), tick=False)
        self._answers(acme, alice, engineer, ["bad"] * 3)
        time_machine.move_to(EU_WORKING_HOURS, tick=False)
        self._answers(acme, alice, engineer, ["good", "good", "good", "bad", "bad", "good"])
        html = client.get("/support/response-times/").content.decode()
        assert "66% of customers were satisfied: 6 answers in the last 90 days." in html


def test_tokens_are_bound_to_the_answer_they_offer(closed):
    assert satisfaction_token(closed, "good") != satisfaction_token(closed, "bad")
    assert Ticket.objects.get(pk=closed.pk).status == Ticket.Status.CLOSED


class _Stub:
    pk = 7


@settings(max_examples=300)
@given(st.text(max_size=200))
def test_no_made_up_token_offers_an_answer(token):
    assert satisfaction_token_rating(token, ticket_id=7) is None


@given(st.sampled_from(["good", "bad"]), st.integers(min_value=1, max_value=10**9))
def test_a_real_token_offers_its_answer_for_its_ticket_only(rating, other):
    stub = _Stub()
    token = satisfaction_token(stub, rating)
    assert satisfaction_token_rating(token, ticket_id=7) == rating
    if other != 7:
        assert satisfaction_token_rating(token, ticket_id=other) is None
