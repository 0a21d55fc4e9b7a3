"""The diagnosis of a description alone, on the launch content and the
search's evaluation set: what the wizard and /api/v1/diagnose suggest when a
customer only says what is wrong."""

import pytest
from django.test import override_settings

from kb.diagnose.diagnosis import DiagnoseInput, diagnosis_build
from kb.search.evaluation import reader_language
from kb.search.synonyms import synonyms_reload
from tests.search.test_relevance import QUERIES, launch_index  # noqa: F401 - the shared index

pytestmark = pytest.mark.django_db

# Measured: 3,513 of 3,604 first (0.975) and 3,589 in the first three (0.996).
FIRST_FLOOR = 0.965
TOP3_FLOOR = 0.99


def _suggested(description: str, language: str) -> list[str]:
    result = diagnosis_build(data=DiagnoseInput(description=description), language=language)
    return [s["problem"] for s in result["suggestions"]]


TYPOS = [
    ("丢保很严重", "丢包很严重", "zh-hans"),
    ("obs faild to conect to server hotel wifi", "obs failed to connect to server hotel wifi",
     "en"),
]


@pytest.fixture(scope="module")
def suggested(launch_index, django_db_blocker):  # noqa: F811 - the fixture imported above
    """What a description alone gets, by (description, language): worked out
    here, while the launch content's index is the live one."""
    descriptions = {(q.q, reader_language(q)) for q in QUERIES}
    descriptions |= {(text, language) for typed, corrected, language in TYPOS
                     for text in (typed, corrected)}
    with django_db_blocker.unblock(), override_settings(KB_INDEX_DIR=launch_index):
        synonyms_reload()
        return {(text, language): _suggested(text, language)
                for text, language in descriptions}


def test_a_description_alone_puts_the_right_fix_first(suggested):
    first = top3 = 0
    missed = []
    for query in QUERIES:
        codes = suggested[query.q, reader_language(query)]
        first += bool(codes) and codes[0] in query.expect
        top3 += any(code in query.expect for code in codes[:3])
        if not codes or codes[0] not in query.expect:
            missed.append((query.q, codes[:3]))
    assert first / len(QUERIES) >= FIRST_FLOOR, missed[:20]
    assert top3 / len(QUERIES) >= TOP3_FLOOR, missed[:20]


@pytest.mark.parametrize(("typed", "corrected", "language"), TYPOS)
def test_a_description_with_typos_is_diagnosed_as_its_corrected_words(
        suggested, typed, corrected, language):
    assert suggested[typed, language] == suggested[corrected, language]
