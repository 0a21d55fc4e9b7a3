"""Sentry is optional: nothing without SENTRY_DSN, events when it is set."""

import gzip
import http.server
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from kb.core.sentry import sentry_init

ROOT = Path(__file__).resolve().parents[2]


def test_without_a_dsn_nothing_starts():
    assert sentry_init({}) is False
    assert sentry_init({"SENTRY_DSN": "  "}) is False


@pytest.mark.parametrize("rate", ["often", "2", "-0.1"])
def test_a_bad_sample_rate_stops_the_start_with_the_variable_named(rate):
    with pytest.raises(ImproperlyConfigured, match="SENTRY_TRACES_SAMPLE_RATE"):
        sentry_init({"SENTRY_DSN": "http://key@127.0.0.1:9/1",
                     "SENTRY_TRACES_SAMPLE_RATE": rate})


class _Ingest(http.server.BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):  # noqa: N802 - the standard library's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        _Ingest.received.append(body)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def test_an_error_the_site_logs_reaches_sentry(tmp_path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Ingest)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Ingest.received.clear()
    script = (
        "import django, logging, sentry_sdk\n"
        "django.setup()\n"
        "try:\n"
        "    1 / 0\n"
        "except ZeroDivisionError:\n"
        "    logging.getLogger('kb.search.services').exception('search_failed query=%r', 'obs')\n"
        "sentry_sdk.flush(timeout=10)\n"
        "import json\n"
        "print(json.dumps(sentry_sdk.get_client().options['data_collection']))\n")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kb.settings",
           "SENTRY_DSN": f"http://publickey@127.0.0.1:{server.server_port}/1",
           "SENTRY_ENVIRONMENT": "ci", "KB_VAR_DIR": str(tmp_path)}
    try:
        result = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT,
                                capture_output=True, text=True, timeout=120)
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr[-2000:]
    items = [json.loads(line) for body in _Ingest.received
             for line in body.splitlines() if line.startswith(b"{")]
    events = [item for item in items if "exception" in item]
    assert events, f"no event reached the ingest: {_Ingest.received!r}"
    event = events[0]
    assert event["environment"] == "ci"
    assert event["exception"]["values"][-1]["type"] == "ZeroDivisionError"
    assert event["logentry"]["message"].startswith("search_failed")
    # What the SDK was told to leave out, as it resolved it.
    collected = json.loads(result.stdout.strip().splitlines()[-1])
    assert collected["user_info"] is False and collected["http_bodies"] == []
    assert collected["cookies"]["mode"] == collected["url_query_params"]["mode"] == "off"
    assert collected["stack_frame_variables"] is False
