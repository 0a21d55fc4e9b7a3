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


class Server:
    """What a hook reads of gunicorn's arbiter: its settings and its logger."""

    def __init__(self, workers: int):
        self.cfg = type("Config", (), {"workers": workers})()
        self.log = logging.getLogger("gunicorn.error")


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


def test_several_workers_without_a_shared_cache_are_warned_of_at_start(config, caplog,
                                                                      monkeypatch):
    monkeypatch.delenv("KB_CACHE_URL", raising=False)
    with caplog.at_level(logging.INFO, logger="gunicorn.error"):
        config["on_starting"](Server(workers=2))
    assert "cache_per_process workers=2" in caplog.text
    assert "up to 2 times its limit" in caplog.text


@pytest.mark.parametrize(("workers", "cache_url"), [(2, "redis://127.0.0.1:6379/1"), (1, "")])
def test_a_shared_cache_or_a_single_worker_starts_without_the_warning(
        config, caplog, monkeypatch, workers, cache_url):
    monkeypatch.setenv("KB_CACHE_URL", cache_url)
    with caplog.at_level(logging.INFO, logger="gunicorn.error"):
        config["on_starting"](Server(workers=workers))
    assert "cache_per_process" not in caplog.text
