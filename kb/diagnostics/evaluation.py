"""Answer quality of the diagnosis, measured on labelled real outputs.

Pure Python, no Django: ``python manage.py diagnose_eval`` and the tests
call :func:`evaluate` and print :func:`report`.

Two inputs, both in ``tests/diagnostics``:

- ``samples/``: real tool outputs, each with a sidecar
  ``<file>.expected.json`` whose ``detected`` and ``platform`` say which
  tool printed it on which platform (labelled by hand).  Parse accuracy is
  the share of samples detected as that tool and platform, per tool.
- ``scenarios.toml``: what a customer sent (description, attachments by
  sample name, answers, reader's language) and what a senior support
  engineer concludes from it, labelled before the code was run on it:

  ``acceptable``
      problem codes any of which is a right answer; top-1 counts when the
      first suggestion is one, top-3 when one is among the first three.
      Empty means nothing is wrong: right when no suggestion reaches the
      confidence that counts as an explanation.
  ``forbidden_first``
      codes that must never be the first suggestion (the wrong conclusion
      that sends the customer the wrong way).
  ``escalate`` and ``priority``
      whether a ticket should be recommended, and at which priority when it
      should (``priority`` is ignored when ``escalate`` is false).
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .engine import diagnose, parse
from .models import Answers, Attachment
from .rules import THRESHOLDS


@dataclass
class Scenario:
    id: str
    description: str = ""
    attachments: list[str] = field(default_factory=list)
    answers: dict[str, Any] = field(default_factory=dict)
    lang: str = "en"
    acceptable: list[str] = field(default_factory=list)
    forbidden_first: list[str] = field(default_factory=list)
    escalate: bool = False
    priority: str | None = None


@dataclass
class Outcome:
    scenario: Scenario
    top: list[str]
    top_confidence: float
    escalate: bool
    priority: str | None
    top1: bool
    top3: bool
    escalation_right: bool
    forbidden: bool


@dataclass
class Evaluation:
    parse: dict[str, list[int]] = field(default_factory=dict)  # tool -> [right, total]
    parse_misses: list[str] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def samples(self) -> int:
        return sum(total for _right, total in self.parse.values())

    @property
    def parsed_right(self) -> int:
        return sum(right for right, _total in self.parse.values())

    def _share(self, attr: str) -> float:
        if not self.outcomes:
            return 0.0
        return sum(1 for o in self.outcomes if getattr(o, attr)) / len(self.outcomes)

    @property
    def top1(self) -> float:
        return self._share("top1")

    @property
    def top3(self) -> float:
        return self._share("top3")

    @property
    def escalation(self) -> float:
        return self._share("escalation_right")

    @property
    def forbidden_first(self) -> int:
        return sum(1 for o in self.outcomes if o.forbidden)

    def confusions(self) -> list[Outcome]:
        return [
            o
            for o in self.outcomes
            if not (o.top1 and o.top3 and o.escalation_right) or o.forbidden
        ]


def load_scenarios(path: Path) -> list[Scenario]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    scenarios = []
    for raw in data.get("scenario", []):
        scenarios.append(
            Scenario(
                id=str(raw["id"]),
                description=str(raw.get("description", "")),
                attachments=list(raw.get("attachments", [])),
                answers=dict(raw.get("answers", {})),
                lang=str(raw.get("lang", "en")),
                acceptable=list(raw.get("acceptable", [])),
                forbidden_first=list(raw.get("forbidden_first", [])),
                escalate=bool(raw.get("escalate", False)),
                priority=raw.get("priority"),
            )
        )
    ids = [s.id for s in scenarios]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise ValueError(f"duplicate scenario ids: {sorted(duplicates)}")
    return scenarios


def _evaluate_parsing(samples: Path, result: Evaluation) -> None:
    for sidecar in sorted(samples.glob("*.expected.json")):
        expected = json.loads(sidecar.read_text(encoding="utf-8"))
        sample = samples / sidecar.name.removesuffix(".expected.json")
        parsed = parse(sample.name, sample.read_bytes())
        tool = expected["detected"]
        if expected["detected"] != "unknown" and expected.get("platform"):
            tool = f"{tool} ({expected['platform']})"
        counts = result.parse.setdefault(tool, [0, 0])
        counts[1] += 1
        if (parsed.detected, parsed.platform) == (expected["detected"], expected.get("platform")):
            counts[0] += 1
        else:
            result.parse_misses.append(
                f"{sample.name}: expected {expected['detected']}/{expected.get('platform')}, "
                f"got {parsed.detected}/{parsed.platform}"
            )


def run_scenario(scenario: Scenario, samples: Path) -> Outcome:
    answers = Answers(
        role=scenario.answers.get("role"),
        protocol=scenario.answers.get("protocol"),
        region=scenario.answers.get("region"),
        stream_down=scenario.answers.get("stream_down"),
    )
    attachments = [Attachment(name, (samples / name).read_bytes()) for name in scenario.attachments]
    result = diagnose(description=scenario.description, answers=answers, attachments=attachments)
    top = [s.problem for s in result.suggestions[:3]]
    confidence = result.suggestions[0].confidence if result.suggestions else 0.0
    explained = THRESHOLDS["explained_confidence"]
    if scenario.acceptable:
        top1 = bool(top) and top[0] in scenario.acceptable
        top3 = any(code in scenario.acceptable for code in top)
    else:
        top1 = top3 = confidence < explained
    escalate = result.escalate.recommended
    priority = result.escalate.priority
    escalation_right = escalate == scenario.escalate and (
        not scenario.escalate or scenario.priority is None or priority == scenario.priority
    )
    forbidden = bool(top) and top[0] in scenario.forbidden_first
    return Outcome(
        scenario=scenario,
        top=top,
        top_confidence=confidence,
        escalate=escalate,
        priority=priority,
        top1=top1,
        top3=top3,
        escalation_right=escalation_right,
        forbidden=forbidden,
    )


def evaluate(scenarios_path: Path, samples: Path) -> Evaluation:
    result = Evaluation()
    _evaluate_parsing(samples, result)
    for scenario in load_scenarios(scenarios_path):
        result.outcomes.append(run_scenario(scenario, samples))
    return result


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def report(result: Evaluation) -> str:
    lines = [f"Parsing: {result.parsed_right}/{result.samples} samples detected as the right tool"]
    for tool, (right, total) in sorted(result.parse.items()):
        lines.append(f"  {tool:<22} {right}/{total}")
    lines += [f"  miss: {m}" for m in result.parse_misses]
    n = len(result.outcomes)
    lines += [
        f"Scenarios: {n}",
        f"  top-1 right:          {sum(o.top1 for o in result.outcomes)}/{n} ({_pct(result.top1)})",
        f"  top-3 right:          {sum(o.top3 for o in result.outcomes)}/{n} ({_pct(result.top3)})",
        f"  escalation right:     {sum(o.escalation_right for o in result.outcomes)}/{n} "
        f"({_pct(result.escalation)})",
        f"  forbidden first:      {result.forbidden_first}",
    ]
    confusions = result.confusions()
    lines.append(f"Confusions: {len(confusions)}")
    for o in confusions:
        s = o.scenario
        marks = []
        if not o.top3:
            marks.append("top-3 wrong")
        elif not o.top1:
            marks.append("top-1 wrong")
        if o.forbidden:
            marks.append("FORBIDDEN first")
        if not o.escalation_right:
            want = f"{s.priority or 'yes'}" if s.escalate else "no"
            got = f"{o.priority or 'yes'}" if o.escalate else "no"
            marks.append(f"escalate want {want} got {got}")
        expected = ", ".join(s.acceptable) or "(nothing wrong)"
        lines.append(
            f"  {s.id}: {'; '.join(marks)} | want {expected} | got {', '.join(o.top) or '-'}"
        )
    return "\n".join(lines)
