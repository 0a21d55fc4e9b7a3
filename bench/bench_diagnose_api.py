"""Benchmark ``POST /api/v1/diagnose`` against the bare ``diagnose()`` call.

Run: ``python bench/bench_diagnose_api.py`` from the repository root. A
temporary SQLite database and index hold the launch content (70 articles),
so the API does all it does in production: parse the three realistic
attachments (200-line OBS log, 30-hop mtr, 100-line ping), match the
description through search, and look up the fixes of each suggestion. The
bare ``kb.diagnostics.diagnose()`` of the same input is measured in the same
run as the baseline.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

WORK = Path(tempfile.mkdtemp(prefix="kb-bench-diagnose-"))
os.environ["DATABASE_URL"] = f"sqlite:///{WORK / 'db.sqlite3'}"
os.environ["KB_INDEX_DIR"] = str(WORK / "index")
os.environ["KB_VAR_DIR"] = str(WORK / "var")
os.environ["KB_LOG_LEVEL"] = "WARNING"
os.environ["KB_DIAGNOSE_RATE"] = "1000000/minute"
os.environ["ALLOWED_HOSTS"] = "testserver"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")

import django  # noqa: E402

django.setup()

from bench_diagnostics import build_mtr_report, build_obs_log, build_ping  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from kb.articles.fixture_files import articles_load_fixtures  # noqa: E402
from kb.diagnostics import Answers, Attachment, diagnose  # noqa: E402
from kb.problems.services import problems_load_fixture  # noqa: E402
from kb.search.indexing import index_rebuild  # noqa: E402
from kb.search.synonyms import synonyms_load_fixture  # noqa: E402
from kb.setup.services import runtime_folders_ensure  # noqa: E402

REPEATS = 200
TARGET_P95_MS = 100.0


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def timed(fn, repeats: int = REPEATS) -> list[float]:
    fn()
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main() -> None:
    runtime_folders_ensure()
    call_command("migrate", verbosity=0)
    problems_load_fixture(path=ROOT / "fixtures" / "problems.json")
    articles_load_fixtures(root=ROOT / "fixtures" / "articles")
    synonyms_load_fixture(path=ROOT / "fixtures" / "synonyms.toml")
    index_rebuild()

    obs, mtr, ping = build_obs_log(200), build_mtr_report(30), build_ping()
    description = "海外观众卡顿，OBS 一直丢帧 dropped frames"
    payload = json.dumps({
        "description": description, "role": "publisher", "protocol": "rtmp", "region": "cn",
        "stream_down": False, "lang": "zh-hans",
        "attachments": [
            {"name": "obs.txt", "content": obs.decode()},
            {"name": "mtr.txt", "content": mtr.decode()},
            {"name": "ping.txt", "content_base64": base64.b64encode(ping).decode()},
        ],
    })
    client = Client()

    def api() -> None:
        response = client.post("/api/v1/diagnose", payload, content_type="application/json")
        assert response.status_code == 200, response.content[:300]

    atts = [Attachment("obs.txt", obs), Attachment("mtr.txt", mtr), Attachment("ping.txt", ping)]
    answers = Answers(role="publisher", protocol="rtmp", region="cn", stream_down=False)
    bare = timed(lambda: diagnose(description=description, answers=answers, attachments=atts))
    whole = timed(api)
    print(f"three attachments (OBS 200 lines, mtr 30 hops, ping 100 lines), {REPEATS} repeats, "
          "launch content (70 articles)")
    print(f"  diagnose() bare        p50 {pct(bare, .5):7.2f} ms  p95 {pct(bare, .95):7.2f} ms")
    print(f"  POST /api/v1/diagnose  p50 {pct(whole, .5):7.2f} ms  p95 {pct(whole, .95):7.2f} ms"
          f"   ({pct(whole, .95) / pct(bare, .95):.2f}x the bare p95)")
    verdict = "met" if pct(whole, .95) < TARGET_P95_MS else "MISSED"
    print(f"  target API p95 < {TARGET_P95_MS:.0f} ms: {verdict}")
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
