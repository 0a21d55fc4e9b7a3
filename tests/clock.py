"""Named instants for tests that depend on "now" (UTC).

Tests move the clock with time-machine's ``time_machine`` fixture
(``time_machine.move_to(EU_WORKING_HOURS)``) instead of reading the wall
clock, so the suite gives the same answer at any hour, on a weekend or a
holiday, in any time zone. Each instant says which team is on duty then
(fixtures/teams.toml: Monday to Friday, 09:00-18:00 local).
"""

import datetime as dt

UTC = dt.UTC

# Wednesday 25 March 2026, 10:00 in Shanghai and Singapore: the China and
# Southeast Asia teams are on duty, Europe (03:00) and North America are not.
CN_WORKING_HOURS = dt.datetime(2026, 3, 25, 2, 0, tzinfo=UTC)
# Wednesday 25 March 2026, 12:00 in Berlin (CET): only the Europe team is on
# duty (Shanghai and Singapore 19:00, Los Angeles 04:00).
EU_WORKING_HOURS = dt.datetime(2026, 3, 25, 11, 0, tzinfo=UTC)
# Saturday 5 December 2026, 23:40 UTC: no team is on duty anywhere.
SATURDAY_NIGHT = dt.datetime(2026, 12, 5, 23, 40, tzinfo=UTC)
