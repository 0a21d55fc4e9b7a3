"""One beat at a time, and never an orphan.

Celery beat queues the periodic tasks (SLA checks every minute, the nightly
index merge, content health, search gaps). Two beats queue everything twice,
and a beat embedded in a worker (``worker --beat``) survived a SIGKILL of that
worker as an orphan, so a restarted worker made two. So:

- a beat holds an exclusive lock for as long as it runs: on ``KB_BEAT_LOCK``
  (a file under ``var/``) with the embedded broker, on a key of the Redis
  broker that several nodes share; a second beat exits at once with a
  message naming the lock;
- a beat embedded in a worker asks Linux to end it when its parent dies
  (``PR_SET_PDEATHSIG``), so it cannot outlive the worker.

The periodic tasks are idempotent anyway (each checks what it already did),
so a duplicate during a hand-over does no harm.
"""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import fcntl
import logging
import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1
_held = None  # the open lock file, kept for the life of the process
# The process that imported this module: in a beat forked from a worker, the worker.
_IMPORTED_BY = os.getpid()


def lock_path() -> Path:
    from django.conf import settings

    return Path(settings.KB_BEAT_LOCK)


def acquire_lock(path: Path) -> bool:
    """Hold an exclusive lock on ``path`` for the life of this process."""
    global _held
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return False
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    _held = handle
    return True


def die_with_parent() -> bool:
    """Ask the kernel to send SIGTERM when the parent process exits (Linux)."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
        return False
    # A parent that died between the fork and the request above is never
    # signalled for: this process is already someone else's orphan. End now.
    if _IMPORTED_BY != os.getpid() and os.getppid() != _IMPORTED_BY:
        os.kill(os.getpid(), signal.SIGTERM)
    return True


# With Redis as the broker, nodes share it, so the lock lives there: a key
# set only if absent, with an expiry a thread renews while the beat runs; a
# beat that dies without releasing it frees it within REDIS_LOCK_TTL_S.
REDIS_LOCK_KEY = "kb:beat:lock"
REDIS_LOCK_TTL_S = 60
REDIS_LOCK_RENEW_S = 15


def acquire_redis_lock(url: str, *, owner: str) -> bool:
    """Hold the cluster-wide beat lock for the life of this process."""
    import redis

    client = redis.Redis.from_url(url, socket_timeout=5)
    if not client.set(REDIS_LOCK_KEY, owner, nx=True, ex=REDIS_LOCK_TTL_S):
        return False

    def renew() -> None:
        while True:
            time.sleep(REDIS_LOCK_RENEW_S)
            try:
                # Only while it is still ours (a long stall may have lost it).
                if client.get(REDIS_LOCK_KEY) != owner.encode():
                    log.error("beat_lock_lost key=%s: leaving", REDIS_LOCK_KEY)
                    os._exit(3)
                client.expire(REDIS_LOCK_KEY, REDIS_LOCK_TTL_S)
            except redis.RedisError:
                log.warning("beat_lock_renew_failed", exc_info=True)

    threading.Thread(target=renew, name="beat-lock", daemon=True).start()
    # A beat that stops cleanly (a deploy, Ctrl-C) hands over at once.
    atexit.register(release_redis_lock, client, owner=owner)
    return True


# Deletes the key only while it holds this owner, in one step on the server.
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end"


def release_redis_lock(client, *, owner: str) -> bool:
    import redis

    try:
        return bool(client.eval(_RELEASE, 1, REDIS_LOCK_KEY, owner))
    except redis.RedisError:
        log.warning("beat_lock_release_failed", exc_info=True)
        return False


def _refuse(where: str) -> None:
    message = f"beat_refused reason=another beat holds {where}"
    log.error(message)
    print(message, file=sys.stderr, flush=True)
    # Leave without queueing anything: the running beat does the work.
    # (An exception would not do: Celery logs a receiver's error and goes on.)
    os._exit(3)


def on_beat_init(sender=None, **kwargs) -> None:
    from django.conf import settings

    broker = settings.CELERY_BROKER_URL
    if broker.startswith(("redis://", "rediss://")):
        owner = f"{socket.gethostname()}:{os.getpid()}"
        if not acquire_redis_lock(broker, owner=owner):
            _refuse(f"{REDIS_LOCK_KEY} on the broker")
        log.info("beat_started lock=redis:%s owner=%s", REDIS_LOCK_KEY, owner)
        return
    path = lock_path()
    if not acquire_lock(path):
        _refuse(str(path))
    log.info("beat_started lock=%s pid=%d", path, os.getpid())


def on_beat_embedded_init(sender=None, **kwargs) -> None:
    if die_with_parent():
        log.info("beat_embedded dies_with_worker=yes")
