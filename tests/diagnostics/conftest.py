"""Shared helpers for the diagnostics tests (pure Python, no Django)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

SAMPLES = Path(__file__).parent / "samples"


def sample_files(*kinds: str) -> list[Path]:
    """Samples whose sidecar says ``detected`` is one of ``kinds``."""
    found = []
    for sidecar in sorted(SAMPLES.glob("*.expected.json")):
        expected = json.loads(sidecar.read_text(encoding="utf-8"))
        if not kinds or expected["detected"] in kinds:
            found.append(SAMPLES / sidecar.name.removesuffix(".expected.json"))
    return found


def expected_for(sample: Path) -> dict:
    return json.loads((SAMPLES / (sample.name + ".expected.json")).read_text(encoding="utf-8"))


@pytest.fixture
def read_sample():
    def _read(name: str) -> bytes:
        return (SAMPLES / name).read_bytes()

    return _read
