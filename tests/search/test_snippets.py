"""The snippet under a search result marks what Whoosh's highlighter would."""

import html

import nh3
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import highlight
from whoosh.analysis import Token

from kb.search.snippets import BETWEEN, MAX_CHARS, SURROUND, TOP, hit_snippet, marked_fragment
from kb.search.snippets import text_terms as cached_terms


class _WhooshMarks(highlight.Formatter):
    between = BETWEEN

    def _text(self, text):
        return html.escape(text, quote=False)

    def format_token(self, text, token, replace=False):
        return f"<mark>{html.escape(highlight.get_text(text, token, replace), quote=False)}</mark>"


def _cached_analyzer(value, **_options):
    for term, start, end in cached_terms(value):
        yield Token(chars=True, text=term, startchar=start, endchar=end, boost=1.0)


def whoosh_fragment(text: str, matched: frozenset[str]) -> str:
    fragment = highlight.highlight(
        text, matched, _cached_analyzer,
        highlight.ContextFragmenter(maxchars=MAX_CHARS, surround=SURROUND),
        _WhooshMarks(), top=TOP,
    )
    return nh3.clean(fragment, tags={"mark"}, attributes={}) if fragment else ""


# Words a query may match, and filler of many lengths between them, so that
# texts have several fragments, ties between them and edges a character apart.
KEY_WORDS = ["buffering", "stream", "keyframe", "OBS", "rtmp://a/b", "10054", "<b>", "a&b",
             "isn't", "卡顿", "推流", "观众", "Failed", "x" * 60]
FILLER = ["the", "a", "to", "on", "and", "viewers", "connection", "it", "is", "we", "断开",
          "，", "。", "\n", "I", "again", "nothing", "here", "sometimes", "at", "night"]


# A text: runs of filler, each after a word a query may match.
texts = st.lists(
    st.tuples(st.sampled_from(KEY_WORDS), st.lists(st.sampled_from(FILLER), max_size=40)),
    max_size=8,
).map(lambda runs: " ".join(" ".join([key, *filler]) for key, filler in runs))


@settings(max_examples=500, deadline=None)
@given(text=texts, data=st.data())
def test_marks_the_fragments_whooshs_highlighter_picks(text, data):
    terms = sorted({term for term, _, _ in cached_terms(text)})
    matched = frozenset(data.draw(st.lists(st.sampled_from(terms), unique=True, max_size=4))
                        if terms else [])
    marked_fragment.cache_clear()
    assert marked_fragment(text, matched) == whoosh_fragment(text, matched)


def query_terms(text: str) -> set[str]:
    return {term for term, _, _ in cached_terms(text)}


def test_matched_words_are_marked_and_the_rest_escaped():
    hit = {"symptoms": "<script>x</script> buffering forever", "summary": "Buffering."}
    snippet = hit_snippet(hit, query_terms("buffering"))
    assert "<mark>buffering</mark>" in snippet
    assert "&lt;/script&gt;" in snippet
    assert "<" not in snippet.replace("<mark>", "").replace("</mark>", "")


def test_a_long_text_shows_the_two_best_places_with_context():
    filler = " ".join(["nothing here"] * 30)
    text = f"OBS buffering at start. {filler} dropped frames and buffering again. {filler} end"
    snippet = hit_snippet({"symptoms": text}, query_terms("buffering dropped"))
    assert snippet.count(BETWEEN) == 1
    assert snippet.count("<mark>") == 3
    assert len(snippet) < len(text) / 2


def test_summary_stands_in_when_the_symptoms_have_no_matched_word():
    hit = {"symptoms": "stutter on mobile", "summary": "Set a 2 s keyframe interval."}
    assert hit_snippet(hit, query_terms("keyframe")) == "Set a 2 s <mark>keyframe</mark> interval"
    assert hit_snippet(hit, {"zzz"}) == "Set a 2 s keyframe interval."
