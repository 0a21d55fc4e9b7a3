from hypothesis import given
from hypothesis import strategies as st

from kb.diagnostics.typing_forms import ascii_alphanumerics


def test_full_width_letters_and_digits_become_ascii_and_punctuation_stays():
    typed = "ＯＢＳ　推流，端口１９３５：ｒｅｆｕｓｅｄ"
    assert ascii_alphanumerics(typed) == "OBS　推流，端口1935：refused"


@given(st.text(max_size=200))
def test_every_character_maps_to_one_and_ascii_text_is_unchanged(text):
    mapped = ascii_alphanumerics(text)
    assert len(mapped) == len(text)
    assert ascii_alphanumerics(text.encode("ascii", "ignore").decode()) == text.encode(
        "ascii", "ignore").decode()
    assert ascii_alphanumerics(mapped) == mapped
