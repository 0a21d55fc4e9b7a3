"""Exactly one beat among nodes sharing a Redis broker."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from kb.core.beat import REDIS_LOCK_KEY
from tests.services import require_postgres_and_redis

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))


def test_a_second_beat_on_another_node_refuses_while_the_first_runs_and_a_stop_frees_it(
    tmp_path
):
    broker = require_postgres_and_redis()
    client = redis.Redis.from_url(broker)
    client.delete(REDIS_LOCK_KEY)
    beats = []
    try:
        for node in ("a", "b"):
            env = {**os.environ, "KB_BROKER_URL": broker, "KB_VAR_DIR": str(tmp_path / node)}
            log = (tmp_path / f"beat-{node}.log").open("w")
            beats.append(subprocess.Popen(
                [CELERY, "-A", "kb", "beat", "--loglevel=INFO",
                 "--schedule", str(tmp_path / f"schedule-{node}")],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
            if node == "a":
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline and not client.exists(REDIS_LOCK_KEY):
                    time.sleep(0.1)
                assert client.exists(REDIS_LOCK_KEY), (tmp_path / "beat-a.log").read_text()
        first, second = beats
        assert second.wait(timeout=60) == 3
        assert "beat_refused" in (tmp_path / "beat-b.log").read_text()
        assert first.poll() is None
        assert client.ttl(REDIS_LOCK_KEY) > 0  # freed by expiry if the holder dies
        # A clean stop (a deploy) frees it at once for the next beat.
        first.terminate()
        first.wait(timeout=60)
        assert not client.exists(REDIS_LOCK_KEY), (tmp_path / "beat-a.log").read_text()
    finally:
        for beat in beats:
            if beat.poll() is None:
                beat.kill()
                beat.wait(timeout=10)
        client.delete(REDIS_LOCK_KEY)
