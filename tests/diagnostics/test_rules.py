from __future__ import annotations

import re
from pathlib import Path

import pytest

from kb.diagnostics import rules

TAXONOMY = Path(__file__).resolve().parents[3] / "shared" / "taxonomy.toml"


def test_keyword_rules_cover_every_problem_code():
    covered = {r.problem for r in rules.KEYWORD_RULES}
    assert covered == set(rules.PROBLEM_CODES)


@pytest.mark.skipif(not TAXONOMY.exists(), reason="shared taxonomy not beside the repo")
def test_problem_codes_match_the_shared_taxonomy():
    codes = re.findall(r'^code = "([^"]+)"', TAXONOMY.read_text(encoding="utf-8"), re.M)
    assert set(codes) == set(rules.PROBLEM_CODES)


def test_every_rule_names_a_known_problem_code():
    known = set(rules.PROBLEM_CODES)
    for rule in (*rules.FINDING_RULES, *rules.KEYWORD_RULES, *rules.ANSWER_RULES):
        assert rule.problem in known, rule
        assert 0 < rule.confidence < 1


def test_every_problem_set_used_by_escalation_is_known():
    known = set(rules.PROBLEM_CODES)
    assert rules.CUSTOMER_FIXABLE <= known
    assert rules.PROVIDER_NETWORK <= known
    assert rules.PROVIDER_SERVICE <= known


def test_there_are_chinese_keywords():
    assert any(re.search(r"[\u4e00-\u9fff]", p) for r in rules.KEYWORD_RULES for p in r.phrases)


def test_combining_two_weak_signals_beats_either_and_stays_below_one():
    assert rules.combine([0.5, 0.5]) == 0.75
    assert rules.combine([0.99, 0.99, 0.99]) <= 0.99
    assert rules.combine([]) == 0.0


@pytest.mark.parametrize(
    "text,phrase",
    [
        ("推流提示流名已被占用", "流名已被占用"),
        ("viewers get http 403", "403"),
        ("the keyframe interval", "keyframe"),
    ],
)
def test_keyword_matching_finds_phrases_and_regexes(text, phrase):
    hits = [rules.keyword_matches(r, text.lower()) for r in rules.KEYWORD_RULES]
    assert phrase in [h for h in hits if h]


def test_403_does_not_match_inside_other_numbers():
    rule = next(r for r in rules.KEYWORD_RULES if r.problem == "play.forbidden-403")
    assert rules.keyword_matches(rule, "bitrate 14030 kbps") is None
