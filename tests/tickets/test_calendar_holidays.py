"""Holiday calendars that run out: the staff flag and the one e-mail to the
support leads, from 60 days before the last loaded holiday year ends."""

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail

from kb import celery_app
from kb.tickets.calendars import holiday_coverage
from kb.tickets.models import HolidayWarning, Team
from tests.clock import (
    BEFORE_HOLIDAYS_RUN_OUT,
    HOLIDAYS_DUE_IN_ASIA_ONLY,
    HOLIDAYS_RAN_OUT,
    INSIDE_HOLIDAY_WARNING,
)

pytestmark = pytest.mark.django_db


def run_the_daily_check() -> None:
    """The task exactly as beat queues it."""
    celery_app.loader.import_default_modules()
    entry = settings.CELERY_BEAT_SCHEDULE["holiday-calendars"]
    assert entry["schedule"] == 24 * 60 * 60
    celery_app.tasks[entry["task"]].delay()


@pytest.fixture
def leads(django_user_model, groups, organisation):
    """Two support leads who get the e-mail, one retired, one without an address."""
    people = {}
    for username, email, active in [("lena", "lena@example.com", True),
                                     ("mo", "mo@example.com", True),
                                     ("retired", "retired@example.com", False),
                                     ("nomail", "", True)]:
        people[username] = django_user_model.objects.create_user(
            username, email=email, is_active=active, is_staff=True, password="pw-" + username)
        people[username].groups.add(groups["Support leads"])
    return people


def warned() -> list[tuple[str, int]]:
    return sorted(HolidayWarning.objects.values_list("team__code", "year"))


class TestHolidayCoverage:
    def test_a_list_ending_with_2027_is_due_from_2_november_local_time(self, organisation):
        eu = Team.objects.get(code="eu").calendar
        before = holiday_coverage(eu, dt.datetime(2027, 11, 1, 22, 59, tzinfo=dt.UTC))
        first = holiday_coverage(eu, dt.datetime(2027, 11, 1, 23, 0, tzinfo=dt.UTC))
        assert (before.today, before.flagged) == (dt.date(2027, 11, 1), False)
        assert (first.today, first.flagged, first.ran_out) == (dt.date(2027, 11, 2), True,
                                                               False)
        assert (first.last_year, first.ends) == (2027, dt.date(2028, 1, 1))
        assert holiday_coverage(eu, HOLIDAYS_RAN_OUT).ran_out

    def test_a_team_without_holidays_is_always_flagged(self, organisation):
        team = Team.objects.get(code="sea")
        team.holidays = []
        assert holiday_coverage(team.calendar, BEFORE_HOLIDAYS_RUN_OUT).flagged


class TestTheDailyEmail:
    def test_before_the_window_nothing_is_sent(self, leads, time_machine):
        time_machine.move_to(BEFORE_HOLIDAYS_RUN_OUT, tick=False)
        run_the_daily_check()
        assert mail.outbox == [] and warned() == []

    def test_inside_the_window_the_support_leads_get_one_email_per_team(
        self, leads, time_machine,
    ):
        time_machine.move_to(INSIDE_HOLIDAY_WARNING, tick=False)
        run_the_daily_check()
        assert warned() == [("cn", 2027), ("eu", 2027), ("na", 2027), ("sea", 2027)]
        assert len(mail.outbox) == 4
        assert {tuple(m.to) for m in mail.outbox} == {("lena@example.com", "mo@example.com")}
        europe = next(m for m in mail.outbox if "team Europe" in m.subject)
        assert europe.subject == "[Streamline KB] Holidays of team Europe run out"
        assert ("The public holidays of team Europe end with 2027: from Jan. 1, 2028 its SLA "
                "due times will count holidays as working days. Add the 2028 holidays in the "
                "admin.") in europe.body
        eu = Team.objects.get(code="eu")
        assert f"http://127.0.0.1:8000/admin/tickets/team/{eu.pk}/change/" in europe.body

    def test_the_email_goes_out_once_per_team_and_year_not_every_day(
        self, leads, time_machine,
    ):
        time_machine.move_to(INSIDE_HOLIDAY_WARNING, tick=False)
        run_the_daily_check()
        run_the_daily_check()  # a second beat, or a redelivered task
        for days in range(1, 70):  # every day until the lists have run out
            time_machine.move_to(INSIDE_HOLIDAY_WARNING + dt.timedelta(days=days), tick=False)
            run_the_daily_check()
        assert len(mail.outbox) == 4
        assert HolidayWarning.objects.count() == 4

    def test_each_team_is_warned_on_its_own_local_date(self, leads, time_machine):
        time_machine.move_to(HOLIDAYS_DUE_IN_ASIA_ONLY, tick=False)
        run_the_daily_check()
        assert warned() == [("cn", 2027), ("sea", 2027)]
        time_machine.move_to(INSIDE_HOLIDAY_WARNING, tick=False)
        run_the_daily_check()
        assert warned() == [("cn", 2027), ("eu", 2027), ("na", 2027), ("sea", 2027)]
        assert len(mail.outbox) == 4

    def test_loading_next_years_holidays_clears_the_flag_until_that_year_runs_out(
        self, leads, time_machine,
    ):
        time_machine.move_to(INSIDE_HOLIDAY_WARNING, tick=False)
        run_the_daily_check()
        eu = Team.objects.get(code="eu")
        eu.holidays = [*eu.holidays, "2028-01-01", "2028-12-25"]
        eu.save()
        mail.outbox.clear()
        time_machine.move_to(INSIDE_HOLIDAY_WARNING + dt.timedelta(days=1), tick=False)
        run_the_daily_check()
        assert mail.outbox == []
        time_machine.move_to(INSIDE_HOLIDAY_WARNING + dt.timedelta(days=366), tick=False)
        run_the_daily_check()
        assert ("eu", 2028) in warned()
        assert [m.subject for m in mail.outbox] == [
            "[Streamline KB] Holidays of team Europe run out"]

    def test_without_a_support_lead_to_tell_nothing_is_recorded_so_it_is_sent_later(
        self, groups, organisation, django_user_model, time_machine,
    ):
        time_machine.move_to(INSIDE_HOLIDAY_WARNING, tick=False)
        run_the_daily_check()
        assert mail.outbox == [] and warned() == []
        lead = django_user_model.objects.create_user("lena", email="lena@example.com")
        lead.groups.add(groups["Support leads"])
        run_the_daily_check()
        assert len(mail.outbox) == 4

    def test_a_calendar_that_already_ran_out_is_warned_about(self, leads, time_machine):
        time_machine.move_to(HOLIDAYS_RAN_OUT, tick=False)
        run_the_daily_check()
        europe = next(m for m in mail.outbox if "team Europe" in m.subject)
        assert ("The public holidays of team Europe end with 2027: its SLA due times now "
                "count holidays as working days. Add the 2028 holidays in the admin.") in (
            europe.body)


class TestTheFlagOnStaffPages:
    @staticmethod
    def staff_page(client, user, url, at, time_machine, **headers) -> str:
        time_machine.move_to(at, tick=False)
        client.force_login(user)  # a session of that day
        response = client.get(url, **headers)
        assert response.status_code == 200
        return response.content.decode()

    def test_the_queue_shows_the_flag_only_inside_the_window(
        self, client, leads, time_machine,
    ):
        lena, url = leads["lena"], "/support/tickets/queue/"
        page = self.staff_page(client, lena, url, BEFORE_HOLIDAYS_RUN_OUT, time_machine)
        assert "Open tickets, the next SLA target due first." in page
        assert "Holiday calendars run out" not in page
        page = self.staff_page(client, lena, url, HOLIDAYS_DUE_IN_ASIA_ONLY, time_machine)
        assert "Holiday calendars run out" in page
        assert "The public holidays of team China end with 2027" in page
        assert "team Europe" not in page
        cn = Team.objects.get(code="cn")
        assert f'href="/admin/tickets/team/{cn.pk}/change/"' in page

    def test_the_queue_flag_is_in_chinese_for_a_chinese_reader(
        self, client, leads, time_machine,
    ):
        page = self.staff_page(client, leads["lena"], "/support/tickets/queue/",
                               INSIDE_HOLIDAY_WARNING, time_machine,
                               HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert "节假日日历即将用完" in page

    def test_the_team_admin_shows_the_flag(self, client, leads, time_machine):
        lena, eu = leads["lena"], Team.objects.get(code="eu")
        listing = self.staff_page(client, lena, "/admin/tickets/team/",
                                  BEFORE_HOLIDAYS_RUN_OUT, time_machine)
        assert "Public holidays loaded up to 2027." in listing
        assert "end with 2027" not in listing
        listing = self.staff_page(client, lena, "/admin/tickets/team/",
                                  INSIDE_HOLIDAY_WARNING, time_machine)
        # In the list's column and in the warning above the list.
        assert listing.count("The public holidays of team Europe end with 2027") == 2
        change = self.staff_page(client, lena, f"/admin/tickets/team/{eu.pk}/change/",
                                 INSIDE_HOLIDAY_WARNING, time_machine)
        assert change.count("The public holidays of team Europe end with 2027") == 2
        assert "The public holidays of team China" not in change
