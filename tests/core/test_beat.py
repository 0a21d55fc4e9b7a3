"""Beat: one per machine, and never an orphan of a killed worker."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))


@pytest.fixture
def embedded_env(tmp_path):
    var = tmp_path / "var"
    for folder in ("out", "processed", "control"):
        (var / "broker" / folder).mkdir(parents=True)
    env = {**os.environ, "KB_BROKER_URL": "kbfs://", "KB_VAR_DIR": str(var),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
           "KB_INDEX_DIR": str(tmp_path / "index")}
    processes = []

    def start(*args: str, log: str) -> subprocess.Popen:
        handle = (tmp_path / log).open("w")
        process = subprocess.Popen([CELERY, "-A", "kb", *args, "--loglevel=INFO"], env=env,
                                   cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT)
        processes.append(process)
        return process

    yield start, tmp_path
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def _wait(predicate, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.1)
    return None


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_second_beat_on_the_machine_refuses_to_start(embedded_env):
    start, tmp = embedded_env
    first = start("beat", "--schedule", str(tmp / "schedule-1"), log="beat-1.log")
    assert _wait(lambda: "beat_started" in (tmp / "beat-1.log").read_text()), (
        (tmp / "beat-1.log").read_text())
    second = start("beat", "--schedule", str(tmp / "schedule-2"), log="beat-2.log")
    assert second.wait(timeout=60) == 3
    assert "beat_refused reason=another beat holds" in (tmp / "beat-2.log").read_text()
    assert first.poll() is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux")
def test_a_beat_embedded_in_a_killed_worker_dies_with_it(embedded_env):
    start, tmp = embedded_env
    worker = start("worker", "--pool=solo", "--beat", "--without-gossip", "--without-mingle",
                   "--schedule", str(tmp / "schedule"), log="worker.log")
    log = tmp / "worker.log"
    assert _wait(lambda: "dies_with_worker=yes" in log.read_text(), timeout=60), log.read_text()
    beats = _wait(lambda: _children(worker.pid))
    assert beats, "the worker started no beat process"
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    try:
        assert _wait(lambda: not any(_alive(pid) for pid in beats), timeout=10), (
            "the embedded beat outlived its worker")
    finally:
        for pid in beats:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


# A "worker" that forks its beat and dies before the beat asks to die with it.
_LATE_ORPHAN = """
import os, sys, time
from kb.core import beat

if os.fork():
    os._exit(0)
while os.getppid() == beat._IMPORTED_BY:
    time.sleep(0.01)
print(os.getpid(), flush=True)
beat.die_with_parent()
time.sleep(60)
print("survived", flush=True)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux")
def test_a_beat_whose_worker_died_before_it_asked_to_die_with_it_ends_at_once(tmp_path):
    # The kernel signals only for a parent that dies after the request.
    out = tmp_path / "beat.pid"
    with out.open("w") as handle:
        subprocess.run([sys.executable, "-c", _LATE_ORPHAN], cwd=ROOT, stdout=handle,
                       check=True, timeout=30)
    beat = _wait(lambda: out.read_text().split(), timeout=10)
    assert beat, "the beat never started"
    pid = int(beat[0])
    try:
        assert _wait(lambda: not _alive(pid), timeout=10), "the beat outlived its worker"
    finally:
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
