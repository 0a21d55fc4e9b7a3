from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kb.diagnostics.numbers import MAX_READING, count, percent, reading


@pytest.mark.parametrize(
    "raw", ["nan", "-nan", "inf", "Infinity", "1e308", "9" * 400, "-1", ".", "...", "1.2.3", "",
            "ms", None, True, float("nan"), "１２", "٣"]
)
def test_what_no_tool_prints_is_no_reading(raw):
    assert reading(raw) is None


@pytest.mark.parametrize(("raw", "value"), [("12.3", 12.3), ("0", 0.0), (" 7 ", 7.0), (45, 45.0)])
def test_printed_decimals_and_json_numbers_are_readings(raw, value):
    assert reading(raw) == value


def test_a_percentage_above_a_hundred_is_no_percentage():
    assert (percent("100"), percent("100.1"), percent("0.4")) == (100.0, None, 0.4)


def test_a_count_is_whole():
    assert (count("10"), count(10.0), count("10.5"), count("1e12")) == (10, 10, None, None)


@given(st.one_of(st.text(max_size=30), st.floats(), st.integers()))
def test_a_reading_is_always_safe_to_do_arithmetic_with(raw):
    value = reading(raw)
    if value is not None:
        assert math.isfinite(value) and 0 <= value <= MAX_READING
        assert math.isfinite(value * value * 100)
        round(value)
