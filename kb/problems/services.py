"""Writes to the problem taxonomy."""

import json
import tomllib
from pathlib import Path

from django.db import transaction

from kb.problems.models import Area, Problem


def taxonomy_read_toml(*, path: Path) -> list[dict]:
    """Read ``[[problem]]`` entries from a taxonomy TOML file into fixture rows."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    rows = []
    for entry in data.get("problem", []):
        missing = {"code", "area", "en", "zh"} - entry.keys()
        if missing:
            raise ValueError(f"problem {entry.get('code', '?')} lacks {sorted(missing)}")
        if entry["area"] not in Area.values:
            raise ValueError(f"problem {entry['code']} has unknown area {entry['area']!r}")
        rows.append(
            {
                "code": entry["code"],
                "area": entry["area"],
                "summary_en": entry["en"],
                "summary_zh": entry["zh"],
            }
        )
    return rows


@transaction.atomic
def problems_load_fixture(*, path: Path) -> tuple[int, int]:
    """Create or update problem codes from the JSON fixture.

    Returns (created, updated). Codes missing from the fixture are kept:
    articles and tickets may still refer to them.
    """
    rows = json.loads(path.read_text(encoding="utf-8"))
    created = updated = 0
    for row in rows:
        problem, was_created = Problem.objects.get_or_create(
            code=row["code"],
            defaults={k: row[k] for k in ("area", "summary_en", "summary_zh")},
        )
        if was_created:
            created += 1
            continue
        changed = [k for k in ("area", "summary_en", "summary_zh") if getattr(problem, k) != row[k]]
        if changed:
            for key in changed:
                setattr(problem, key, row[key])
            problem.save(update_fields=changed)
            updated += 1
    return created, updated
