from hypothesis import given
from hypothesis import strategies as st

from kb.core.params import MAX_DATABASE_INTEGER, whole_number


def test_digits_in_range_are_read():
    assert whole_number("12", low=1, high=52) == 12
    assert (whole_number("0"), whole_number("007")) == (0, 7)


def test_what_int_or_the_database_would_refuse_is_no_number():
    too_big = str(MAX_DATABASE_INTEGER + 1)
    for text in ["²", "٣", "１２", "1" * 5000, too_big, "-1", "+1", " 1", "1.0", "", None]:
        assert whole_number(text) is None


def test_a_number_outside_the_range_is_no_number():
    assert (whole_number("0", low=1, high=52), whole_number("53", low=1, high=52)) == (None, None)


@given(st.text(max_size=30), st.integers(min_value=0, max_value=1000),
       st.integers(min_value=0, max_value=10**12))
def test_any_text_is_a_number_in_range_or_none(text, low, span):
    value = whole_number(text, low=low, high=low + span)
    assert value is None or low <= value <= low + span
