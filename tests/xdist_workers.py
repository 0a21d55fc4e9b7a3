"""How the suite runs in several processes (pytest-xdist, ``make test``).

Loaded with ``-p`` (pyproject.toml), so it is imported before pytest-django
reads Django's settings; without xdist it changes nothing.

- Each worker writes its Prometheus metrics to a folder of its own: the
  metrics tests read counters before and after a request, and another
  worker's requests would count too.
- The integration tests start Celery workers, gunicorn nodes and beats on
  the one Redis (queues and the beat lock are shared): they run one after
  another in one worker. So do the browser tests, one browser at a time.
  The other tests are spread by module (or class), so a module's fixtures
  are set up once.
"""

import os
from pathlib import Path

_worker = os.environ.get("PYTEST_XDIST_WORKER")
if _worker:
    _shared = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or str(
        Path(os.environ.get("KB_VAR_DIR", Path(__file__).resolve().parents[1] / "var"))
        / "metrics")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(Path(_shared) / _worker)

# Folders whose tests run in one worker, one after another (the scope's name).
SERIAL_FOLDERS = {"tests/integration/": "services", "tests/browser/": "browser"}


def pytest_xdist_make_scheduler(config, log):
    # By folder rather than with xdist_group marks: xdist 3.8 marks a group
    # by rewriting Item._nodeid, which pytest 9 no longer reads.
    from xdist.scheduler import LoadScopeScheduling

    class FolderScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            for folder, scope in SERIAL_FOLDERS.items():
                if nodeid.startswith(folder):
                    return scope
            return super()._split_scope(nodeid)

    return FolderScheduling(config, log)
