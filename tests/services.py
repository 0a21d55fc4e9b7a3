"""Whether the real services the integration and browser tests need are here.

By hand on a machine without them, those tests skip with the reason. In CI
(``KB_REQUIRE_SERVICES=1``) a missing service fails the run instead.
"""

import os
import shutil
from urllib.parse import urlsplit

import pytest
from django.conf import settings

CHROMIUM = "/usr/bin/chromium"


def _unavailable(reason: str):
    if os.environ.get("KB_REQUIRE_SERVICES") == "1":
        pytest.fail(f"required service missing: {reason}")
    pytest.skip(reason)


def require_chromium() -> None:
    if not os.path.exists(CHROMIUM):
        _unavailable(f"{CHROMIUM} not found: apt-get install chromium (see .ci/run)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        _unavailable("the playwright package is not installed: make test installs it")


def require_postgres_and_redis() -> str:
    """Return the Redis broker URL once both services are reachable."""
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        _unavailable("needs PostgreSQL: set DATABASE_URL=postgres://... (see .ci/run)")
    broker = _redis_answering(settings.CELERY_BROKER_URL)
    if shutil.which("celery") is None and not os.path.exists(
        os.path.join(os.path.dirname(os.sys.executable), "celery")
    ):
        _unavailable("the celery command is not installed")
    return broker


def require_redis(database: int = 2) -> str:
    """The URL of database ``database`` on the broker's Redis, once it answers
    (the broker uses 0, ``make cluster``'s cache 1)."""
    broker = urlsplit(settings.CELERY_BROKER_URL)
    return _redis_answering(broker._replace(path=f"/{database}").geturl())


def _redis_answering(url: str) -> str:
    if not url.startswith("redis://"):
        _unavailable("needs Redis: set KB_BROKER_URL=redis://127.0.0.1:6379/0 (see .ci/run)")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        _unavailable(f"Redis at {url} is not answering: {exc}")
    return url
