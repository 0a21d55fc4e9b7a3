"""Business-time arithmetic and routing (kb.tickets.calendars): pure Python, fixed dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.tickets.calendars import (
    TeamCalendar,
    add_business_minutes,
    add_wall_minutes,
    business_minutes_between,
    holiday_coverage,
    is_working_instant,
    load_calendars,
    on_duty_teams,
    route,
)
from tests.clock import EU_WORKING_HOURS

TEAMS_TOML = Path(__file__).resolve().parents[2] / "fixtures" / "teams.toml"
CALENDARS = load_calendars(TEAMS_TOML)

BERLIN = ZoneInfo("Europe/Berlin")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def team(code="eu", timezone="Europe/Berlin", *, start=time(9), end=time(18), **extra):
    """A Monday-Friday 09:00-18:00 team; holidays and make-up days passed as needed."""
    return TeamCalendar(
        code=code,
        name=code,
        timezone=timezone,
        working_days=frozenset(range(5)),
        start=start,
        end=end,
        holidays=frozenset(extra.get("holidays", ())),
        extra_working_days=frozenset(extra.get("extra_working_days", ())),
    )


def local(zone, *args):
    return datetime(*args, tzinfo=zone)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


EU = team()
NA = team("na", "America/Los_Angeles")


# --- counting working minutes --------------------------------------------------


def test_target_ending_exactly_at_closing_time_is_due_at_closing_not_next_morning():
    due = add_business_minutes(EU, local(BERLIN, 2026, 6, 10, 14, 0), 240)

    assert due == local(BERLIN, 2026, 6, 10, 18, 0)
    assert due == utc(2026, 6, 10, 16, 0)


def test_one_more_minute_after_closing_time_moves_to_the_next_opening():
    due = add_business_minutes(EU, local(BERLIN, 2026, 6, 10, 14, 0), 241)

    assert due == local(BERLIN, 2026, 6, 11, 9, 1)


def test_result_is_in_utc():
    due = add_business_minutes(EU, local(BERLIN, 2026, 6, 10, 10, 0), 60)

    assert due.utcoffset() == timedelta(0)
    assert due.isoformat() == "2026-06-10T09:00:00+00:00"


def test_weekend_is_skipped():
    # Friday 17:00 PST + 2 working hours: one hour on Friday, one on Monday.
    due = add_business_minutes(NA, local(LOS_ANGELES, 2026, 1, 9, 17, 0), 120)

    assert due == local(LOS_ANGELES, 2026, 1, 12, 10, 0)
    assert due == utc(2026, 1, 12, 18, 0)


def test_holiday_has_no_working_hours():
    christmas = team(holidays={date(2026, 12, 25)})

    # Thursday 24 Dec 17:00 + 2h: Friday 25th is a holiday, then the weekend.
    due = add_business_minutes(christmas, local(BERLIN, 2026, 12, 24, 17, 0), 120)

    assert due == local(BERLIN, 2026, 12, 28, 10, 0)


def test_cn_make_up_saturday_is_worked():
    cn = CALENDARS["cn"]

    # Friday 13 Feb 2026 17:00 + 2h: Saturday 14 Feb is a 调休 working day.
    due = add_business_minutes(cn, local(SHANGHAI, 2026, 2, 13, 17, 0), 120)

    assert due == local(SHANGHAI, 2026, 2, 14, 10, 0)
    assert due == utc(2026, 2, 14, 2, 0)


def test_cn_spring_festival_is_skipped_after_the_make_up_saturday():
    cn = CALENDARS["cn"]

    # Saturday 14 Feb (worked) 17:00 + 2h: 15-23 Feb off, back on Tuesday 24th.
    due = add_business_minutes(cn, local(SHANGHAI, 2026, 2, 14, 17, 0), 120)

    assert due == local(SHANGHAI, 2026, 2, 24, 10, 0)


def test_extra_working_day_is_worked_even_though_its_weekday_is_not():
    saturday = date(2026, 10, 10)
    cn = team("cn", "Asia/Shanghai", extra_working_days={saturday})

    assert is_working_instant(cn, local(SHANGHAI, 2026, 10, 10, 12, 0))
    assert not is_working_instant(team("cn", "Asia/Shanghai"), local(SHANGHAI, 2026, 10, 10, 12))


def test_a_date_that_is_both_holiday_and_extra_working_day_is_a_holiday():
    day = date(2026, 10, 10)
    cn = team("cn", "Asia/Shanghai", holidays={day}, extra_working_days={day})

    assert not is_working_instant(cn, local(SHANGHAI, 2026, 10, 10, 12, 0))


@pytest.mark.parametrize(
    ("start", "due"),
    [
        pytest.param(
            local(BERLIN, 2026, 6, 9, 7, 0), local(BERLIN, 2026, 6, 9, 10, 0), id="before-opening"
        ),
        pytest.param(
            local(BERLIN, 2026, 6, 9, 19, 0), local(BERLIN, 2026, 6, 10, 10, 0), id="after-closing"
        ),
        pytest.param(
            local(BERLIN, 2026, 6, 9, 18, 0), local(BERLIN, 2026, 6, 10, 10, 0), id="at-closing"
        ),
        pytest.param(
            local(BERLIN, 2026, 6, 13, 12, 0), local(BERLIN, 2026, 6, 15, 10, 0), id="on-saturday"
        ),
    ],
)
def test_starting_outside_hours_counts_from_the_next_opening(start, due):
    assert add_business_minutes(EU, start, 60) == due


def test_starting_at_opening_counts_from_opening():
    assert add_business_minutes(EU, local(BERLIN, 2026, 6, 9, 9, 0), 60) == local(
        BERLIN, 2026, 6, 9, 10, 0
    )


def test_zero_minutes_is_due_at_the_start():
    start = local(BERLIN, 2026, 6, 13, 12, 0)  # a Saturday

    assert add_business_minutes(EU, start, 0) == start


def test_a_business_day_is_540_minutes():
    # Monday 09:00 + 5 business days = Friday 18:00 of the same week.
    assert add_business_minutes(EU, local(BERLIN, 2026, 6, 8, 9, 0), 5 * 540) == local(
        BERLIN, 2026, 6, 12, 18, 0
    )


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        add_business_minutes(EU, datetime(2026, 6, 10, 10, 0), 60)


def test_negative_minutes_are_refused():
    with pytest.raises(ValueError):
        add_business_minutes(EU, utc(2026, 6, 10, 10), -1)


def test_calendar_without_working_days_fails_instead_of_hanging():
    idle = TeamCalendar("x", "x", "UTC", frozenset(), time(9), time(18))

    with pytest.raises(ValueError, match="no working day"):
        add_business_minutes(idle, utc(2026, 6, 10, 10), 60)


# --- daylight-saving changes ---------------------------------------------------


@pytest.mark.parametrize(
    ("cal", "start", "due_utc"),
    [
        # Berlin springs forward on Sunday 29 March 2026: CET (UTC+1) on
        # Friday, CEST (UTC+2) on Monday.  1h Friday + 3h Monday.
        pytest.param(EU, utc(2026, 3, 27, 16, 0), utc(2026, 3, 30, 10, 0), id="berlin-spring"),
        # Berlin falls back on Sunday 25 October 2026: CEST Friday, CET Monday.
        pytest.param(EU, utc(2026, 10, 23, 15, 0), utc(2026, 10, 26, 11, 0), id="berlin-autumn"),
        # Los Angeles springs forward on Sunday 8 March 2026: PST (UTC-8)
        # Friday, PDT (UTC-7) Monday.  Friday 17:00 PST = Saturday 01:00Z.
        pytest.param(NA, utc(2026, 3, 7, 1, 0), utc(2026, 3, 9, 19, 0), id="los-angeles-spring"),
        # Los Angeles falls back on Sunday 1 November 2026: PDT Friday, PST Monday.
        # Friday 17:00 PDT = Saturday 00:00Z; Monday 12:00 PST = 20:00Z.
        pytest.param(NA, utc(2026, 10, 31, 0, 0), utc(2026, 11, 2, 20, 0), id="los-angeles-autumn"),
    ],
)
def test_target_spanning_a_dst_change_is_due_at_the_right_utc_instant(cal, start, due_utc):
    due = add_business_minutes(cal, start, 240)

    assert due == due_utc
    assert business_minutes_between(cal, start, due) == 240


def test_working_hours_stay_at_local_wall_time_across_dst():
    # 09:00 Berlin is 08:00Z in winter and 07:00Z in summer.
    assert is_working_instant(EU, utc(2026, 3, 27, 8, 0))
    assert not is_working_instant(EU, utc(2026, 3, 30, 6, 30))
    assert is_working_instant(EU, utc(2026, 3, 30, 7, 0))


def test_dst_night_inside_working_hours_counts_elapsed_minutes():
    # A team working 00:00-23:59 (1439 minutes) every day: the spring-forward
    # day is an hour short, the fall-back day an hour long.
    always = TeamCalendar("x", "x", "Europe/Berlin", frozenset(range(7)), time(0), time(23, 59))
    spring = local(BERLIN, 2026, 3, 29, 0, 0)
    autumn = local(BERLIN, 2026, 10, 25, 0, 0)

    assert business_minutes_between(always, spring, spring + timedelta(days=1)) == 1439 - 60
    assert business_minutes_between(always, autumn, autumn + timedelta(days=1)) == 1439 + 60
    # 01:00 CET + 2h of working time is 04:00 CEST: 02:00-03:00 does not exist.
    assert add_business_minutes(always, local(BERLIN, 2026, 3, 29, 1, 0), 120) == local(
        BERLIN, 2026, 3, 29, 4, 0
    )
    # 01:00 CEST + 2h is the second 02:00 of the night, in CET.
    assert add_business_minutes(always, local(BERLIN, 2026, 10, 25, 1, 0), 120) == utc(
        2026, 10, 25, 1, 0
    )


def test_wall_minutes_ignore_working_hours_and_dst():
    start = local(BERLIN, 2026, 3, 29, 1, 30)  # CET, half an hour before the change

    due = add_wall_minutes(start, 60)

    assert due == utc(2026, 3, 29, 1, 30)
    assert due.astimezone(BERLIN).hour == 3


# --- the DESIGN.md example ---------------------------------------------------------


def test_p3_acknowledge_example_from_design():
    # 2026-03-27T16:30Z is Friday 17:30 CET: 30 minutes left on Friday, then
    # 210 minutes from Monday 09:00 CEST (07:00Z) after the DST change.
    at = utc(2026, 3, 27, 16, 30)
    assert route(CALENDARS, "eu", at) == "eu"

    due = add_business_minutes(CALENDARS["eu"], at, 240)

    assert due.strftime("%Y-%m-%dT%H:%M:%SZ") == "2026-03-30T10:30:00Z"


def test_p3_locate_and_resolve_skip_the_easter_holidays():
    at = utc(2026, 3, 27, 16, 30)
    eu = CALENDARS["eu"]

    # 30 + 540 (Mon) + 510 -> Tuesday 31 March 17:30 CEST.
    assert add_business_minutes(eu, at, 1080) == utc(2026, 3, 31, 15, 30)
    # 30 + 4 x 540 (Mon-Thu) + 510; Karfreitag 3 April and Ostermontag 6 April
    # are holidays -> Tuesday 7 April 17:30 CEST.
    assert add_business_minutes(eu, at, 2700) == utc(2026, 4, 7, 15, 30)


# --- measuring -------------------------------------------------------------------------


def test_business_minutes_between_counts_only_working_time():
    # Friday 17:00 to Monday 10:00 Berlin: 60 + 60.
    start = local(BERLIN, 2026, 6, 12, 17, 0)
    end = local(BERLIN, 2026, 6, 15, 10, 0)

    assert business_minutes_between(EU, start, end) == 120
    assert business_minutes_between(EU, end, start) == 0
    assert business_minutes_between(EU, start, start) == 0


def test_business_minutes_between_drops_partial_minutes():
    start = local(BERLIN, 2026, 6, 12, 10, 0)

    assert business_minutes_between(EU, start, start + timedelta(seconds=119)) == 1


@settings(max_examples=300)
@given(
    code=st.sampled_from(sorted(CALENDARS)),
    start=st.datetimes(
        min_value=datetime(2026, 1, 1),
        max_value=datetime(2026, 12, 31, 23, 59, 59),
        timezones=st.just(UTC),
    ),
    minutes=st.integers(min_value=0, max_value=10 * 540),
)
def test_business_minutes_between_is_the_inverse_of_add_business_minutes(code, start, minutes):
    cal = CALENDARS[code]

    due = add_business_minutes(cal, start, minutes)

    assert due >= start
    assert business_minutes_between(cal, start, due) == minutes
    if minutes:
        # ...and due is the earliest such instant: a second earlier is short.
        assert business_minutes_between(cal, start, due - timedelta(seconds=1)) == minutes - 1
        # A target never runs out outside working hours (closing time counts).
        assert is_working_instant(cal, due - timedelta(microseconds=1))


# --- routing -------------------------------------------------------------------------------
# Tuesday 13 January 2026 (winter everywhere), default teams, in UTC:
#   na 17:00-02:00 (Mon-Tue evening local), eu 08:00-17:00, sea and cn 01:00-10:00.


@pytest.mark.parametrize(
    ("region", "at", "expected"),
    [
        pytest.param("eu", utc(2026, 1, 13, 9, 0), "eu", id="eu-on-duty"),
        pytest.param("na", utc(2026, 1, 13, 18, 0), "na", id="na-on-duty"),
        pytest.param("cn", utc(2026, 1, 13, 2, 0), "cn", id="cn-on-duty"),
        pytest.param("sea", utc(2026, 1, 13, 2, 0), "sea", id="sea-on-duty"),
        # eu off at 03:00Z; sea and cn on, closing together at 10:00Z -> code order.
        pytest.param("eu", utc(2026, 1, 13, 3, 0), "cn", id="eu-night-goes-to-asia"),
        # na off at 09:00Z; eu closes at 17:00Z, sea/cn at 10:00Z -> eu stays longest.
        pytest.param("na", utc(2026, 1, 13, 9, 0), "eu", id="na-night-goes-to-eu"),
        # sea off at 12:00Z; only eu is on duty.
        pytest.param("sea", utc(2026, 1, 13, 12, 0), "eu", id="sea-evening-goes-to-eu"),
        # cn off at 18:00Z; only na is on duty.
        pytest.param("cn", utc(2026, 1, 13, 18, 0), "na", id="cn-night-goes-to-na"),
        # 01:30Z: na still on (closes 02:00Z) but sea/cn close later -> cn.
        pytest.param("eu", utc(2026, 1, 14, 1, 30), "cn", id="handover-prefers-later-close"),
        pytest.param("latam", utc(2026, 1, 13, 18, 0), "na", id="latam-served-by-na"),
        pytest.param("mea", utc(2026, 1, 13, 9, 0), "eu", id="mea-served-by-eu"),
        pytest.param("latam", utc(2026, 1, 13, 9, 0), "eu", id="latam-follows-the-sun"),
    ],
)
def test_route_follows_the_sun(region, at, expected):
    assert route(CALENDARS, region, at) == expected


@pytest.mark.parametrize("region", ["na", "eu", "sea", "cn", "latam", "mea"])
def test_route_falls_back_to_the_regions_team_when_nobody_is_on_duty(region):
    sunday_noon = utc(2026, 1, 11, 12, 0)
    assert on_duty_teams(CALENDARS, sunday_noon) == []

    assert route(CALENDARS, region, sunday_noon) == {"latam": "na", "mea": "eu"}.get(region, region)


def test_route_uses_cn_make_up_saturday():
    # Saturday 14 Feb 2026 03:00Z: only cn is working (调休上班).
    assert route(CALENDARS, "na", utc(2026, 2, 14, 3, 0)) == "cn"


def test_route_skips_a_team_on_holiday():
    # 2026-07-03 is the observed Independence Day: at 17:30Z (10:30 PDT) na is
    # off, and so is everyone else (eu 19:30, sea/cn 01:30 Saturday): na keeps it.
    assert route(CALENDARS, "na", utc(2026, 7, 3, 17, 30)) == "na"
    assert on_duty_teams(CALENDARS, utc(2026, 7, 3, 17, 30)) == []
    # On an ordinary Friday na would be on duty then.
    assert on_duty_teams(CALENDARS, utc(2026, 7, 10, 17, 30)) == ["na"]


def test_route_rejects_an_unknown_region():
    with pytest.raises(ValueError, match="unknown region"):
        route(CALENDARS, "mars", utc(2026, 1, 13, 9, 0))


def test_on_duty_order_does_not_depend_on_load_order():
    at = utc(2026, 1, 13, 3, 0)
    reversed_calendars = dict(reversed(list(CALENDARS.items())))

    assert on_duty_teams(CALENDARS, at) == on_duty_teams(reversed_calendars, at) == ["cn", "sea"]


# --- the fixture ---------------------------------------------------------------------------


def test_fixture_loads_the_four_default_teams():
    assert list(CALENDARS) == ["na", "eu", "sea", "cn"]
    assert {code: cal.timezone for code, cal in CALENDARS.items()} == {
        "na": "America/Los_Angeles",
        "eu": "Europe/Berlin",
        "sea": "Asia/Singapore",
        "cn": "Asia/Shanghai",
    }
    for cal in CALENDARS.values():
        assert cal.working_days == frozenset({0, 1, 2, 3, 4})
        assert (cal.start, cal.end) == (time(9), time(18))


@pytest.mark.parametrize("code", ["na", "eu", "sea", "cn"])
@pytest.mark.parametrize("years_ahead", [0, 1], ids=["current-year", "next-year"])
def test_fixture_has_holidays_for_current_and_next_year(code, years_ahead, time_machine):
    # "Current" is the year of the suite's named instant, read from the
    # frozen clock, never a year written here.
    time_machine.move_to(EU_WORKING_HOURS, tick=False)
    year = datetime.now(CALENDARS[code].zone).year + years_ahead

    assert any(day.year == year for day in CALENDARS[code].holidays)


@pytest.mark.parametrize("code", ["na", "eu", "sea", "cn"])
def test_fixture_holidays_are_not_due_at_the_suites_instant(code, time_machine):
    time_machine.move_to(EU_WORKING_HOURS, tick=False)

    assert not holiday_coverage(CALENDARS[code], datetime.now(UTC)).flagged


def test_fixture_cn_has_2026_make_up_working_days():
    extra = CALENDARS["cn"].extra_working_days

    assert {d for d in extra if d.year == 2026} == {
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    }
    assert all(d.weekday() >= 5 for d in extra)
    assert not extra & CALENDARS["cn"].holidays


def _easter(year: int) -> date:
    # Anonymous Gregorian computus (Meeus/Jones/Butcher).
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


@pytest.mark.parametrize("year", [2026, 2027])
def test_fixture_eu_has_the_easter_based_german_holidays(year):
    easter = _easter(year)
    eu = CALENDARS["eu"].holidays

    for offset in (-2, 1, 39, 50):  # Karfreitag, Ostermontag, Himmelfahrt, Pfingstmontag
        assert easter + timedelta(days=offset) in eu


def test_easter_dates_used_by_the_fixture():
    assert _easter(2026) == date(2026, 4, 5)
    assert _easter(2027) == date(2027, 3, 28)


def test_fixture_na_uses_observed_dates():
    na = CALENDARS["na"].holidays

    assert date(2026, 7, 3) in na  # July 4 2026 is a Saturday
    assert date(2027, 7, 5) in na  # July 4 2027 is a Sunday
    assert all(d.weekday() < 5 for d in na)
