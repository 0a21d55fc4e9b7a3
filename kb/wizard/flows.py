"""Flow definitions: TOML text -> a validated, normalized definition.

The format is described in ``fixtures/flows/README.md``. Everything here is
about the shape of one flow (steps, choices, links, both languages, no
cycles, no dead ends); whether the fixes it names are published is checked
against the database by :func:`kb.wizard.selectors.flow_article_errors`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field

from kb.core.choices import Language, Priority, Protocol, Region, Role

LANGUAGES = tuple(Language.values)
KINDS = ("question", "describe", "paste", "check", "fix", "escalate")
PRIORITIES = tuple(Priority.values)
ROLES = tuple(Role.values)
PROTOCOLS = tuple(Protocol.values)
REGIONS = tuple(Region.values)
AREAS = ("push", "network", "encoder", "playback", "operations")
DESCRIBE_FIELDS = ("description", "stream_id")
# What a choice may record about the problem (read by the diagnosis and by
# the priority derivation).
SET_KEYS = ("role", "protocol", "region", "stream_down", "priority", "suspect")


class FlowError(ValueError):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class _Checker:
    errors: list[str] = field(default_factory=list)

    def text(self, value, where: str, *, required: bool = True) -> dict[str, str]:
        """A bilingual text: a table with a non-empty string per language."""
        if value is None and not required:
            return {}
        if not isinstance(value, dict):
            self.errors.append(f"{where}: needs {' and '.join(f'{where}.{x}' for x in LANGUAGES)}")
            return {}
        out = {}
        for language in LANGUAGES:
            text = value.get(language)
            if not isinstance(text, str) or not text.strip():
                self.errors.append(f"{where}.{language} is missing or empty")
            else:
                out[language] = text.strip()
        extra = set(value) - set(LANGUAGES)
        if extra:
            self.errors.append(f"{where}: unknown language(s) {sorted(extra)}")
        return out

    def ident(self, value, where: str) -> str:
        if (not isinstance(value, str) or not value or len(value) > 64
                or not all(c.isalnum() or c in "-_" for c in value) or not value.isascii()):
            self.errors.append(f"{where}: must be a short id of letters, digits, - or _")
            return ""
        return value


def _sets(check: _Checker, raw, where: str) -> dict:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        check.errors.append(f"{where}: must be a table")
        return {}
    out: dict = {}
    for key, value in raw.items():
        allowed = {"role": ROLES, "protocol": PROTOCOLS, "region": REGIONS,
                   "priority": PRIORITIES}.get(key)
        if key not in SET_KEYS:
            check.errors.append(f"{where}: unknown key {key!r} (allowed: {', '.join(SET_KEYS)})")
        elif allowed is not None and value not in allowed:
            check.errors.append(f"{where}.{key}: {value!r} is not one of {', '.join(allowed)}")
        elif key == "stream_down" and not isinstance(value, bool):
            check.errors.append(f"{where}.stream_down must be true or false")
        elif key == "suspect" and not (isinstance(value, list)
                                       and all(isinstance(v, str) for v in value)):
            check.errors.append(f"{where}.suspect must be a list of problem codes")
        else:
            out[key] = value
    return out


def _step(check: _Checker, raw: dict, index: int) -> dict:
    where = f"step {index + 1}"
    if not isinstance(raw, dict):
        check.errors.append(f"{where}: must be a table")
        return {}
    step_id = check.ident(raw.get("id"), f"{where}.id")
    where = f"step {step_id or index + 1}"
    kind = raw.get("kind")
    if kind not in KINDS:
        check.errors.append(f"{where}: kind must be one of {', '.join(KINDS)}")
        return {"id": step_id, "kind": "invalid"}
    step = {"id": step_id, "kind": kind,
            "prompt": check.text(raw.get("prompt"), f"{where}.prompt"),
            "help": check.text(raw.get("help"), f"{where}.help", required=False)}
    if kind != "escalate" and kind != "question":
        step["next"] = check.ident(raw.get("next"), f"{where}.next")
    if kind == "question":
        choices = raw.get("choice") or []
        if not isinstance(choices, list) or len(choices) < 2:
            check.errors.append(f"{where}: a question needs at least two [[step.choice]]")
            choices = choices if isinstance(choices, list) else []
        step["choices"] = []
        seen = set()
        for number, choice in enumerate(choices):
            cwhere = f"{where} choice {number + 1}"
            if not isinstance(choice, dict):
                check.errors.append(f"{cwhere}: must be a table")
                continue
            choice_id = check.ident(choice.get("id"), f"{cwhere}.id")
            if choice_id in seen:
                check.errors.append(f"{cwhere}: id {choice_id!r} is used twice")
            seen.add(choice_id)
            step["choices"].append({
                "id": choice_id,
                "label": check.text(choice.get("label"), f"{cwhere}.label"),
                "next": check.ident(choice.get("next"), f"{cwhere}.next"),
                "sets": _sets(check, choice.get("sets"), f"{cwhere}.sets"),
            })
    elif kind == "describe":
        field_name = raw.get("field", "description")
        if field_name not in DESCRIBE_FIELDS:
            check.errors.append(f"{where}.field must be one of {', '.join(DESCRIBE_FIELDS)}")
        step["field"] = field_name
        step["required"] = bool(raw.get("required", False))
    elif kind == "paste":
        step["optional"] = bool(raw.get("optional", True))
    elif kind == "fix":
        step["use_diagnosis"] = bool(raw.get("use_diagnosis", False))
        fixes = raw.get("fix") or []
        if not isinstance(fixes, list):
            check.errors.append(f"{where}: [[step.fix]] must be a list")
            fixes = []
        if not fixes and not step["use_diagnosis"]:
            check.errors.append(f"{where}: a fix step needs [[step.fix]] entries "
                                "or use_diagnosis = true")
        step["fixes"] = []
        for number, entry in enumerate(fixes):
            fwhere = f"{where} fix {number + 1}"
            if not isinstance(entry, dict) or not isinstance(entry.get("article"), str):
                check.errors.append(f"{fwhere}: needs article = \"slug\"")
                continue
            step["fixes"].append({"article": entry["article"],
                                  "why": check.text(entry.get("why"), f"{fwhere}.why")})
    elif kind == "escalate":
        step["emergency"] = bool(raw.get("emergency", False))
        priority = raw.get("priority", "P3")
        if priority not in PRIORITIES:
            check.errors.append(f"{where}.priority must be one of {', '.join(PRIORITIES)}")
        step["priority"] = "P1" if step["emergency"] else priority
        step["subject"] = check.text(raw.get("subject"), f"{where}.subject")
        quick = raw.get("quick_checks", [])
        if not isinstance(quick, list) or not all(isinstance(s, str) for s in quick):
            check.errors.append(f"{where}.quick_checks must be a list of article slugs")
            quick = []
        step["quick_checks"] = quick
    return step


def successors(step: dict) -> list[str]:
    if step["kind"] == "question":
        return [c["next"] for c in step.get("choices", [])]
    if step["kind"] == "escalate":
        return []
    return [step["next"]] if step.get("next") else []


def _check_graph(check: _Checker, start: str, steps: dict[str, dict]) -> None:
    if start not in steps:
        check.errors.append(f"start: no step {start!r}")
        return
    for step in steps.values():
        for target in successors(step):
            if target and target not in steps:
                check.errors.append(f"step {step['id']}: leads to unknown step {target!r} "
                                    "(a dead end)")
    # Depth-first from start: a grey node met again is a cycle.
    state: dict[str, str] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "grey"
        for target in successors(steps[node]):
            if target not in steps:
                continue
            if state.get(target) == "grey":
                loop = " -> ".join(path[path.index(target):] + [target])
                check.errors.append(f"cycle: {loop}")
            elif target not in state:
                visit(target, path + [target])
        state[node] = "black"

    visit(start, [start])
    unreachable = sorted(set(steps) - set(state))
    if unreachable:
        check.errors.append(f"steps never reached from start: {', '.join(unreachable)}")


def flow_parse(text: str) -> dict:
    """Parse and validate one flow; raises :class:`FlowError` with every problem."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FlowError([f"not valid TOML: {exc}"]) from exc
    check = _Checker()
    slug = raw.get("slug")
    if not isinstance(slug, str) or not slug or not all(
            c.islower() or c.isdigit() or c == "-" for c in slug):
        check.errors.append("slug: lowercase letters, digits and hyphens")
    emergency = bool(raw.get("emergency", False))
    area = raw.get("area", "")
    if not emergency and area not in AREAS:
        check.errors.append(f"area must be one of {', '.join(AREAS)}")
    position = raw.get("position", 100)
    if not isinstance(position, int) or not 0 <= position < 10000:
        check.errors.append("position must be a whole number from 0 to 9999")
        position = 100
    definition = {
        "slug": slug, "area": area if not emergency else "", "emergency": emergency,
        "position": position,
        "title": check.text(raw.get("title"), "title"),
        "summary": check.text(raw.get("summary"), "summary"),
        "start": raw.get("start", ""),
        "steps": {},
        "order": [],
    }
    raw_steps = raw.get("step")
    if not isinstance(raw_steps, list) or not raw_steps:
        check.errors.append("a flow needs [[step]] tables")
        raw_steps = []
    for index, raw_step in enumerate(raw_steps):
        step = _step(check, raw_step, index)
        if not step.get("id"):
            continue
        if step["id"] in definition["steps"]:
            check.errors.append(f"step id {step['id']!r} is used twice")
            continue
        definition["steps"][step["id"]] = step
        definition["order"].append(step["id"])
    if not definition["start"] and definition["order"]:
        definition["start"] = definition["order"][0]
    if emergency and not any(s["kind"] == "escalate" and s.get("emergency")
                             for s in definition["steps"].values()):
        check.errors.append("an emergency flow must end in an escalate step with "
                            "emergency = true")
    if not check.errors:
        _check_graph(check, definition["start"], definition["steps"])
    if check.errors:
        raise FlowError(check.errors)
    return definition


def flow_articles(definition: dict) -> list[tuple[str, str]]:
    """(where, slug) of every fix the flow names."""
    found = []
    for step in definition["steps"].values():
        for entry in step.get("fixes", []):
            found.append((f"step {step['id']}", entry["article"]))
        for slug in step.get("quick_checks", []):
            found.append((f"step {step['id']} quick check", slug))
    return found


def flow_problem_codes(definition: dict) -> list[tuple[str, str]]:
    found = []
    for step in definition["steps"].values():
        for choice in step.get("choices", []):
            for code in choice["sets"].get("suspect", []):
                found.append((f"step {step['id']} choice {choice['id']}", code))
    return found


def steps_to_end(definition: dict, step_id: str) -> int:
    """The fewest steps from ``step_id`` to an end, counting it (for progress)."""
    steps = definition["steps"]
    memo: dict[str, int] = {}

    def shortest(node: str) -> int:
        if node not in memo:
            step = steps[node]
            if step["kind"] in ("fix", "escalate"):
                memo[node] = 1
            else:
                memo[node] = 1 + min((shortest(t) for t in successors(step) if t in steps),
                                     default=0)
        return memo[node]

    return shortest(step_id) if step_id in steps else 0
