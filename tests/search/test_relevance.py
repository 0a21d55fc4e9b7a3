"""Relevance on the real launch content, with the evaluation set."""

from pathlib import Path

import pytest
from django.conf import settings

from kb.articles.fixture_files import articles_load_fixtures
from kb.articles.models import Article
from kb.problems.models import Problem
from kb.problems.services import problems_load_fixture
from kb.search.evaluation import (
    evaluate,
    has_quantity,
    load_queries,
    rank_with_search,
    rank_with_substring,
    weak_shares,
)
from kb.search.indexing import index_rebuild
from kb.search.models import SearchGeneration, SearchPosting, SearchTerm, Synonym
from kb.search.synonyms import synonyms_load_fixture, synonyms_reload

# The module's index is built once, on the test database (a test outside a
# database test would find no tables when this file runs alone).
pytestmark = pytest.mark.django_db

FIXTURES = Path(settings.KB_FIXTURES_DIR)
EVAL = Path(settings.BASE_DIR) / "tests" / "search_eval"
QUERIES = load_queries(EVAL / "queries.toml")
UNCOVERED = load_queries(EVAL / "uncovered.toml")
# The rounds nothing was tuned for (see their sections in queries.toml), with
# the hit@3 and MRR each must keep. Their first runs:
HELD_OUT_FLOORS = {
    3: (0.94, 0.88),  # the first held-out round: hit@3 0.948, MRR 0.896
    6: (0.94, 0.85),  # everyday phrasings in every area: hit@3 1.000, MRR 0.884
    18: (0.94, 0.9),  # overseas teams streaming into China, in English: 1.000, 0.988
    20: (0.94, 0.9),  # Chinese teams streaming abroad, in Chinese: 1.000, 0.963
    23: (0.94, 0.9),  # broadcast and OTT engineers' jargon and log lines: 1.000, 0.950
    27: (0.94, 0.9),  # operations staff reading dashboards and alerts: 0.975, 0.940
    30: (0.94, 0.85),  # the customer's network administrators: 0.975, 0.885
    33: (0.94, 0.85),  # cross-border live-commerce sellers (TikTok, 专线): 1.000, 0.863
    35: (0.875, 0.8),  # viewers again, after round 34 was tuned: 0.900, 0.836
    37: (0.925, 0.9),  # phones and the field, after its twin round 36 was tuned: 0.950, 0.927
    39: (0.94, 0.9),  # webinars and classes, after its twin round 38 was tuned: 1.000, 0.963
    41: (0.925, 0.9),  # game and esports streamers, after its twin round 40: 0.950, 0.924
    43: (0.94, 0.9),  # viewers across a border, after its twin round 42: 1.000, 0.942
    45: (0.95, 0.875),  # live commerce into SE Asia, after its twin round 44: 0.975, 0.917
    47: (0.9, 0.875),  # houses of worship and small venues, after round 46: 0.925, 0.911
    49: (0.94, 0.9),  # product launches and trade shows, after round 48: 1.000, 0.933
    51: (0.925, 0.9),  # sports clubs, leagues and races, after round 50: 0.950, 0.943
    53: (0.925, 0.85),  # news crews and broadcasters, after round 52: 0.950, 0.871
    55: (0.95, 0.9),  # concerts and pay-per-view, after round 54: 1.000, 0.929
    57: (0.95, 0.9),  # academic and medical conferences, after round 56: 0.975, 0.946
    59: (0.9, 0.85),  # studios and teachers streaming classes, after round 58: 0.925, 0.870
    61: (0.95, 0.9),  # agencies running many live rooms, after round 60: 0.975, 0.925
    63: (0.95, 0.925),  # unattended 24/7 live cameras, after round 62: 1.000, 0.975
    65: (0.95, 0.875),  # weddings and private events, after round 64: 1.000, 0.908
    67: (0.95, 0.9),  # live auctions and real-time shows, after round 66: 0.975, 0.926
    69: (0.95, 0.9),  # streams about sound first, after round 68: 1.000, 0.942
    71: (0.925, 0.9),  # investor relations and corporate webcasts, after round 70: 0.950, 0.932
    73: (0.95, 0.9),  # community volunteers, after round 72: 0.975, 0.952
    75: (0.95, 0.925),  # AV integrators, after round 74: 1.000, 0.958
    77: (0.95, 0.925),  # backend engineers running relays, after round 76: 1.000, 0.963
}
HELD_OUT = 3


@pytest.fixture(scope="module")
def launch_index(django_db_setup, django_db_blocker, tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("launch-index")
    with django_db_blocker.unblock():
        problems_load_fixture(path=FIXTURES / "problems.json")
        articles_load_fixtures(root=FIXTURES / "articles")
        synonyms_load_fixture(path=FIXTURES / "synonyms.toml")
        from django.test import override_settings

        with override_settings(KB_INDEX_DIR=index_dir):
            index_rebuild()
        yield index_dir
        Article.objects.all().delete()
        Problem.objects.all().delete()
        Synonym.objects.all().delete()
        # The PostgreSQL backend's rows were committed too.
        for model in (SearchPosting, SearchTerm, SearchGeneration):
            model.objects.all().delete()


@pytest.fixture(scope="module")
def scores(launch_index, django_db_blocker):
    from django.test import override_settings

    with django_db_blocker.unblock(), override_settings(KB_INDEX_DIR=launch_index):
        synonyms_reload()
        return evaluate(QUERIES, rank_with_search), evaluate(QUERIES, rank_with_substring)


def test_evaluation_set_is_broad():
    assert len(QUERIES) >= 500
    assert {q.lang for q in QUERIES} == {"en", "zh-hans", "mixed"}
    assert {q.kind for q in QUERIES} == {"symptom", "error", "keyword", "typo", "question"}
    written_from_customers = [q for q in QUERIES if q.round == 2]
    assert len(written_from_customers) >= 150
    assert sum(q.lang != "en" for q in written_from_customers) >= len(written_from_customers) / 2
    assert all(1 <= len(q.expect) <= 3 for q in QUERIES)
    assert len(UNCOVERED) >= 30 and not any(q.expect for q in UNCOVERED)
    # Resolutions, frame rates and bitrates, in both languages.
    assert sum(has_quantity(q) for q in QUERIES) >= 30
    held_out = [q for q in QUERIES if q.round == HELD_OUT]
    assert len(held_out) >= 100
    assert {q.lang for q in held_out} == {"en", "zh-hans", "mixed"}


def test_right_fix_is_in_the_top_three_in_each_language(scores):
    search, _ = scores
    for key in ("lang:en", "lang:zh-hans", "lang:mixed"):
        assert search[key].row()["hit@3"] >= 0.95, (key, search["all"].misses)


def test_search_is_well_above_the_substring_baseline(scores):
    search, baseline = scores
    assert search["all"].row()["hit@3"] >= baseline["all"].row()["hit@3"] + 0.4
    assert search["all"].row()["mrr"] >= 0.88


def test_questions_with_numbers_reach_their_fix(scores):
    # "720p60 码率给多少合适", "what bitrate for 4K30": the quantities are read
    # as such (kb.search.analysis) and meet the encoder fixes' tables.
    search, _ = scores
    assert search["numbers"].row()["hit@3"] >= 0.95, search["all"].misses
    assert search["numbers"].row()["mrr"] >= 0.88


def test_queries_nobody_tuned_for_find_the_fix_about_as_often(scores):
    # Held out: what the search does on words it was never adjusted to; a
    # change that gains on the rounds it was tuned on and loses here is
    # overfitting.
    search, _ = scores
    for held_out, (hit3_floor, mrr_floor) in HELD_OUT_FLOORS.items():
        row = search[f"round:{held_out}"].row()
        assert row["hit@3"] >= hit3_floor, (held_out, search["all"].misses)
        assert row["mrr"] >= mrr_floor, held_out


@pytest.fixture(scope="module")
def weak(launch_index, django_db_blocker):
    from django.test import override_settings

    with django_db_blocker.unblock(), override_settings(KB_INDEX_DIR=launch_index):
        synonyms_reload()
        return weak_shares(QUERIES), weak_shares(UNCOVERED)


def test_what_the_knowledge_base_does_not_cover_is_shown_as_weak(weak):
    covered, uncovered = weak
    # Invoices, refunds, passwords: nearly all are flagged (by their words or a
    # weak match); a right first fix rarely is.
    assert uncovered["weak"] >= 0.85
    assert covered["weak_when_right"] <= 0.05


def test_the_command_reports_each_slice(launch_index, django_db_blocker, tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command
    from django.test import override_settings

    queries = tmp_path / "queries.toml"
    queries.write_text(
        '[[query]]\nq = "obs 推流 Failed to connect to server"\nlang = "mixed"\n'
        'kind = "error"\nexpect = ["push.connect-refused"]\n\n'
        '[[query]]\nq = "推着推着就断了"\nlang = "zh-hans"\nkind = "symptom"\n'
        'expect = ["push.periodic-disconnect", "net.loss-last-mile"]\nround = 3\n\n'
        '[[query]]\nq = "720p60 码率给多少合适"\nlang = "mixed"\nkind = "question"\n'
        'expect = ["enc.bitrate-too-high"]\nround = 2\n',
        encoding="utf-8")
    uncovered = tmp_path / "uncovered.toml"
    uncovered.write_text('[[query]]\nq = "how do I get an invoice"\nlang = "en"\n',
                         encoding="utf-8")
    out = StringIO()
    with django_db_blocker.unblock(), override_settings(KB_INDEX_DIR=launch_index):
        synonyms_reload()
        call_command("search_eval", file=queries, uncovered=uncovered, misses=True, stdout=out)
        with pytest.raises(CommandError, match="cannot read"):
            call_command("search_eval", file=tmp_path / "missing.toml", stdout=StringIO())
    report = out.getvalue()
    assert "hit@3" in report and "MRR" in report
    for key in ("all", "lang:mixed", "lang:zh-hans", "kind:error", "numbers", "round:1",
                "round:3"):
        assert f"\n{key} " in report
    assert "1 questions the knowledge base does not cover" in report
