"""gunicorn.conf.py, the production server's settings and hooks."""

import logging
import runpy
from pathlib import Path

import pytest

from kb.search import services as search_services

CONFIG = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


class Worker:
    """What a hook reads of gunicorn's worker: its pid and its logger."""

    pid = 4242
    log = logging.getLogger("gunicorn.error")


@pytest.fixture
def config() -> dict:
    return runpy.run_path(str(CONFIG))


def test_a_booting_worker_logs_that_it_loaded_the_search_dictionaries(config, caplog):
    with caplog.at_level(logging.INFO, logger="gunicorn.error"):
        config["post_worker_init"](Worker())
    assert "web_worker_prepared pid=4242 seconds=" in caplog.text


def test_a_worker_whose_dictionaries_fail_to_load_still_serves_and_logs_why(
        config, caplog, monkeypatch):
    def broken() -> None:
        raise OSError("dict.txt: no such file")

    monkeypatch.setattr(search_services, "search_process_prepare", broken)
    with caplog.at_level(logging.INFO, logger="gunicorn.error"):
        config["post_worker_init"](Worker())  # returns: the worker goes on to serve
    assert "web_worker_prepare_failed pid=4242" in caplog.text
    assert "dict.txt: no such file" in caplog.text
    assert "web_worker_prepared" not in caplog.text
