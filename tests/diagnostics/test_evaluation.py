"""The diagnosis measured on the labelled real outputs, with floors.

tests/diagnostics/scenarios.toml holds what customers sent and what a senior
support engineer concludes; tests/diagnostics/samples the real outputs. The
same evaluation prints as ``python manage.py diagnose_eval``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.diagnostics.evaluation import evaluate, load_scenarios, report

HERE = Path(__file__).parent
SCENARIOS = HERE / "scenarios.toml"
SAMPLES = HERE / "samples"


@pytest.fixture(scope="module")
def result():
    return evaluate(SCENARIOS, SAMPLES)


def test_the_corpus_and_the_scenarios_are_large_enough():
    samples = [p for p in SAMPLES.iterdir() if not p.name.endswith((".expected.json", ".md"))]
    assert len(samples) >= 120
    assert len(load_scenarios(SCENARIOS)) >= 80


def test_every_scenario_names_real_samples_and_known_problem_codes():
    from kb.diagnostics.rules import PROBLEM_CODES

    for scenario in load_scenarios(SCENARIOS):
        for name in scenario.attachments:
            assert (SAMPLES / name).is_file(), (scenario.id, name)
        for code in scenario.acceptable + scenario.forbidden_first:
            assert code in PROBLEM_CODES, (scenario.id, code)
        assert scenario.priority in (None, "P1", "P2", "P3", "P4")


def test_every_sample_is_detected_as_the_right_tool(result):
    assert result.parsed_right == result.samples, result.parse_misses


def test_top_three_suggestions_hold_a_right_answer_in_95_percent(result):
    assert result.top3 >= 0.95, report(result)


def test_escalation_is_right_in_95_percent(result):
    assert result.escalation >= 0.95, report(result)


def test_no_scenario_gets_a_forbidden_first_suggestion(result):
    assert result.forbidden_first == 0, report(result)


def test_the_report_lists_figures_and_confusions(result):
    text = report(result)
    assert "top-1 right" in text and "escalation right" in text and "Confusions" in text
